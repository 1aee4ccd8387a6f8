import { createServer, type RequestListener, type Server } from "node:http";

/**
 * The HTTP server for the app, with a bound on how long a request may take to arrive: a sender
 * that trickles its headers or body holds a connection (and, on `/v1/events`, a checked key) no
 * longer than `requestTimeoutMs`, then gets Node's bare 408 and its connection closed, its
 * request unanswered by the app (so nothing of a partial body is stored).
 */
export function createHttpServer(app: RequestListener, requestTimeoutMs: number): Server {
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      // Node checks the timeouts on this interval (30 s by default): a tenth of the bound.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.ceil(requestTimeoutMs / 10))),
    },
    app,
  );
  // Longer than the usual proxy and client idle timeouts, so a reused keep-alive connection isn't closed under them.
  server.keepAliveTimeout = 65_000;
  return server;
}

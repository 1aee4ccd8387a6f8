import { createServer, IncomingMessage, type Server, ServerResponse } from "node:http";
import type { Express } from "express";

/**
 * The request and response classes node:http builds for `app`, made so that each instance is
 * born with Express's prototype for this app: Express's per-request
 * `Object.setPrototypeOf(req, app.request)` then finds the prototype already set and does
 * nothing. Changing an object's prototype is what made Express 3–4× slower than node:http here
 * (and left a third of each young generation alive for the GC: bench/RESULTS.md, session 6;
 * expressjs/express#5998). `app.request`/`app.response` become these classes' prototypes, which
 * inherit Express's own, with the app's own properties (`app`) copied: behaviour is unchanged,
 * and a request built elsewhere (a test's own server) still gets them the usual way.
 */
function expressMessageClasses(app: Express) {
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  adoptPrototype(AppRequest.prototype, app.request);
  adoptPrototype(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as unknown as Express["request"];
  app.response = AppResponse.prototype as unknown as Express["response"];
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse };
}

/** `target` takes `source`'s place: `source`'s prototype and own properties, once, at start. */
function adoptPrototype(target: object, source: object): void {
  Object.setPrototypeOf(target, Object.getPrototypeOf(source));
  Object.defineProperties(target, Object.getOwnPropertyDescriptors(source));
}

/**
 * The HTTP server for the app, with a bound on how long a request may take to arrive: a sender
 * that trickles its headers or body holds a connection (and, on `/v1/events`, a checked key) no
 * longer than `requestTimeoutMs`, then gets Node's bare 408 and its connection closed, its
 * request unanswered by the app (so nothing of a partial body is stored).
 */
export function createHttpServer(app: Express, requestTimeoutMs: number): Server {
  const server = createServer(
    {
      ...expressMessageClasses(app),
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

import type { Server } from "node:http";
import { Server as NetServer, type Socket } from "node:net";

export interface GracefulCloser {
  /** Stops accepting connections; resolves once every request in flight has been answered. */
  close(): Promise<void>;
}

/**
 * Graceful close for an HTTP server. `http.Server#close` drops every connection it thinks idle,
 * and a connection whose request is still unread in a buffer (the event loop was busy) looks
 * idle: its client would get a reset for a request it sent. Here, after the listener closes:
 * answers carry `Connection: close`; connections with a request in flight are left alone;
 * connections idle after serving requests are closed once pending reads had their turn; fresh
 * connections that never sent a request get `freshGraceMs` to do so.
 */
export function gracefulCloser(server: Server, freshGraceMs = 1_000): GracefulCloser {
  /** Requests in flight per open connection. */
  const inFlight = new Map<Socket, number>();
  const served = new WeakSet<Socket>();
  let closingSince: number | undefined;

  server.on("connection", (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once("close", () => inFlight.delete(socket));
  });
  server.prependListener("request", (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    served.add(socket);
    if (closingSince !== undefined) res.setHeader("connection", "close");
    res.once("close", () => {
      const count = inFlight.get(socket);
      if (count !== undefined) inFlight.set(socket, count - 1);
    });
  });

  // In the check phase, after the poll phase has read whatever data was waiting.
  const sweep = () =>
    setImmediate(() => {
      const since = closingSince ?? Date.now();
      for (const [socket, count] of inFlight) {
        if (count > 0) continue;
        if (served.has(socket) || Date.now() - since >= freshGraceMs) socket.destroy();
      }
    });

  return {
    close() {
      closingSince ??= Date.now();
      return new Promise((resolve) => {
        const sweeping = setInterval(sweep, 50);
        // net's close, not http's: it stops listening without dropping "idle" connections.
        NetServer.prototype.close.call(server, () => {
          clearInterval(sweeping);
          resolve();
        });
        sweep();
      });
    },
  };
}

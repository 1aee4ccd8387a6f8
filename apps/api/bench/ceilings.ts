// The ceilings `pnpm bench` measures the app against, each run as its own process by bench/run.ts:
//   express  a bare Express 5 app (the project's own copy of express), one route answering a
//            constant JSON object with `res.json`, Express's defaults otherwise
//   express-classes  the same Express app on the app's own HTTP server (`createHttpServer`: its
//            request and response classes born with Express's prototypes, its timeouts)
//   http     a bare `node:http` server answering the same constant JSON, no framework
// Both print `running at http://…` on stdout once they listen, like the app.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createHttpServer } from "../src/http/http-server.js";

const kind = process.argv[2];
const ANSWER = { ok: true, id: "key_0123456789abcdef", permissions: { read: true, write: true } };

function listening(address: AddressInfo | string | null): void {
  const port = typeof address === "object" && address ? address.port : 0;
  console.log(`running at http://127.0.0.1:${port}`);
}

if (kind === "express" || kind === "express-classes") {
  const app = express();
  app.get("/ceiling", (_req, res) => {
    res.json(ANSWER);
  });
  const server =
    kind === "express"
      ? app.listen(0, "127.0.0.1", () => listening(server.address()))
      : createHttpServer(app, 30_000).listen(0, "127.0.0.1", () => listening(server.address()));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
} else if (kind === "http") {
  const body = JSON.stringify(ANSWER);
  const length = String(Buffer.byteLength(body));
  const server = createServer((_req, res) => {
    res.writeHead(200, [
      "content-type",
      "application/json; charset=utf-8",
      "content-length",
      length,
    ]);
    res.end(body);
  });
  server.listen(0, "127.0.0.1", () => listening(server.address()));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
} else {
  console.error("usage: ceilings.ts <express|express-classes|http>");
  process.exit(2);
}

// The app's HTTP server builds each request and response with Express's prototype for the app
// already in place, so Express's per-request Object.setPrototypeOf has nothing to change — and
// Express behaves as before: its request and response methods, `req.app`, its error handling.

import { IncomingMessage, type Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer } from "../src/http/http-server.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** Serves `app` on the app's HTTP server; records each request's prototype before Express sees it. */
async function serve(app: Express) {
  const arrived: { req: object | null; res: object | null }[] = [];
  server = createHttpServer(app, 5_000);
  server.prependListener("request", (req, res) => {
    arrived.push({ req: Object.getPrototypeOf(req), res: Object.getPrototypeOf(res) });
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, arrived };
}

describe("the app's HTTP server", () => {
  it("builds requests and responses with the app's Express prototypes before Express handles them", async () => {
    const app = express();
    app.get("/probe", (req, res) => {
      res.json({
        sameApp: req.app === app,
        header: req.get("x-probe"),
        path: req.path,
        isIncoming: req instanceof IncomingMessage,
        isResponse: res instanceof ServerResponse,
      });
    });
    const { url, arrived } = await serve(app);

    const answer = await fetch(`${url}/probe?x=1`, { headers: { "x-probe": "seen" } });

    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual({
      sameApp: true,
      header: "seen",
      path: "/probe",
      isIncoming: true,
      isResponse: true,
    });
    expect(arrived).toHaveLength(1);
    expect(arrived[0]?.req).toBe(app.request);
    expect(arrived[0]?.res).toBe(app.response);
  });

  it("keeps Express's routing, 404s and error handling", async () => {
    const app = express();
    app.get("/fails", () => {
      throw new Error("boom");
    });
    app.use(
      (err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
        res.status(500).type("text").send(`handled ${err.message}`);
      },
    );
    const { url } = await serve(app);

    const failed = await fetch(`${url}/fails`);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("handled boom");
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });
});

// Secrets out of the log: the request log is an allow-list of fields. Every way a client may put a
// key or an invite token in a request (header names, case, percent-encoding, query, Referer,
// cookie, upper-cased paths, unmatched paths) is sent, then the captured log is searched for each.
import { API_KEY_HEADER, CSRF_HEADER, CSRF_HEADER_VALUE } from "@keyward/shared";
import express from "express";
import supertest from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { errorHandler } from "../../src/http/error-handler.js";
import { requestLog } from "../../src/http/request-log.js";
import { createLogger } from "../../src/logger.js";
import { lineSink } from "../harness.js";
import { newKey, useV1 } from "../v1-fixtures.js";

/** Every field a request log line may carry, besides pino's own. */
const ALLOWED = new Set([
  "level",
  "time",
  "pid",
  "hostname",
  "msg",
  "requestId",
  "method",
  "route",
  "status",
  "ms",
  "keyId",
  "userId",
  "orgId",
  "aborted",
  "sampled",
]);

interface Line {
  msg: string;
  requestId?: string;
  method?: string;
  route?: string;
  status?: number;
  keyId?: string;
  userId?: string;
  orgId?: string;
  [field: string]: unknown;
}

/** A secret and every spelling a log could hold it in. */
function spellings(secret: string): string[] {
  const encoded = encodeURIComponent(secret);
  return [
    secret,
    secret.slice(3),
    encoded,
    encoded.replace(/_/g, "%5F"),
    encoded.replace(/_/g, "%5f"),
    secret.toUpperCase(),
  ];
}

const v1 = useV1();
let secret: string;
let keyId: string;
let inviteToken: string;

beforeAll(async () => {
  ({ secret, id: keyId } = await newKey(v1, { read: true, write: true }, { name: "logged" }));
  inviteToken = (await v1.h.invite(v1.admin, "log-invitee@example.com", "member")).token;
});

describe("the request log", () => {
  it("holds no key or invite token however it was sent, and still says what happened", async () => {
    const app = v1.h.app;
    const rest = secret.slice(3);
    const firstLine = v1.h.logLines.length;
    const sent: { requestId: string; status: number; method: string }[] = [];
    const note = (res: supertest.Response, method: string) => {
      sent.push({ requestId: String(res.headers["x-request-id"]), status: res.status, method });
    };

    note(await supertest(app).get("/v1/key").set("X-API-Key", secret).expect(401), "GET");
    note(await supertest(app).get("/v1/key").set(API_KEY_HEADER, secret).expect(200), "GET");
    note(
      await supertest(app).get("/v1/key").set("Authorization", `Bearer ${secret}`).expect(200),
      "GET",
    );
    note(
      await supertest(app)
        .get("/v1/key")
        .set("Proxy-Authorization", `Bearer ${secret}`)
        .expect(401),
      "GET",
    );
    note(await supertest(app).get(`/v1/key?key=${secret}`).expect(401), "GET");
    note(await supertest(app).get(`/v1/metrics?eventName=e&k=kw%5F${rest}`).expect(401), "GET");
    note(await supertest(app).get(`/v1/kw_${rest}`).expect(404), "GET");
    note(await supertest(app).get(`/v1/kw%5F${rest}/x`).expect(404), "GET");
    note(await supertest(app).get(`/api/kw%5f${rest}`).expect(404), "GET");
    note(await supertest(app).get(`/API/INVITES/${inviteToken}`).expect(200), "GET");
    note(await supertest(app).get(`/api/orgs/${inviteToken}/x/${inviteToken}`).expect(401), "GET");
    note(await supertest(app).get(`/Api/Invites/${inviteToken}/nowhere`).expect(404), "GET");
    note(
      await supertest(app)
        .post(`/api/invites/${inviteToken}/accept`)
        .set(CSRF_HEADER, CSRF_HEADER_VALUE)
        .send({ password: "x" })
        .expect(400),
      "POST",
    );
    note(
      await supertest(app)
        .get("/v1/key")
        .set(API_KEY_HEADER, secret)
        .set("Referer", `https://example.com/invites/${inviteToken}?key=${secret}`)
        .expect(200),
      "GET",
    );
    note(
      await supertest(app)
        .get("/api/me")
        .set("Cookie", `kw_session=${inviteToken}; stolen=${secret}`)
        .expect(401),
      "GET",
    );
    note(
      await v1.admin.client
        .post(`/v1/events?key=${secret}`)
        .set(API_KEY_HEADER, secret)
        .send([{ eventName: "logged", token: inviteToken, secret }])
        .expect(200),
      "POST",
    );
    const orgRoute = await v1.admin.client.get(`${v1.keysPath}/${keyId}`).expect(200);
    note(orgRoute, "GET");

    const text = v1.h.logLines.slice(firstLine).join("");
    for (const value of [...spellings(secret), ...spellings(inviteToken)]) {
      expect(text.includes(value), `the log holds ${value}`).toBe(false);
    }

    const lines = v1.h.logLines.slice(firstLine).map((l) => JSON.parse(l) as Line);
    const requests = lines.filter((l) => l.msg === "request");
    for (const line of requests) {
      expect(Object.keys(line).filter((field) => !ALLOWED.has(field))).toEqual([]);
    }
    // Each request answered has its line, with what an operator needs.
    for (const { requestId, status, method } of sent) {
      expect(requestId).toMatch(/^req_/);
      const line = requests.find((l) => l.requestId === requestId);
      expect(line, `a line for ${requestId}`).toMatchObject({ method, status });
      expect(typeof line?.ms).toBe("number");
    }
    const byId = (res: supertest.Response) =>
      requests.find((l) => l.requestId === res.headers["x-request-id"]);
    expect(byId(orgRoute)).toMatchObject({
      route: "/api/orgs/:orgId/keys/:keyId",
      userId: v1.admin.user.id,
      orgId: v1.admin.orgId,
    });
    const routes = requests.map((l) => l.route);
    expect(routes).toContain("/api/invites/:token");
    expect(routes).toContain("/api/invites/:token/accept");
    expect(routes).toContain("/Api/Invites/:token/nowhere");
    expect(routes).toContain("/v1/kw_:key");
    expect(routes).toContain("/api/orgs/:token/x/:token");
    expect(requests.filter((l) => l.keyId === keyId).length).toBeGreaterThanOrEqual(3);
    console.log(
      `[hardening] log secrets: ${sent.length} requests (a key or invite token in headers, query, Referer, cookie, upper-cased and unmatched paths); ${lines.length} log lines, none holding either`,
    );
  });

  it("does not log /healthz but still gives it a request id", async () => {
    const firstLine = v1.h.logLines.length;
    const res = await supertest(v1.h.app).get("/healthz").expect(200);
    expect(res.headers["x-request-id"]).toMatch(/^req_/);
    expect(v1.h.logLines.slice(firstLine)).toEqual([]);
  });
});

describe("the error handler's log line", () => {
  it("keeps an unexpected error's type, code and frames, never its message or properties", async () => {
    const { lines, sink } = lineSink();
    const logger = createLogger("info", sink);
    const app = express();
    app.use(requestLog(logger));
    const router = express.Router();
    router.get("/:id", (req) => {
      throw Object.assign(new Error(`query failed for ${String(req.query.key)}`), {
        code: "P9999",
        meta: { args: req.headers },
      });
    });
    app.use("/boom", router);
    app.use(errorHandler(logger));
    const leaked = "kw_0123456789abcdefghijklmnopqrstuvwxyzAB";
    const res = await supertest(app).get(`/boom/1?key=${leaked}`).set("x-api-token", leaked);
    expect(res.status).toBe(500);
    expect(res.body.error.requestId).toBe(res.headers["x-request-id"]);
    const text = lines.join("");
    expect(text).not.toContain(leaked.slice(3));
    const error = lines.map((l) => JSON.parse(l) as Line).find((l) => l.msg === "unhandled error");
    expect(error).toMatchObject({
      requestId: res.headers["x-request-id"],
      method: "GET",
      route: "/boom/:id",
      error: { type: "Error", code: "P9999" },
    });
    expect((error?.error as { frames?: string[] } | undefined)?.frames?.length).toBeGreaterThan(0);
  });
});

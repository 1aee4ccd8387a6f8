// The lean /v1 path at the default log level: successful /v1 answers are sampled in the request
// log, refusals and session calls are not; /v1 answers carry the same security headers as helmet's.
import { createDb } from "@keyward/db";
import { createTestDatabase } from "@keyward/db/testing";
import { API_KEY_HEADER } from "@keyward/shared";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type KeywardApp } from "../src/app.js";
import { readEnv } from "../src/env.js";
import { V1_SUCCESS_SAMPLE } from "../src/http/request-log.js";
import { KeyChangeBus } from "../src/key-verification/key-change-bus.js";
import { createLogger } from "../src/logger.js";
import { Client, lineSink, uniqueEmail } from "./harness.js";
import { orgKey } from "./v1-fixtures.js";

interface Line {
  msg: string;
  route?: string;
  status?: number;
  sampled?: number;
  requestId?: string;
}

const { lines, sink } = lineSink();
let keyward: KeywardApp;
let closeDb: () => Promise<void>;
let dropDb: () => Promise<void>;
let secret: string;
let owner: Client;

beforeAll(async () => {
  const database = await createTestDatabase();
  dropDb = database.drop;
  const { prisma, dialect, close } = createDb(database.url);
  closeDb = close;
  keyward = createApp({
    db: prisma,
    dialect,
    // The default level, as a user starts the server.
    env: readEnv({ NODE_ENV: "production", DATABASE_URL: database.url, SIGNUPS_PER_IP: "1000" }),
    logger: createLogger("info", sink),
    keyChanges: new KeyChangeBus(),
  });
  owner = new Client(keyward.app);
  const signup = await owner
    .post("/api/auth/signup", {
      email: uniqueEmail("sampling"),
      password: "correct horse battery",
      name: "S",
      orgName: "S",
    })
    .expect(201);
  const orgId = signup.body.orgs[0].id as string;
  ({ secret } = await orgKey({ client: owner, orgId }, { name: "sampled" }));
});

afterAll(async () => {
  await keyward?.publicApi.close();
  await closeDb?.();
  await dropDb?.();
});

const requestLines = (from: number) =>
  lines
    .slice(from)
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.msg === "request");

describe("the request log at info", () => {
  it("logs one successful /v1 answer in V1_SUCCESS_SAMPLE, marked, and every refusal and session call", async () => {
    const from = lines.length;
    const total = 2 * V1_SUCCESS_SAMPLE + 10;
    for (let i = 0; i < total; i++) {
      await supertest(keyward.app).get("/v1/key").set(API_KEY_HEADER, secret).expect(200);
    }
    const refused: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await supertest(keyward.app).get("/v1/key").expect(401);
      refused.push(String(res.headers["x-request-id"]));
    }
    const me = await owner.get("/api/me").expect(200);

    const logged = requestLines(from);
    const successes = logged.filter((l) => l.route === "/v1/key" && l.status === 200);
    expect(successes.length).toBe(Math.ceil(total / V1_SUCCESS_SAMPLE));
    for (const line of successes) expect(line.sampled).toBe(V1_SUCCESS_SAMPLE);
    for (const id of refused) {
      const line = logged.find((l) => l.requestId === id);
      expect(line, `a line for refused ${id}`).toMatchObject({ status: 401 });
      expect(line?.sampled).toBeUndefined();
    }
    expect(logged.find((l) => l.requestId === me.headers["x-request-id"])).toMatchObject({
      route: "/api/me",
      status: 200,
    });
  });
});

describe("the hot paths' answers", () => {
  it("carry helmet's security headers, the request id, Vary and the JSON type", async () => {
    const viaHelmet = await owner.get("/api/me").expect(200);
    const names = [
      "content-security-policy",
      "x-content-type-options",
      "x-frame-options",
      "referrer-policy",
      "cross-origin-opener-policy",
      "cross-origin-resource-policy",
      "origin-agent-cluster",
      "x-dns-prefetch-control",
      "x-download-options",
      "x-permitted-cross-domain-policies",
      "x-xss-protection",
    ];
    const key = await supertest(keyward.app).get("/v1/key").set(API_KEY_HEADER, secret).expect(200);
    const health = await supertest(keyward.app).get("/healthz").expect(200);
    for (const res of [key, health]) {
      for (const name of names) {
        expect(res.headers[name], name).toBeDefined();
        expect(res.headers[name], name).toBe(viaHelmet.headers[name]);
      }
      expect(res.headers["x-request-id"]).toMatch(/^req_/);
      expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(Number(res.headers["content-length"])).toBe(Buffer.byteLength(res.text));
    }
    expect(key.headers.vary).toBe("Origin");
    expect(key.body.name).toBe("sampled");
    expect(health.body.ok).toBe(true);
  });
});

// Category 4 (API level): CSRF, session cookie flags, security headers, login brute force, user
// enumeration by message and by timing, and secrets absent from every log line at trace level.
import { createDb } from "@keyward/db";
import { createTestDatabase } from "@keyward/db/testing";
import { API_KEY_HEADER, CSRF_HEADER, CSRF_HEADER_VALUE } from "@keyward/shared";
import bcrypt from "bcrypt";
import type { Express } from "express";
import supertest from "supertest";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { Deps } from "../../src/deps.js";
import { readEnv } from "../../src/env.js";
import { KeyChangeBus } from "../../src/key-verification/key-change-bus.js";
import { createLogger } from "../../src/logger.js";
import { BCRYPT_COST } from "../../src/services/accounts.js";
import { Client, lineSink, PASSWORD, uniqueEmail, useHarness } from "../harness.js";
import { orgKey } from "../v1-fixtures.js";
import { expectError, expectUnchanged, fingerprint, listRoutes } from "./support.js";

const t = useHarness(
  async (h) => ({ admin: await h.signup({ name: "Ada Admin", orgName: "Web Org" }) }),
  {
    teardown: ({ h }) => h.publicApi.close(),
  },
);

/** Fills a route template with real ids of the admin's org. */
async function concretePath(template: string): Promise<string> {
  const key = await orgKey(t.admin, { name: "csrf target" });
  return template
    .replace(":orgId", t.admin.orgId)
    .replace(":keyId", key.id)
    .replace(":userId", t.admin.user.id)
    .replace(":token", "some-token");
}

const BODIES: Record<string, unknown> = {
  "POST /api/auth/signup": {
    email: "csrf@example.com",
    password: PASSWORD,
    name: "C",
    orgName: "C",
  },
  "POST /api/auth/login": { email: "csrf@example.com", password: PASSWORD },
  "PATCH /api/orgs/:orgId": { name: "Taken over" },
  "PATCH /api/orgs/:orgId/members/:userId": { role: "member" },
  "POST /api/orgs/:orgId/invites": { email: "attacker@example.com", role: "admin" },
  "POST /api/orgs/:orgId/keys": {
    name: "planted",
    orgWide: true,
    permissions: { read: true, write: true },
  },
  "PATCH /api/orgs/:orgId/keys/:keyId": { enabled: false },
  "POST /api/orgs/:orgId/keys/:keyId/roll": { graceSeconds: 0 },
  "POST /api/invites/:token/accept": { name: "A", password: PASSWORD },
};

describe("CSRF", () => {
  const stateChanging = () =>
    listRoutes(t.h.app).filter((r) => r.includes(" /api/") && !r.startsWith("GET "));

  it("refuses every state-changing session call without X-Requested-With, or with a foreign Origin", async () => {
    const token = (await t.h.client(t.admin.user)).token;
    const routes = stateChanging();
    expect(routes.length).toBeGreaterThanOrEqual(10);
    let cases = 0;
    for (const route of routes) {
      const [method, template] = route.split(" ") as [string, string];
      const path = await concretePath(template);
      const body = BODIES[route];
      const variants: [string, Record<string, string>, string | undefined][] = [
        ["no header", {}, "application/json"],
        ["wrong header value", { [CSRF_HEADER]: "XMLHttpRequest" }, "application/json"],
        [
          "form post from another site",
          { Origin: "https://evil.example" },
          "application/x-www-form-urlencoded",
        ],
        ["text/plain from another site", { Origin: "https://evil.example" }, "text/plain"],
        [
          "header and a foreign Origin",
          { [CSRF_HEADER]: CSRF_HEADER_VALUE, Origin: "https://evil.example" },
          "application/json",
        ],
        [
          "header and an Origin of null",
          { [CSRF_HEADER]: CSRF_HEADER_VALUE, Origin: "null" },
          "application/json",
        ],
        [
          "header, cross-site fetch metadata",
          { [CSRF_HEADER]: CSRF_HEADER_VALUE, "Sec-Fetch-Site": "cross-site" },
          "application/json",
        ],
      ];
      for (const [label, headers, contentType] of variants) {
        const before = await fingerprint(t.h);
        let req = supertest(t.h.app)
          [method.toLowerCase() as "post" | "patch" | "delete"](path)
          .set("Cookie", `kw_session=${token}`);
        for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
        if (contentType) req = req.set("Content-Type", contentType);
        const payload =
          body === undefined
            ? undefined
            : contentType === "application/x-www-form-urlencoded"
              ? new URLSearchParams(body as Record<string, string>).toString()
              : JSON.stringify(body);
        const res = await (payload === undefined ? req : req.send(payload));
        expectError(res, 403, "forbidden", `${route} (${label})`);
        await expectUnchanged(t.h, before, `${route} (${label})`);
        cases += 1;
      }
    }
    console.log(
      `[hardening] CSRF: ${cases} refused calls (${routes.length} state-changing routes × 7 variants)`,
    );
  });

  it("accepts the same-origin call, and answers no CORS grant to another origin", async () => {
    const res = await t.admin.client
      .patch(`/api/orgs/${t.admin.orgId}`, { name: "Web Org" })
      .set("Origin", "http://127.0.0.1")
      .set("Host", "127.0.0.1");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const preflight = await supertest(t.h.app)
      .options(`/api/orgs/${t.admin.orgId}`)
      .set("Origin", "https://evil.example")
      .set("Access-Control-Request-Method", "PATCH")
      .set("Access-Control-Request-Headers", "x-requested-with,content-type");
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect(preflight.headers["access-control-allow-credentials"]).toBeUndefined();
    const read = await t.admin.client.get("/api/me").set("Origin", "https://evil.example");
    expect(read.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const cookies = ([] as string[]).concat((res.headers["set-cookie"] as string[]) ?? []);
  const session = cookies.find((c) => c.startsWith("kw_session="));
  expect(session, JSON.stringify(cookies)).toBeDefined();
  return session as string;
}

async function appWith(
  env: Record<string, string>,
): Promise<{ app: Express; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const { prisma, dialect, close } = createDb(database.url);
  const logger = createLogger("silent");
  const deps: Deps = {
    db: prisma,
    dialect,
    env: readEnv({ NODE_ENV: "production", DATABASE_URL: database.url, ...env }),
    logger,
    keyChanges: new KeyChangeBus(),
  };
  const { app, publicApi } = createApp(deps);
  return {
    app,
    async close() {
      await publicApi.close();
      await close();
      await database.drop();
    },
  };
}

describe("session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, not Secure on plain http; cleared the same way on logout", async () => {
    const client = new Client(t.h.app);
    const res = await client
      .post("/api/auth/login", { email: t.admin.user.email, password: t.admin.password })
      .expect(200);
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\/(;|$)/i);
    expect(cookie).not.toMatch(/;\s*Secure/i);
    expect(cookie).not.toMatch(/;\s*Domain=/i);
    const token = /^kw_session=([^;]+)/.exec(cookie)?.[1] ?? "";
    expect(token.length).toBeGreaterThanOrEqual(32);
    // The database keeps a hash of the token, never the token.
    const sessions = await t.h.deps.db.session.findMany();
    expect(JSON.stringify(sessions)).not.toContain(token);

    const out = await client.post("/api/auth/logout").expect(204);
    const cleared = cookieOf(out);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/i);
    expect(cleared).toMatch(/;\s*HttpOnly/i);
    await new Client(t.h.app, token).send("GET", "/api/me").expect(401);
  });

  it("is Secure, and HSTS is sent, behind a TLS proxy (TRUST_PROXY=true)", async () => {
    const proxied = await appWith({ TRUST_PROXY: "true" });
    try {
      const res = await supertest(proxied.app)
        .post("/api/auth/signup")
        .set(CSRF_HEADER, CSRF_HEADER_VALUE)
        .set("X-Forwarded-Proto", "https")
        .send({ email: uniqueEmail("tls"), password: PASSWORD, name: "T", orgName: "T" })
        .expect(201);
      const cookie = cookieOf(res);
      expect(cookie).toMatch(/;\s*Secure/i);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=Lax/i);
      expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d{7,}/);
      expect(res.headers["content-security-policy"]).toContain("upgrade-insecure-requests");
    } finally {
      await proxied.close();
    }
  });
});

describe("security headers", () => {
  const PATHS = [
    "/",
    "/orgs/x/keys",
    "/api/me",
    "/api/openapi.json",
    "/v1/key",
    "/docs",
    "/healthz",
    "/nope",
  ];

  it.each(PATHS)(
    "%s carries CSP with frame-ancestors 'none', nosniff and friends",
    async (path) => {
      const res = await supertest(t.h.app).get(path);
      expect(res.status).toBeLessThan(500);
      const csp = String(res.headers["content-security-policy"]);
      const directives = Object.fromEntries(
        csp.split(";").map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values.join(" ")];
        }),
      );
      expect(directives["frame-ancestors"]).toBe("'none'");
      expect(directives["default-src"]).toBe("'self'");
      expect(directives["script-src"]).toBe("'self'");
      expect(directives["object-src"]).toBe("'none'");
      expect(directives["base-uri"]).toBe("'self'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toMatch(/DENY|SAMEORIGIN/);
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["cross-origin-opener-policy"]).toBe("same-origin");
      expect(res.headers["x-powered-by"]).toBeUndefined();
      // Plain http: no HSTS (it would pin a browser to an https that isn't there).
      expect(res.headers["strict-transport-security"]).toBeUndefined();
    },
  );

  it("/docs runs under the CSP: no inline script, no script from another origin", async () => {
    const res = await supertest(t.h.app).get("/docs").expect(200);
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    for (const [, attrs, inline] of scripts) {
      if (/type=["']application\/(ld\+)?json["']/i.test(attrs ?? "")) continue;
      expect(inline?.trim(), "inline script would be blocked by script-src 'self'").toBe("");
      expect(attrs).not.toMatch(/src=["']https?:/i);
    }
    expect(res.text).not.toMatch(/\son[a-z]+=["']/i);
  });

  it("answers that carry a secret or session data are not stored by caches", async () => {
    const created = await t.admin.client
      .post(`/api/orgs/${t.admin.orgId}/keys`, {
        name: "cache probe",
        orgWide: true,
        permissions: { read: true, write: false },
      })
      .expect(201);
    const me = await t.admin.client.get("/api/me").expect(200);
    for (const res of [created, me]) {
      expect(String(res.headers["cache-control"])).toMatch(/no-store/);
    }
  });
});

describe("login brute force and user enumeration", () => {
  it("after 10 failures for an email (any case), the right password gets 429 with Retry-After", async () => {
    const victim = (await t.h.member(t.admin, { name: "Victim" })).user;
    const anon = t.h.anonymous();
    for (let i = 0; i < 10; i++) {
      const email = i % 2 === 0 ? victim.email : victim.email.toUpperCase();
      const res = await anon.post("/api/auth/login", { email, password: `wrong password ${i}` });
      expectError(res, 401, "unauthenticated", `attempt ${i}`);
    }
    const blocked = await anon.post("/api/auth/login", { email: victim.email, password: PASSWORD });
    expectError(blocked, 429, "rate_limited", "11th attempt with the right password");
    expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(blocked.headers["retry-after"])).toBeLessThanOrEqual(15 * 60);
    expect(cookieOrNone(blocked)).toBeUndefined();
  });

  it("an unknown email and a wrong password get the same status and body", async () => {
    const anon = t.h.anonymous();
    const unknown = await anon.post("/api/auth/login", {
      email: uniqueEmail("ghost"),
      password: "some password 1",
    });
    const wrong = await anon.post("/api/auth/login", {
      email: t.admin.user.email,
      password: "some password 1",
    });
    const strip = (body: { error: Record<string, unknown> }) => ({ ...body.error, requestId: "" });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(wrong.headers).sort());
  });

  it("an unknown email and a wrong password take the same time (bcrypt on both paths)", async () => {
    const N = 8;
    const known = (await t.h.member(t.admin, { name: "Timing Victim" })).user;
    const anon = t.h.anonymous();
    const time = async (email: string) => {
      const start = performance.now();
      const res = await anon.post("/api/auth/login", { email, password: "not the password" });
      expect(res.status).toBe(401);
      return performance.now() - start;
    };
    await time(uniqueEmail("warmup"));
    const unknownTimes: number[] = [];
    const knownTimes: number[] = [];
    for (let i = 0; i < N; i++) {
      // Interleaved, so a busy moment of the shared machine falls on both sides alike.
      unknownTimes.push(await time(uniqueEmail("ghost")));
      knownTimes.push(await time(known.email));
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const unknownMean = mean(unknownTimes);
    const knownMean = mean(knownTimes);
    // What one bcrypt comparison at the app's cost takes on this machine right now.
    const hash = await bcrypt.hash("reference password", BCRYPT_COST);
    const bcryptTimes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = performance.now();
      await bcrypt.compare("not the password", hash);
      bcryptTimes.push(performance.now() - start);
    }
    const bcryptMean = mean(bcryptTimes);
    console.log(
      `[hardening] login timing: unknown email ${unknownMean.toFixed(1)} ms, known email + wrong password ${knownMean.toFixed(1)} ms (mean of ${N} each; one bcrypt compare ${bcryptMean.toFixed(1)} ms)`,
    );
    // Both paths pay one bcrypt: without the dummy hash the unknown email would be faster by a
    // whole bcrypt. The difference must stay well under one bcrypt (the shared machine is noisy).
    expect(Math.min(unknownMean, knownMean)).toBeGreaterThan(0.5 * bcryptMean);
    expect(Math.abs(unknownMean - knownMean)).toBeLessThan(0.5 * Math.max(bcryptMean, knownMean));
  });
});

function cookieOrNone(res: { headers: Record<string, unknown> }): string | undefined {
  const cookies = ([] as string[]).concat((res.headers["set-cookie"] as string[]) ?? []);
  return cookies.find((c) => c.startsWith("kw_session="));
}

describe("secrets in logs", () => {
  it("no password, key secret, session or invite token appears in any log line at trace level", async () => {
    const { lines, sink } = lineSink();
    const database = await createTestDatabase();
    const { prisma, dialect, close } = createDb(database.url);
    const env = readEnv({ NODE_ENV: "test", LOG_LEVEL: "trace", DATABASE_URL: database.url });
    const { app, publicApi } = createApp({
      db: prisma,
      dialect,
      env,
      logger: createLogger("trace", sink),
      keyChanges: new KeyChangeBus(),
    });
    const secrets: string[] = [];
    const note = (...values: (string | undefined)[]) => {
      for (const v of values) if (v) secrets.push(v);
    };
    try {
      const password = "log-probe password 1";
      const invitedPassword = "log-probe password 2";
      note(password, invitedPassword);
      const owner = new Client(app);
      const email = uniqueEmail("logs");
      const signup = await owner
        .post("/api/auth/signup", { email, password, name: "L", orgName: "L" })
        .expect(201);
      note(/^kw_session=([^;]+)/.exec(cookieOf(signup))?.[1]);
      const orgId = signup.body.orgs[0].id as string;
      const login = await owner.post("/api/auth/login", { email, password }).expect(200);
      note(/^kw_session=([^;]+)/.exec(cookieOf(login))?.[1]);
      await owner.post("/api/auth/login", { email, password: "wrong-password-in-log" }).expect(401);
      note("wrong-password-in-log");
      await owner
        .post("/api/auth/signup", {
          email: "not-an-email",
          password: "bad-signup-password",
          name: "x",
          orgName: "y",
        })
        .expect(400);
      note("bad-signup-password");
      const created = await orgKey({ client: owner, orgId }, { name: "log key" });
      note(created.secret);
      const rolled = await owner
        .post(`/api/orgs/${orgId}/keys/${created.id}/roll`, { graceSeconds: 60 })
        .expect(201);
      note(rolled.body.secret);
      const invite = await owner
        .post(`/api/orgs/${orgId}/invites`, { email: uniqueEmail("logs-inv"), role: "member" })
        .expect(201);
      note(invite.body.token);
      await new Client(app).get(`/api/invites/${invite.body.token}`).expect(200);
      const joined = await new Client(app)
        .post(`/api/invites/${invite.body.token}/accept`, { name: "J", password: invitedPassword })
        .expect(200);
      note(/^kw_session=([^;]+)/.exec(cookieOf(joined))?.[1]);
      const m = supertest(app);
      for (const secret of [created.secret, rolled.body.secret] as string[]) {
        await m.get("/v1/key").set(API_KEY_HEADER, secret).expect(200);
        await m.get("/v1/key").set("Authorization", `Bearer ${secret}`).expect(200);
        await m
          .post("/v1/events")
          .set(API_KEY_HEADER, secret)
          .send([{ eventName: "log" }])
          .expect(200);
        await m.get("/v1/metrics?eventName=log").set(API_KEY_HEADER, secret).expect(200);
        // A wrong key and a key in the URL are refused; neither is logged.
        await m
          .get("/v1/key")
          .set(API_KEY_HEADER, `${secret.slice(0, -1)}${secret.endsWith("x") ? "y" : "x"}`)
          .expect(401);
        await m.get(`/v1/key?key=${secret}`).expect(401);
      }
      await owner.post("/api/auth/logout").expect(204);
      await publicApi.close();
    } finally {
      await close();
      await database.drop();
    }
    expect(lines.length).toBeGreaterThan(20);
    const levels = new Set(lines.map((l) => (JSON.parse(l) as { level: number }).level));
    expect(levels.size).toBeGreaterThanOrEqual(1);
    for (const secret of secrets) {
      // The whole secret, and its random part on its own.
      const needles = [secret, secret.startsWith("kw_") ? secret.slice(3, 35) : secret];
      for (const line of lines) {
        for (const needle of needles)
          expect(line.includes(needle), `log line leaks a secret: ${line.slice(0, 300)}`).toBe(
            false,
          );
      }
    }
    console.log(
      `[hardening] log secrets: ${lines.length} log lines at trace level checked for ${secrets.length} secrets (passwords, key secrets, session and invite tokens): none found`,
    );
  });
});

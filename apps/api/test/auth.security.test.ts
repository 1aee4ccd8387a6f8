import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_FAILURE_LIMIT } from "../src/services/login-throttle.js";
import { createHarness, type Harness, type SignedIn, uniqueEmail } from "./harness.js";

let h: Harness;
let owner: SignedIn;
let other: SignedIn;
/** Every session token the app handed out in this file, to look for in the logs. */
const tokens: string[] = [];

function collectToken(res: { headers: Record<string, unknown> }): void {
  for (const c of (res.headers["set-cookie"] ?? []) as string[]) {
    const value = c.match(/^kw_session=([^;]+)/)?.[1];
    if (value) tokens.push(decodeURIComponent(value));
  }
}

beforeAll(async () => {
  h = await createHarness();
  owner = await h.signup({ email: uniqueEmail("owner"), password: "owner's long password" });
  other = await h.signup({ email: uniqueEmail("other"), password: "other's long password" });
});
afterAll(async () => {
  await h?.close();
});

async function login(email: string, password: string) {
  const res = await h.anonymous().post("/api/auth/login", { email, password });
  collectToken(res);
  return res;
}

describe("login throttling", () => {
  it("after 10 failures for an email, 429 with Retry-After even with the right password; other emails unaffected", async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
      const res = await login(owner.user.email, `wrong password ${i}`);
      expect(res.status).toBe(401);
    }
    const blocked = await login(owner.user.email, owner.password);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe("rate_limited");
    expect(blocked.headers["set-cookie"]).toBeUndefined();
    const retryAfter = Number(blocked.headers["retry-after"]);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);

    // Case-insensitive: the same email in other case is the same counter.
    const upper = await login(owner.user.email.toUpperCase(), owner.password);
    expect(upper.status).toBe(429);

    // Someone else signs in as usual.
    const fine = await login(other.user.email, other.password);
    expect(fine.status).toBe(200);

    // Refused attempts are not failures: the window does not keep moving.
    expect(await h.deps.db.loginFailure.count({ where: { email: owner.user.email } })).toBe(
      LOGIN_FAILURE_LIMIT,
    );

    // The failures are stored in the database, so every instance sees them; once they are
    // older than 15 minutes the right password works again.
    await h.deps.db.loginFailure.updateMany({
      where: { email: owner.user.email },
      data: { at: new Date(Date.now() - 15 * 60 * 1000 - 1000) },
    });
    const again = await login(owner.user.email, owner.password);
    expect(again.status).toBe(200);
  });

  it("Retry-After counts down to when the oldest counted failure leaves the window", async () => {
    const email = uniqueEmail("window");
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
      await login(email, "nope nope nope");
    }
    const old = new Date(Date.now() - 14 * 60 * 1000);
    const rows = await h.deps.db.loginFailure.findMany({
      where: { email },
      orderBy: { at: "asc" },
    });
    await h.deps.db.loginFailure.update({ where: { id: rows[0]?.id ?? "" }, data: { at: old } });
    const blocked = await login(email, "nope nope nope");
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(30);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("unknown emails are throttled the same way (no account enumeration)", async () => {
    const email = uniqueEmail("ghost");
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
      expect((await login(email, "guess guess guess")).status).toBe(401);
    }
    expect((await login(email, "guess guess guess")).status).toBe(429);
  });

  it("a burst of parallel guesses cannot get past the limit", async () => {
    // From 30 addresses (behind a trusted proxy), so the per-address limits leave them all to the per-email one.
    const proxied = await createHarness({ TRUST_PROXY: "true" });
    try {
      const target = await proxied.signup({ email: uniqueEmail("burst") });
      const guess = (i: number, password = `parallel guess ${i}`) =>
        proxied
          .anonymous()
          .post("/api/auth/login", { email: target.user.email, password })
          .set("X-Forwarded-For", `203.0.113.${i + 1}`);
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => guess(i)));
      const statuses = results.map((r) => r.status);
      const checked = statuses.filter((s) => s === 401).length;
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      expect(checked).toBe(LOGIN_FAILURE_LIMIT);
      expect((await guess(100, target.password)).status).toBe(429);
    } finally {
      await proxied.close();
    }
  });

  it("unknown email and wrong password take about the same time", async () => {
    const time = async (email: string) => {
      const start = performance.now();
      const res = await login(email, "definitely wrong");
      expect(res.status).toBe(401);
      return performance.now() - start;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] ?? 0;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(other.user.email));
      unknown.push(await time(uniqueEmail("timing")));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(1 / 3);
    expect(ratio).toBeLessThan(3);
  });
});

describe("CSRF header on /api/auth/*", () => {
  it("signup without the header → 403, nothing written", async () => {
    const before = await h.countRows();
    const res = await h
      .anonymous()
      .agent.post("/api/auth/signup")
      .send({
        email: uniqueEmail(),
        password: "correct horse battery",
        name: "No Header",
        orgName: "Org",
      })
      .expect(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(res.headers["set-cookie"]).toBeUndefined();
    expect(await h.countRows()).toEqual(before);
  });

  it("login without the header (or with another value) → 403, no session", async () => {
    const before = await h.countRows();
    for (const header of [undefined, "XMLHttpRequest"]) {
      const req = h.anonymous().agent.post("/api/auth/login");
      if (header) req.set("X-Requested-With", header);
      const res = await req.send({ email: other.user.email, password: other.password }).expect(403);
      expect(res.headers["set-cookie"]).toBeUndefined();
    }
    expect(await h.countRows()).toEqual(before);
  });

  it("logout without the header → 403 and the session lives on", async () => {
    const signedIn = await login(other.user.email, other.password);
    expect(signedIn.status).toBe(200);
    const client = h.anonymous();
    const cookie = ((signedIn.headers["set-cookie"] ?? []) as string[])[0]?.split(";")[0] ?? "";
    await client.agent.post("/api/auth/logout").set("Cookie", cookie).expect(403);
    await client.get("/api/me").set("Cookie", cookie).expect(200);
  });
});

describe("secrets stay out of logs", () => {
  it("no password and no session token appears in any log line", () => {
    expect(tokens.length).toBeGreaterThan(2);
    const log = h.logLines.join("\n");
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [
      owner.password,
      other.password,
      "correct horse battery",
      "wrong password 0",
      ...tokens,
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain("$2b$12$");
  });
});

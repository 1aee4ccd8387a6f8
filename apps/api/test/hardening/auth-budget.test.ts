// Password hashing has a budget: one client address cannot spend the bcrypt pool on everyone
// else's behalf (a few checks at a time, a number of failures and signups per window), answered
// 429 with Retry-After. Addresses come from X-Forwarded-For behind a trusted proxy.
import type { AddressInfo } from "node:net";
import { CSRF_HEADER, CSRF_HEADER_VALUE } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { readEnv } from "../../src/env.js";
import { HASHES_IN_FLIGHT_PER_ADDRESS } from "../../src/http/auth-budget.js";
import { hashingLoad } from "../../src/services/accounts.js";
import { uniqueEmail, useHarness } from "../harness.js";

const FAILURES_PER_ADDRESS = 5;
const SIGNUPS_PER_ADDRESS = 3;

const t = useHarness(
  async (h) => {
    h.deps.logger.level = "warn";
    const victim = await h.signup({ email: uniqueEmail("victim") });
    // A real server, so parallel requests are parallel connections.
    const server = h.app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { victim, server, base };
  },
  {
    env: {
      TRUST_PROXY: "true",
      LOGIN_FAILURES_PER_IP: String(FAILURES_PER_ADDRESS),
      SIGNUPS_PER_IP: String(SIGNUPS_PER_ADDRESS),
    },
    teardown: ({ server }) => new Promise((resolve) => server?.close(resolve)),
  },
);

interface Answer {
  status: number;
  retryAfter: string | null;
  code?: string;
  ms: number;
}

async function post(path: string, from: string, body: unknown): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${t.base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [CSRF_HEADER]: CSRF_HEADER_VALUE,
      "x-forwarded-for": from,
    },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { error?: { code: string } };
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    code: answer.error?.code,
    ms: performance.now() - started,
  };
}

const login = (from: string, email: string, password: string) =>
  post("/api/auth/login", from, { email, password });

describe("defaults", () => {
  it("allow 100 failed logins per address per 15 minutes (the contract's floor) and 20 signups per hour", () => {
    const env = readEnv({});
    expect(env.LOGIN_FAILURES_PER_IP).toBe(100);
    expect(env.SIGNUPS_PER_IP).toBe(20);
  });
});

describe("a flood of logins from one address", () => {
  it("is capped at a few checks at a time, so another address's login never waits for a hashing slot", async () => {
    const baseline: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await login("198.51.100.1", t.victim.user.email, t.victim.password);
      expect(res.status).toBe(200);
      baseline.push(res.ms);
    }
    const oneLogin = [...baseline].sort((a, b) => a - b)[1] ?? 0;

    let mostRunning = 0;
    let mostWaiting = 0;
    const sampler = setInterval(() => {
      const load = hashingLoad();
      mostRunning = Math.max(mostRunning, load.running);
      mostWaiting = Math.max(mostWaiting, load.waiting);
    }, 2);
    let answers: Answer[];
    let mine: Answer;
    try {
      const flood = Promise.all(
        Array.from({ length: 16 }, () =>
          login("192.0.2.66", uniqueEmail("flood"), "not anyone's password"),
        ),
      );
      // Let the flood reach the server first.
      await new Promise((resolve) => setTimeout(resolve, 20));
      mine = await login("198.51.100.1", t.victim.user.email, t.victim.password);
      answers = await flood;
    } finally {
      clearInterval(sampler);
    }

    expect(mine.status).toBe(200);
    const checked = answers.filter((a) => a.status === 401);
    const refused = answers.filter((a) => a.status === 429);
    expect(checked.length + refused.length).toBe(16);
    expect(checked.length).toBeGreaterThanOrEqual(1);
    // Only a few can run at once; any checked beyond the cap started after an earlier one ended.
    expect(refused.length).toBeGreaterThanOrEqual(16 - 3 * HASHES_IN_FLIGHT_PER_ADDRESS);
    for (const r of refused) {
      expect(r.code).toBe("rate_limited");
      expect(r.retryAfter).toBe("1");
    }
    // The flood's checks plus this one fit the hashing budget: nothing queued behind the flood.
    expect(mostRunning).toBeGreaterThanOrEqual(1);
    expect(mostRunning).toBeLessThanOrEqual(HASHES_IN_FLIGHT_PER_ADDRESS + 1);
    expect(mostWaiting).toBe(0);
    console.log(
      `[hardening] login flood: 16 parallel unknown-email logins from one address → ${checked.length} checked, ${refused.length} × 429; at most ${mostRunning} bcrypt running, 0 waiting; another address's login ${mine.ms.toFixed(0)} ms (alone ${oneLogin.toFixed(0)} ms)`,
    );
  });
});

describe("failed logins per address", () => {
  it("are a 429 with Retry-After after the limit, even with the right password; other addresses unaffected", async () => {
    const from = "192.0.2.10";
    // A success does not count as a failure.
    expect((await login(from, t.victim.user.email, t.victim.password)).status).toBe(200);
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) {
      // A new email each time: the per-email throttle (10) never applies.
      expect((await login(from, uniqueEmail("guess"), "guess guess guess")).status).toBe(401);
    }
    const blocked = await login(from, t.victim.user.email, t.victim.password);
    expect(blocked.status).toBe(429);
    expect(blocked.code).toBe("rate_limited");
    const retryAfter = Number(blocked.retryAfter);
    expect(retryAfter).toBeGreaterThan(15 * 60 - 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await login("192.0.2.11", t.victim.user.email, t.victim.password)).status).toBe(200);
  });

  it("an IPv6 client is counted by its /64, however it varies the rest", async () => {
    for (let i = 0; i < FAILURES_PER_ADDRESS; i++) {
      const res = await login(`2001:db8:1:2::${(i + 1).toString(16)}`, uniqueEmail("v6"), "guess");
      expect(res.status).toBe(401);
    }
    expect(
      (await login("2001:db8:1:2:ffff::9", t.victim.user.email, t.victim.password)).status,
    ).toBe(429);
    expect((await login("2001:db8:1:3::1", t.victim.user.email, t.victim.password)).status).toBe(
      200,
    );
  });
});

describe("signups per address", () => {
  it("are a 429 with Retry-After after the limit; other addresses unaffected", async () => {
    const signup = (from: string) =>
      post("/api/auth/signup", from, {
        email: uniqueEmail("signup"),
        password: "correct horse battery",
        name: "New",
        orgName: "Org",
      });
    for (let i = 0; i < SIGNUPS_PER_ADDRESS; i++)
      expect((await signup("192.0.2.20")).status).toBe(201);
    const before = await t.h.deps.db.user.count();
    const blocked = await signup("192.0.2.20");
    expect(blocked.status).toBe(429);
    expect(blocked.code).toBe("rate_limited");
    expect(Number(blocked.retryAfter)).toBeGreaterThan(60 * 60 - 60);
    expect(await t.h.deps.db.user.count()).toBe(before);
    expect((await signup("192.0.2.21")).status).toBe(201);
  });
});

// Rate limits across instances: two app instances (each with its own limiter and Redis client),
// and two real server processes, sharing one real Redis count a key's requests together; without
// Redis each counts alone; a Redis that is unreachable, goes away or hangs never fails a request.
// Needs a real Redis at TEST_REDIS_URL: vitest.config.ts runs `*.redis.test.ts` only when it is set
// (`npm test` sets it when a Redis answers), and this fails at once if that Redis doesn't answer.

import type { AddressInfo } from "node:net";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { API_KEY_HEADER } from "@keyward/shared";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import type { Env } from "../src/env.js";
import { startServer } from "./support/server-process.js";
import { newKey, setupV1, teardownV1, type V1 } from "./v1-fixtures.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** Counters of this run only (they expire after their 1 s window anyway). */
const PREFIX = `keyward-test:${process.pid}:${Date.now()}:`;
const LIMIT = 5;
/** Requests per burst, alternated between two instances: more than twice the limit. */
const BURST = 16;
/**
 * Over the limit a fresh key's burst may get with Redis: each instance admits a fresh key's first
 * requests on credit until Redis answers its first lease (no request waits on Redis), up to its
 * share of the limit between the instances it has seen, so when an answer through an instance
 * comes back before that lease's, one or two more can pass in the key's first window. Still far
 * from the 2 × LIMIT of instances counting alone.
 */
const CREDIT_SLACK = 2;

/** The burst was limited once, together: LIMIT accepted, give or take the credit slack. */
function expectShared(accepted: number) {
  expect(accepted).toBeGreaterThanOrEqual(LIMIT);
  expect(accepted).toBeLessThanOrEqual(LIMIT + CREDIT_SLACK);
}

interface Answer {
  status: number;
  code?: string;
  retryAfter: string | null;
  ms: number;
}

/** Something that answers HTTP: an app in this process, or a server process. */
interface Target {
  get(path: string, secret: string): Promise<Answer>;
}

interface Instance extends Target {
  /** Whether this instance counts in Redis right now. */
  sharing(): boolean;
  close(): Promise<void>;
}

let v1: V1;
const instances: Instance[] = [];
let redis: Redis;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(
      `this test needs a real Redis at ${REDIS_URL} (set TEST_REDIS_URL): ${(err as Error).message}`,
    );
  }
  v1 = await setupV1();
  await v1.h.deps.db.org.update({
    where: { id: v1.admin.orgId },
    data: { rateLimitPerSecond: LIMIT },
  });
});

afterAll(async () => {
  for (const instance of instances) await instance.close();
  await teardownV1(v1);
  redis?.disconnect();
});

/**
 * Two instances sharing their counts in Redis through a link the test can cut, restore or hang,
 * once both are connected; the link is closed after `body`, whether it passed or not.
 */
async function throughLink(
  body: (link: FaultyLink, pair: [Instance, Instance]) => Promise<void>,
): Promise<void> {
  const link = await FaultyLink.open(REDIS_URL);
  try {
    const env = { REDIS_URL: link.url, REDIS_KEY_PREFIX: PREFIX };
    const pair: [Instance, Instance] = [await startInstance(env), await startInstance(env)];
    await until(() => pair.every((i) => i.sharing()), "both instances are connected to Redis");
    await body(link, pair);
  } finally {
    await link.close();
  }
}

/** Another app on the harness's database, listening on a free port, with these settings. */
async function startInstance(env: Partial<Env>): Promise<Instance> {
  const { app, publicApi: api } = createApp({ ...v1.h.deps, env: { ...v1.h.deps.env, ...env } });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const instance: Instance = {
    ...target(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    sharing: () => api.limiter.sharing,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await api.close();
    },
  };
  instances.push(instance);
  return instance;
}

function target(base: string): Target {
  return {
    async get(path, secret) {
      const started = performance.now();
      const res = await fetch(base + path, { headers: { [API_KEY_HEADER]: secret } });
      const body = (await res.json()) as { error?: { code: string } };
      const ms = performance.now() - started;
      return {
        status: res.status,
        code: body.error?.code,
        retryAfter: res.headers.get("retry-after"),
        ms,
      };
    },
  };
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

/** BURST requests of a fresh key (fresh counters), one after another, alternating A, B, A, … */
async function alternate(a: Target, b: Target) {
  const key = await newKey(v1);
  const answers: Answer[] = [];
  const started = performance.now();
  for (let i = 0; i < BURST; i += 1) {
    answers.push(await (i % 2 === 0 ? a : b).get("/v1/key", key.secret));
  }
  const ms = performance.now() - started;
  const accepted = answers.filter((answer) => answer.status === 200).length;
  return { key, answers, accepted, ms };
}

/** A burst that fits in one 1-second window (retried with a new key on a stalled machine). */
async function alternateInOneWindow(a: Target, b: Target) {
  for (let attempt = 1; ; attempt += 1) {
    const burst = await alternate(a, b);
    if (burst.ms < 800 || attempt === 3) {
      expect(burst.ms, "the burst did not fit in one rate-limit window").toBeLessThan(1_000);
      return burst;
    }
  }
}

function expectLimited(answers: Answer[]) {
  for (const answer of answers) {
    expect(answer).toMatchObject({ status: 429, code: "rate_limited" });
    expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
  }
}

/** A free port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("with Redis, the limit holds across instances", () => {
  it("two instances together accept the org's limit per second, not twice it", async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: PREFIX };
    const a = await startInstance(env);
    const b = await startInstance(env);
    await until(() => a.sharing() && b.sharing(), "both instances are connected to Redis");
    const { key, answers, accepted } = await alternateInOneWindow(a, b);

    expectShared(accepted);
    expect(answers.slice(0, LIMIT).map((answer) => answer.status)).toEqual(Array(LIMIT).fill(200));
    expectLimited(answers.slice(LIMIT + CREDIT_SLACK));
    // Both instances answered 200s and 429s: the count is shared, not one instance's own.
    const byA = answers.filter((_, i) => i % 2 === 0);
    const byB = answers.filter((_, i) => i % 2 === 1);
    for (const mine of [byA, byB]) {
      expect(mine.some((answer) => answer.status === 200)).toBe(true);
      expect(mine.some((answer) => answer.status === 429)).toBe(true);
    }
    // The window is in Redis, under this run's prefix: the limit's tokens handed out, give or take
    // the credit slack (refused requests take none).
    expectShared(Number(await redis.hget(`${PREFIX}rl:${LIMIT}:${key.id}`, "granted")));

    await sleep(1_100);
    expect((await a.get("/v1/key", key.secret)).status).toBe(200);
    expect((await b.get("/v1/key", key.secret)).status).toBe(200);
  });
});

describe("two server processes", () => {
  it("share one key's limit through Redis", async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: PREFIX };
    const databaseUrl = v1.h.deps.env.DATABASE_URL ?? "";
    const servers = await Promise.all([
      startServer({ databaseUrl, env }),
      startServer({ databaseUrl, env }),
    ]);
    try {
      const [a, b] = servers.map((server) => target(server.url)) as [Target, Target];
      // Both count in Redis once a request through each leases tokens there (in the background,
      // after the answer): A's lease starts the probe key's window, B's adds to it.
      const deadline = Date.now() + 15_000;
      const granted = async (id: string) =>
        Number(await redis.hget(`${PREFIX}rl:${LIMIT}:${id}`, "granted"));
      const leased = async (id: string, above: number) => {
        for (let i = 0; i < 10; i += 1) {
          const count = await granted(id);
          if (count > above) return count;
          await sleep(20);
        }
        return 0;
      };
      for (;;) {
        const probe = await newKey(v1);
        await a.get("/v1/key", probe.secret);
        const byA = await leased(probe.id, 0);
        await b.get("/v1/key", probe.secret);
        if (byA > 0 && (await leased(probe.id, byA)) > byA) break;
        if (Date.now() > deadline) throw new Error("the server processes never counted in Redis");
        await sleep(200);
      }

      const { key, answers, accepted } = await alternateInOneWindow(a, b);
      expectShared(accepted);
      expectLimited(answers.slice(LIMIT + CREDIT_SLACK));
      expectShared(Number(await redis.hget(`${PREFIX}rl:${LIMIT}:${key.id}`, "granted")));
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }, 90_000);
});

describe("without Redis, each instance limits on its own", () => {
  it("two instances accept twice the limit between them", async () => {
    const c = await startInstance({ REDIS_URL: undefined });
    const d = await startInstance({ REDIS_URL: undefined });
    const { key, answers, accepted } = await alternateInOneWindow(c, d);

    expect(accepted).toBe(2 * LIMIT);
    expect(answers.slice(0, 2 * LIMIT).map((answer) => answer.status)).toEqual(
      Array(2 * LIMIT).fill(200),
    );
    expectLimited(answers.slice(2 * LIMIT));
    expect(await redis.exists(`${PREFIX}rl:${LIMIT}:${key.id}`)).toBe(0);
  });
});

describe("when Redis fails, requests are counted per instance and never fail", () => {
  it("Redis unreachable from the start: each instance limits in memory", async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const env = { REDIS_URL: url, REDIS_KEY_PREFIX: PREFIX };
    const e = await startInstance(env);
    const f = await startInstance(env);
    expect(e.sharing() || f.sharing()).toBe(false);
    const { answers, accepted } = await alternateInOneWindow(e, f);

    expect(accepted).toBe(2 * LIMIT);
    expectLimited(answers.slice(2 * LIMIT));
    expect(v1.h.logLines.some((line) => line.includes("redis is unreachable"))).toBe(true);
  });

  it("Redis going away, coming back and hanging: no 5xx, no request waits on it", async () => {
    await throughLink(async (link, [g, h]) => {
      // Through the link: shared.
      expectShared((await alternateInOneWindow(g, h)).accepted);

      // Gone: connections cut, nothing listening.
      await link.cut();
      const gone = await alternateInOneWindow(g, h);
      expect(gone.accepted).toBe(2 * LIMIT);
      expectLimited(gone.answers.slice(2 * LIMIT));

      expect(g.sharing() || h.sharing()).toBe(false);

      // Back on the same port: shared again once the clients have reconnected by themselves.
      await link.restore();
      await until(() => g.sharing() && h.sharing(), "both instances have reconnected", 15_000);
      expectShared((await alternateInOneWindow(g, h)).accepted);
      expect(v1.h.logLines.some((line) => line.includes("redis answers again"))).toBe(true);

      // Hanging: connected, but no answer ever comes. No request waits on it, not even the first
      // ones (the leases wait out the 500 ms timeout in the background).
      link.hang();
      const hung = await alternate(g, h);
      for (const answer of hung.answers) expect([200, 429]).toContain(answer.status);
      expect(hung.accepted).toBeGreaterThanOrEqual(LIMIT);
      expect(Math.max(...hung.answers.map((answer) => answer.ms))).toBeLessThan(450);
    });
  });
});

describe("no request waits on Redis", () => {
  it("answers at once while Redis holds every lease unanswered", async () => {
    await throughLink(async (link, [a, b]) => {
      // A key both instances hold leases of, and one neither has seen.
      const warm = await newKey(v1);
      expect((await a.get("/v1/key", warm.secret)).status).toBe(200);
      expect((await b.get("/v1/key", warm.secret)).status).toBe(200);
      const warmWindow = `${PREFIX}rl:${LIMIT}:${warm.id}`;
      for (let i = 0; Number(await redis.hget(warmWindow, "granted")) < 2; i += 1) {
        if (i === 100) throw new Error("the warm key's leases never landed in Redis");
        await sleep(10);
      }
      await sleep(50);

      // Connected, but Redis answers nothing now: every lease waits for the 500 ms timeout.
      link.hang();
      const cold = await newKey(v1);
      const answers: Answer[] = [];
      for (const key of [cold, warm]) {
        for (const instance of [a, b, a]) answers.push(await instance.get("/v1/key", key.secret));
      }
      // And a fresh key's requests all at once, through both.
      const burst = await newKey(v1);
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).get("/v1/key", burst.secret)),
        )),
      );

      // A fresh key's first requests are admitted on credit (no token yet, no answer from Redis).
      expect(answers.slice(0, 3).map((answer) => answer.status)).toEqual([200, 200, 200]);
      for (const answer of answers) expect([200, 429]).toContain(answer.status);
      // None waited for Redis: far under its 500 ms timeout (a few ms on an idle machine).
      expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(250);
    });
  });

  it("splits a fresh key's credit between the instances it has seen share other keys", async () => {
    await throughLink(async (link, [a, b]) => {
      // Each instance hears from Redis that two instances lease this key's window.
      const seen = await newKey(v1);
      const window = `${PREFIX}rl:${LIMIT}:${seen.id}`;
      for (const granted of [2, 4]) {
        for (const instance of [a, b]) {
          expect((await instance.get("/v1/key", seen.secret)).status).toBe(200);
        }
        for (let i = 0; Number(await redis.hget(window, "granted")) < granted; i += 1) {
          if (i === 100) throw new Error("the leases never landed in Redis");
          await sleep(10);
        }
      }
      await sleep(50);

      // No lease comes back now: a fresh key is admitted on credit alone, half the limit each.
      link.hang();
      const { answers, accepted } = await alternate(a, b);
      expect(answers.slice(0, 2).map((answer) => answer.status)).toEqual([200, 200]);
      expect(accepted).toBeGreaterThanOrEqual(LIMIT);
      expect(accepted).toBeLessThanOrEqual(LIMIT + 1);
    });
  });
});

/**
 * A TCP link in front of the real Redis that can be cut (connections reset, port closed),
 * restored on the same port, or made to hang (connections open, nothing forwarded).
 */
class FaultyLink {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private forwarding = true;

  private constructor(
    private readonly target: { host: string; port: number },
    private port: number,
  ) {}

  static async open(redisUrl: string): Promise<FaultyLink> {
    const url = new URL(redisUrl);
    const link = new FaultyLink({ host: url.hostname, port: Number(url.port || 6379) }, 0);
    await link.listen();
    return link;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async cut(): Promise<void> {
    await this.stopListening();
  }

  async restore(): Promise<void> {
    this.forwarding = true;
    await this.listen();
  }

  hang(): void {
    this.forwarding = false;
  }

  async close(): Promise<void> {
    await this.stopListening();
  }

  private async listen(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => {});
      }
      client.on("data", (data) => this.forwarding && upstream.write(data));
      upstream.on("data", (data) => this.forwarding && client.write(data));
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.resetAndDestroy();
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

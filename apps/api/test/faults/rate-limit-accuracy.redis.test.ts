// Shared rate limits under load: two real server processes on one database and one real Redis,
// both driven hard with one key for several one-second windows; the requests accepted per window,
// by both together, stay within ±10 % of the key's limit: the org's, or the key's own lower one.
// The limit is a quarter of the throughput measured first (between 20 and 200 per second), so that
// the load is well over it whatever else the machine is doing.
// Needs a real Redis at TEST_REDIS_URL (vitest.config.ts runs `*.redis.test.ts` only when it is set).
import { createDb } from "@keyward/db";
import { API_KEY_HEADER, type KeyWithSecretAnswer } from "@keyward/shared";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../support/server-process.js";
import { type FaultDatabase, faultDatabase, type Session, sessionCall, signUp } from "./support.js";

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `keyward-test:${process.pid}:${Date.now()}:`;
/** Requests in flight per instance, all the time: far more than either limit per second. */
const CONNECTIONS_PER_INSTANCE = 8;
const DRIVE_MS = 6_500;
const WINDOW_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: FaultDatabase;
let servers: ServerProcess[] = [];
let session: Session;
let redis: Redis;
/** Requests per second per key in the tests, from the measured throughput. */
let limit = 0;

async function setOrgLimit(perSecond: number): Promise<void> {
  const direct = createDb(database.url);
  await direct.prisma.org.update({
    where: { id: session.orgId },
    data: { rateLimitPerSecond: perSecond },
  });
  await direct.close();
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  await redis.ping();
  database = await faultDatabase();
  const env = { REDIS_URL, REDIS_KEY_PREFIX: PREFIX };
  servers = await Promise.all([
    startServer({ databaseUrl: database.url, env }),
    startServer({ databaseUrl: database.url, env }),
  ]);
  session = await signUp(servers[0]?.url ?? "", "rate-accuracy");
  await setOrgLimit(1_000_000);
  const warm = (await drive(await createKey(), 2_500)).answers;
  const last = warm.filter((answer) => answer.at >= (warm.at(-1)?.at ?? 0) - 1_000);
  expect(last.every((answer) => answer.status === 200)).toBe(true);
  limit = Math.max(20, Math.min(200, Math.floor(last.length / 4)));
}, 120_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await database?.drop();
  redis?.disconnect();
});

interface TestKey {
  id: string;
  secret: string;
}

async function createKey(restrictions?: { rateLimitPerSecond: number }): Promise<TestKey> {
  const res = await sessionCall(session, "POST", "/keys", {
    name: "accuracy",
    orgWide: true,
    permissions: { read: true, write: true },
    ...(restrictions ? { restrictions } : {}),
  });
  if (res.status !== 201) throw new Error(`create key answered ${res.status}: ${await res.text()}`);
  const { key, secret } = (await res.json()) as KeyWithSecretAnswer;
  return { id: key.id, secret };
}

interface Answer {
  /** When the answer arrived, ms (performance.now()). */
  at: number;
  status: number;
  instance: number;
}

/**
 * Every instance driven with the key by CONNECTIONS_PER_INSTANCE loops for `ms`, while the key's
 * window in Redis is watched: when each window ends (performance.now() ms), in order.
 */
async function drive(key: TestKey, ms = DRIVE_MS) {
  const answers: Answer[] = [];
  const windowEnds: number[] = [];
  const until = performance.now() + ms;
  const watch = async () => {
    const name = `${PREFIX}rl:${limit}:${key.id}`;
    while (performance.now() < until + 1_500) {
      const ttl = await redis.pttl(name);
      const now = performance.now();
      const last = windowEnds.at(-1);
      if (ttl > 0) {
        const end = now + ttl;
        // The same window seen again (its end moves only by the poll's own latency), or a new one.
        if (last === undefined || end - last > WINDOW_MS / 2) windowEnds.push(end);
        else windowEnds[windowEnds.length - 1] = Math.min(last, end);
      }
      await sleep(5);
    }
  };
  const load = servers.flatMap((server, instance) =>
    Array.from({ length: CONNECTIONS_PER_INSTANCE }, async () => {
      while (performance.now() < until) {
        const res = await fetch(`${server.url}/v1/key`, {
          headers: { [API_KEY_HEADER]: key.secret },
        });
        await res.arrayBuffer();
        answers.push({ at: performance.now(), status: res.status, instance });
      }
    }),
  );
  await Promise.all([...load, limit > 0 ? watch() : Promise.resolve()]);
  return { answers: answers.sort((a, b) => a.at - b.at), windowEnds };
}

interface WindowCount {
  accepted: number;
  byInstance: number[];
  refused: number;
}

/**
 * The answers counted by the Redis window they arrived in, without the first and last windows
 * (cut by the start and end of the drive).
 */
function fullWindows(answers: Answer[], windowEnds: number[]): WindowCount[] {
  const windows = windowEnds.map(() => ({
    accepted: 0,
    byInstance: servers.map(() => 0),
    refused: 0,
  }));
  for (const answer of answers) {
    const index = windowEnds.findIndex((end) => answer.at < end && answer.at >= end - WINDOW_MS);
    const window = windows[index];
    if (!window) continue;
    if (answer.status === 200) {
      window.accepted += 1;
      window.byInstance[answer.instance] = (window.byInstance[answer.instance] ?? 0) + 1;
    } else {
      expect(answer.status).toBe(429);
      window.refused += 1;
    }
  }
  return windows.slice(1, -1);
}

function expectWithinTenPercent({ answers, windowEnds }: Awaited<ReturnType<typeof drive>>) {
  const windows = fullWindows(answers, windowEnds);
  const summary = `limit ${limit}: ${windows
    .map((w) => `${w.accepted} (${w.byInstance.join(" + ")}; ${w.refused} refused)`)
    .join(", ")}`;
  console.info(`accepted per window: ${summary}`);
  expect(windows.length, `full windows: ${summary}`).toBeGreaterThanOrEqual(3);
  for (const window of windows) {
    expect(window.accepted, `accepted per window: ${summary}`).toBeGreaterThanOrEqual(limit * 0.9);
    expect(window.accepted, `accepted per window: ${summary}`).toBeLessThanOrEqual(limit * 1.1);
    // The load was over the limit: each window refused some.
    expect(window.refused, `refused per window: ${summary}`).toBeGreaterThan(0);
  }
  // Both instances took part: the limit is shared, not one instance's own.
  for (let instance = 0; instance < servers.length; instance += 1) {
    expect(windows.reduce((sum, w) => sum + (w.byInstance[instance] ?? 0), 0)).toBeGreaterThan(0);
  }
}

describe("two instances driven hard with one key", () => {
  it("accept the org's limit per second within ±10 %", async () => {
    await setOrgLimit(limit);
    expectWithinTenPercent(await drive(await createKey()));
  }, 60_000);

  it("accept the key's own lower limit per second within ±10 %", async () => {
    await setOrgLimit(10 * limit);
    expectWithinTenPercent(await drive(await createKey({ rateLimitPerSecond: limit })));
  }, 60_000);
});

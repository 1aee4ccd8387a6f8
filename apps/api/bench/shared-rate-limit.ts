// Shared rate limits, measured: two instances of the production build on one fresh PostgreSQL
// database, once with rate limits shared through Redis and once without (each counting alone),
// all four servers running at once. Rounds interleave the two setups, each round measuring
// GET /healthz then GET /v1/key (one key, 10 connections split over the two instances, autocannon in
// its own process: bench/load.ts); the auth ratio is /v1/key ÷ /healthz within a round, the
// figure the median of the rounds. Also prints the Redis commands the leases cost per request.
//   pnpm --filter @keyward/api exec tsx bench/shared-rate-limit.ts [--no-build] [--rounds=3]
//       [--seconds=5] [--postgres=postgresql://127.0.0.1:5432/test] [--redis=redis://127.0.0.1:6379]
import os from "node:os";
import { createDb } from "@keyward/db";
import { createPostgresTestDatabase } from "@keyward/db/testing";
import {
  API_KEY_HEADER,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  type KeyWithSecretAnswer,
  type SessionAnswer,
} from "@keyward/shared";
import { Redis } from "ioredis";
import {
  buildApi,
  cpuMs,
  fmt,
  median,
  option,
  runLoad,
  type Server,
  serverStartArgs,
  startProcess,
  stopLoadProcess,
} from "./support.js";

const ROUNDS = Number(option("--rounds") ?? 3);
const SECONDS = Number(option("--seconds") ?? 5);
const POSTGRES = option("--postgres") ?? "postgresql://127.0.0.1:5432/test";
const REDIS = option("--redis") ?? "redis://127.0.0.1:6379";
const CONNECTIONS = 10;

const log = (message: string) => process.stderr.write(`[shared-rate-limit] ${message}\n`);
const loadavg = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** The production build, at LOG_LEVEL=warn (the figure is the ratio, not the logging). */
function startServer(databaseUrl: string, env: Record<string, string>): Promise<Server> {
  return startProcess(serverStartArgs, {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    ...env,
  });
}

async function leaseCalls(redis: Redis): Promise<number> {
  const stats = await redis.info("commandstats");
  return [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

async function main(): Promise<void> {
  buildApi(log);
  const loadBefore = loadavg();
  const database = await createPostgresTestDatabase(POSTGRES);
  const redis = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  const servers: Server[] = [];
  try {
    const shared = { REDIS_URL: REDIS, REDIS_KEY_PREFIX: `keyward-bench:${process.pid}:` };
    for (let i = 0; i < 2; i++) servers.push(await startServer(database.url, shared));
    for (let i = 0; i < 2; i++) servers.push(await startServer(database.url, {}));
    const setups = [
      { name: "2 instances + Redis", of: servers.slice(0, 2) },
      { name: "2 instances, no Redis", of: servers.slice(2) },
    ].map(({ name, of }) => ({
      name,
      urls: of.map((s) => s.url),
      pids: of.map((s) => s.child.pid ?? 0),
    }));

    // An org, its rate limit raised above the load (there is no API for it), one key.
    const base = servers[0]?.url ?? "";
    const session = { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE };
    const signup = await fetch(`${base}/api/auth/signup`, {
      method: "POST",
      headers: session,
      body: JSON.stringify({
        email: `bench-${Date.now()}@example.com`,
        password: "correct horse battery",
        name: "Bench Admin",
        orgName: "Bench Org",
      }),
    });
    const cookie = (signup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const orgId = ((await signup.json()) as SessionAnswer).orgs[0]?.id ?? "";
    const db = createDb(database.url);
    await db.prisma.org.update({ where: { id: orgId }, data: { rateLimitPerSecond: 10_000_000 } });
    await db.close();
    const created = await fetch(`${base}/api/orgs/${orgId}/keys`, {
      method: "POST",
      headers: { ...session, cookie },
      body: JSON.stringify({
        name: "bench",
        orgWide: true,
        permissions: { read: true, write: true },
      }),
    });
    const { secret } = (await created.json()) as KeyWithSecretAnswer;
    const keyHeaders = { [API_KEY_HEADER]: secret };

    const load = (urls: string[], route: string, seconds = SECONDS) =>
      runLoad({
        urls,
        path: route,
        ...(route === "/v1/key" ? { headers: keyHeaders } : {}),
        connections: CONNECTIONS,
        durationSeconds: seconds,
      });
    log("warming up");
    for (const setup of setups) {
      await load(setup.urls, "/healthz", 2);
      await load(setup.urls, "/v1/key", 2);
    }

    const results = setups.map(() => ({
      health: [] as number[],
      key: [] as number[],
      keyCpu: [] as number[],
    }));
    let leases = 0;
    let sharedRequests = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which setup goes first, so neither always gets the cooler machine.
      const order = round % 2 ? [1, 0] : [0, 1];
      for (const index of order) {
        const setup = setups[index];
        const result = results[index];
        if (!setup || !result) continue;
        const health = await load(setup.urls, "/healthz");
        const before = await leaseCalls(redis);
        const cpuBefore = cpuMs(setup.pids);
        const key = await load(setup.urls, "/v1/key");
        result.keyCpu.push(((cpuMs(setup.pids) - cpuBefore) * 1000) / Math.max(1, key.ok));
        if (index === 0) {
          leases += (await leaseCalls(redis)) - before;
          sharedRequests += key.requests;
        }
        result.health.push(health.okPerSecond);
        result.key.push(key.okPerSecond);
        log(
          `round ${round + 1}, ${setup.name}: /healthz ${fmt(health.okPerSecond)} req/s, /v1/key ${fmt(key.okPerSecond)} req/s (${key.requests - key.ok} not 200), ratio ${fmt(key.okPerSecond / health.okPerSecond, 2)}; load average ${loadavg()}`,
        );
      }
    }

    const ratios = results.map((r) => r.key.map((key, i) => key / (r.health[i] ?? 1)));
    const cpu = os.cpus();
    console.log(`\nShared rate limits — ${new Date().toISOString()}`);
    console.log(
      `Machine: ${cpu.length} × ${cpu[0]?.model ?? "cpu"}, Node ${process.version}, load average before ${loadBefore}, after ${loadavg()}`,
    );
    console.log(
      `Servers: 4 × node ${serverStartArgs.join(" ")} (NODE_ENV=production, LOG_LEVEL=warn) on one fresh PostgreSQL database, 2 with REDIS_URL, 2 without; ${CONNECTIONS} connections per run split over a setup's 2 instances; autocannon in its own process; ${ROUNDS} interleaved rounds of ${SECONDS} s per route\n`,
    );
    console.log(
      "| setup | GET /healthz req/s | GET /v1/key req/s | server CPU per /v1/key request | auth ratio per round | median |",
    );
    console.log("|---|---|---|---|---|---|");
    setups.forEach((setup, i) => {
      const r = results[i];
      const ratio = ratios[i] ?? [];
      if (!r) return;
      console.log(
        `| ${setup.name} | ${fmt(median(r.health))} | ${fmt(median(r.key))} | ${fmt(median(r.keyCpu))} µs | ${ratio.map((x) => fmt(x, 2)).join(", ")} | ${fmt(median(ratio), 2)} |`,
      );
    });
    const gap = median(ratios[0] ?? []) - median(ratios[1] ?? []);
    console.log(
      `\nAuth ratio with Redis minus without: ${fmt(gap, 2)} (goal: within ±0.05 — ${Math.abs(gap) <= 0.05 ? "met" : "missed"}). Redis lease calls per /v1/key request with Redis: ${fmt(leases / Math.max(1, sharedRequests), 5)} (${fmt(leases)} over ${fmt(sharedRequests)} requests; counts every client of that Redis)`,
    );
  } finally {
    stopLoadProcess();
    await Promise.all(
      servers.map((s) => {
        const exited = new Promise((resolve) => s.child.once("exit", resolve));
        s.child.kill("SIGTERM");
        return exited;
      }),
    );
    redis.disconnect();
    await database.drop();
  }
}

await main();

// `pnpm bench`: the real built server on a fresh SQLite database with a seeded org, driven by
// autocannon from a separate process (bench/load.ts). Prints a table of the figures and goals.
//   --no-build   use the existing apps/api/dist
//   --quick      shorter runs (a smoke test of the benchmark itself)
//   --server-flag=--max-old-space-size=128   a node flag for the server (repeatable)
//   --postgres[=postgresql://host/db]   a fresh PostgreSQL database on that server instead
//       (default postgresql://127.0.0.1:5432/test), migrated once before any server starts
//   --instances=2   that many server processes on the one database, sprayed round-robin (one
//       autocannon per port, summed); needs --postgres, and shares rate limits through Redis
//   --redis=redis://host:port   the Redis of the rate limiter (default redis://127.0.0.1:6379
//       with several instances)
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDb } from "@keyward/db";
import { createPostgresTestDatabase } from "@keyward/db/testing";
import {
  API_KEY_HEADER,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  type KeyWithSecretAnswer,
  type SessionAnswer,
} from "@keyward/shared";
import type { LoadResult, LoadSpec } from "./load.js";
import {
  apiDir,
  args,
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

const flags = new Set(args);
const quick = flags.has("--quick");
const postgresServer = option("--postgres", "postgresql://127.0.0.1:5432/test");
const instanceCount = Number(option("--instances") ?? 1);
const redisUrl = option("--redis") ?? (instanceCount > 1 ? "redis://127.0.0.1:6379" : undefined);
if (!Number.isInteger(instanceCount) || instanceCount < 1)
  throw new Error("--instances: 1 or more");
if (instanceCount > 1 && !postgresServer) {
  throw new Error("--instances > 1 needs --postgres: SQLite serves one process");
}
const serverNodeFlags = [...flags]
  .filter((flag) => flag.startsWith("--server-flag="))
  .map((flag) => flag.slice("--server-flag=".length));
const seconds = (full: number) => (quick ? Math.max(1, Math.round(full / 4)) : full);
const LISTING_KEYS = quick ? 100 : 10_000;
const BATCH_SIZE = 100;
const INGEST_CONNECTIONS = 50;
/** Interleaved rounds of the /v1 measures against their ceilings; each ratio is their median. */
const AUTH_ROUNDS = quick ? 3 : 5;
const AUTH_CONNECTIONS = 20;
const AUTH_SECONDS = quick ? 1 : 5;
const INGEST_ROUNDS = quick ? 1 : 3;

let serverPids: number[] = [];
const benchStarted = performance.now();
const log = (message: string) => {
  const memory = serverPids
    .map((pid) => `RSS ${Math.round(rssMb(pid, "VmRSS"))} MB, peak ${Math.round(rssMb(pid))} MB`)
    .join("; ");
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  process.stderr.write(
    `[bench ${((performance.now() - benchStarted) / 1000).toFixed(0)} s] ${message}${memory ? ` (server ${memory})` : ""} [load average ${load}]\n`,
  );
};

/**
 * The app as a user starts it (the package's start command, `NODE_ENV=production`, the default
 * `LOG_LEVEL`), plus the bench routes. `env` adds e.g. the bench-only `BENCH_SKIP_USAGE=true`.
 */
function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<Server> {
  return startProcess([...serverNodeFlags, ...serverStartArgs], {
    ...process.env,
    LOG_LEVEL: undefined,
    DATABASE_URL: databaseUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    NODE_ENV: "production",
    BENCH_ROUTES: "true",
    ...env,
  });
}

/** A bare Express 5 app (on its own or on the app's HTTP server) or a bare `node:http` server answering constant JSON (bench/ceilings.ts). */
function startCeiling(kind: "express" | "express-classes" | "http"): Promise<Server> {
  return startProcess(["--import", "tsx", "bench/ceilings.ts", kind], {
    ...process.env,
    NODE_ENV: "production",
  });
}

interface Measured extends LoadResult {
  /** Server CPU per 200 answer, µs: what the server spent, whoever limited the throughput. */
  cpuMicrosPerOk: number;
}

/** One load run; server CPU is that of `pids` (the app's instances unless told). */
async function load(spec: LoadSpec, pids = serverPids): Promise<Measured> {
  const cpuBefore = cpuMs(pids);
  const result = await runLoad(spec);
  // The one thing even --quick asserts: each measure was answered (a broken route is no figure).
  if (result.ok === 0) {
    throw new Error(
      `${spec.method ?? "GET"} ${spec.path}: no 2xx answer (${JSON.stringify(result.statuses)})`,
    );
  }
  const cpuMicrosPerOk = result.ok > 0 ? ((cpuMs(pids) - cpuBefore) * 1000) / result.ok : 0;
  return { ...result, cpuMicrosPerOk };
}

function rawSqlite(
  file: string,
  durationSeconds: number,
  events: unknown[],
  batchesPerTransaction: number,
): { eventsPerSecond: number } {
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "bench/raw-sqlite.ts",
      JSON.stringify({ file, seconds: durationSeconds, events, batchesPerTransaction }),
    ],
    { cwd: apiDir, encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`raw-sqlite failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim()) as { eventsPerSecond: number };
}

async function call(url: string, method: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300)
    throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
  return res;
}

async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** Several runs as one: summed throughput over summed time; the median run's latencies. */
function combine(runs: Measured[]): Measured {
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const ok = runs.reduce((sum, run) => sum + run.ok, 0);
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const median =
    [...runs].sort((a, b) => a.okPerSecond - b.okPerSecond)[Math.floor(runs.length / 2)] ?? runs[0];
  if (!median) throw new Error("no runs");
  const cpuMicrosPerOk = runs.reduce((sum, run) => sum + run.cpuMicrosPerOk * run.ok, 0) / ok;
  return {
    ...median,
    requests,
    ok,
    seconds,
    rps: requests / seconds,
    okPerSecond: ok / seconds,
    cpuMicrosPerOk,
  };
}

function stop(server: Server): Promise<unknown> {
  if (server.child.exitCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill("SIGTERM");
  return exited;
}

/** The process's resident memory by kind of mapping (/proc/pid/smaps), e.g. "anonymous 120 MB, …". */
function memoryBreakdown(pid: number): string {
  const kinds = new Map<string, number>();
  let kind = "";
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1] ?? "";
      kind =
        name === ""
          ? "anonymous (V8 heaps of both threads, malloc arenas: SQLite caches, buffers)"
          : name === "[heap]"
            ? "brk heap (malloc)"
            : name.endsWith(".db") || name.endsWith(".db-shm") || name.endsWith("-wal")
              ? "SQLite files mapped (mmap, WAL index)"
              : name.endsWith(".node")
                ? "native addons"
                : name.includes("/node") || name.startsWith("/usr/") || name.startsWith("/lib")
                  ? "node binary and system libraries"
                  : "other";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) kinds.set(kind, (kinds.get(kind) ?? 0) + Number(rss[1]) / 1024);
  }
  return [...kinds.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name, mb]) => `${name} ${fmt(mb)} MB`)
    .join(", ");
}

function rssMb(pid: number, field: "VmHWM" | "VmRSS" = "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const ms = (n: number) => `${fmt(n, 1)} ms`;

const loadBefore = os.loadavg();
/** " over 2 instances", or nothing with one. */
const spread = instanceCount > 1 ? ` over ${instanceCount} instances` : "";
const instanceName = (i: number) => String.fromCharCode(65 + i);

interface Seeded {
  cookie: string;
  orgId: string;
  /** Org-wide read/write keys: the first for the ingest and metrics runs, one per connection. */
  secrets: string[];
}

const keyBody = (name: string) => ({
  name,
  orgWide: true,
  permissions: { read: true, write: true },
});

/**
 * An org through the API (sign-up, `keys` read/write keys), its rate limit raised above the load
 * in the database (there is no API for that setting).
 */
async function seedOrg(url: string, databaseUrl: string, keys: number): Promise<Seeded> {
  const signup = await call(
    `${url}/api/auth/signup`,
    "POST",
    {},
    {
      email: `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`,
      password: "correct horse battery",
      name: "Bench Admin",
      orgName: "Bench Org",
    },
  );
  const cookie = (signup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const orgId = ((await signup.json()) as SessionAnswer).orgs[0]?.id ?? "";
  const db = createDb(databaseUrl);
  await db.prisma.org.update({ where: { id: orgId }, data: { rateLimitPerSecond: 10_000_000 } });
  await db.close();
  const secrets: string[] = [];
  for (let i = 0; i < keys; i++) {
    const created = (await (
      await call(`${url}/api/orgs/${orgId}/keys`, "POST", { cookie }, keyBody(`bench ${i}`))
    ).json()) as KeyWithSecretAnswer;
    secrets.push(created.secret);
  }
  return { cookie, orgId, secrets };
}

/** One target of the interleaved auth rounds. */
interface Target {
  name: string;
  spec: LoadSpec;
  pids: number[];
}

async function main(): Promise<void> {
  buildApi(log);
  const dir = mkdtempSync(path.join(os.tmpdir(), "keyward-bench-"));
  // PostgreSQL: migrated here, once, before any instance starts (the instances find nothing to do).
  const freshDatabase = (name: string) =>
    postgresServer
      ? createPostgresTestDatabase(postgresServer)
      : Promise.resolve({ url: `file:${path.join(dir, `${name}.db`)}`, drop: async () => {} });
  const database = await freshDatabase("bench");
  const servers: Server[] = [];
  const others: Server[] = [];
  const dropLater: (() => Promise<void>)[] = [];
  const rows: [string, string, string, string][] = [];
  try {
    const serverEnv: Record<string, string> = redisUrl
      ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `keyward-bench:${process.pid}:` }
      : {};
    for (let i = 0; i < instanceCount; i++)
      servers.push(await startServer(database.url, serverEnv));
    serverPids = servers.map((s) => s.child.pid ?? 0);
    // Instance A takes the seeding and the session calls; the load goes to every instance.
    const server = servers[0];
    if (!server) throw new Error("no server");
    const serverPid = server.child.pid ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idleRss = rssMb(serverPid, "VmRSS");
    log(
      `${servers.map((s, i) => `${instanceName(i)} ${s.url} (pid ${s.child.pid})`).join(", ")}; database ${database.url}${redisUrl ? `; Redis ${redisUrl}` : ""}; idle RSS ${fmt(idleRss)} MB`,
    );

    // Seed: an org, one read/write key per auth connection, and the keys for the listing.
    const seeded = await seedOrg(server.url, database.url, AUTH_CONNECTIONS);
    const { cookie, orgId } = seeded;
    const session = { cookie };
    const keysUrl = `${server.url}/api/orgs/${orgId}/keys`;
    const keyHeaders = { [API_KEY_HEADER]: seeded.secrets[0] ?? "" };
    const rssAfterFirstQueries = rssMb(serverPid, "VmRSS");

    log(`creating ${LISTING_KEYS} keys through the API`);
    const seedStarted = performance.now();
    await inParallel(LISTING_KEYS - AUTH_CONNECTIONS, 8, async (i) => {
      const via = servers[i % servers.length] ?? server;
      await call(`${via.url}/api/orgs/${orgId}/keys`, "POST", session, keyBody(`listing key ${i}`));
    });
    log(`created in ${fmt((performance.now() - seedStarted) / 1000, 1)} s`);
    const rssAfterSeed = rssMb(serverPid, "VmRSS");

    const base = { urls: servers.map((s) => s.url) };
    const events = Array.from({ length: BATCH_SIZE }, (_, i) => ({
      eventName: ["page_view", "signup", "checkout", "search"][i % 4],
      path: `/docs/page-${i}`,
      userId: `user_${1000 + i}`,
      durationMs: 120 + i,
    }));
    const batch = JSON.stringify(events);
    const ingestSpec = (target: string): LoadSpec => ({
      ...base,
      path: target,
      method: "POST",
      headers: { ...keyHeaders, "content-type": "application/json" },
      body: batch,
      connections: INGEST_CONNECTIONS,
      durationSeconds: seconds(5),
    });

    // 1. The /v1 path against its ceilings, and the cost of usage counting (issue 12), with one
    // instance: a bare Express 5 app, the same on the app's HTTP server (Express's prototypes set
    // when node:http builds each request, not by Express) and a bare node:http server answering
    // constant JSON, and the
    // same app with BENCH_SKIP_USAGE=true (no outcome counts, no lastUsedAt) on its own database,
    // against its twin with counting on a database seeded alike (the same keys, heap and process
    // age): the pair issue 12's cost bound is read from.
    const keyed = (secrets: string[]) => ({
      perConnection: { header: API_KEY_HEADER, values: secrets },
    });
    const authSpec = (urls: string[], target: string, extra: Partial<LoadSpec> = {}): LoadSpec => ({
      urls,
      path: target,
      connections: AUTH_CONNECTIONS,
      durationSeconds: AUTH_SECONDS,
      ...extra,
    });
    const targets: Target[] = [];
    if (instanceCount === 1) {
      const uncountedDb = await freshDatabase("uncounted");
      const twinDb = await freshDatabase("counted-twin");
      dropLater.push(uncountedDb.drop, twinDb.drop);
      const [http, bareExpress, expressClasses, uncounted, twin] = await Promise.all([
        startCeiling("http"),
        startCeiling("express"),
        startCeiling("express-classes"),
        startServer(uncountedDb.url, { BENCH_SKIP_USAGE: "true" }),
        startServer(twinDb.url),
      ]);
      others.push(http, bareExpress, expressClasses, uncounted, twin);
      const uncountedSeed = await seedOrg(uncounted.url, uncountedDb.url, AUTH_CONNECTIONS);
      const twinSeed = await seedOrg(twin.url, twinDb.url, AUTH_CONNECTIONS);
      const pid = (s: Server) => [s.child.pid ?? 0];
      targets.push(
        { name: "http", spec: authSpec([http.url], "/ceiling"), pids: pid(http) },
        { name: "express", spec: authSpec([bareExpress.url], "/ceiling"), pids: pid(bareExpress) },
        {
          name: "express-classes",
          spec: authSpec([expressClasses.url], "/ceiling"),
          pids: pid(expressClasses),
        },
        {
          name: "uncounted",
          spec: authSpec([uncounted.url], "/v1/key", keyed(uncountedSeed.secrets)),
          pids: pid(uncounted),
        },
        {
          name: "twin",
          spec: authSpec([twin.url], "/v1/key", keyed(twinSeed.secrets)),
          pids: pid(twin),
        },
      );
    }
    targets.push(
      { name: "healthz", spec: authSpec(base.urls, "/healthz"), pids: serverPids },
      {
        name: "key",
        spec: authSpec(base.urls, "/v1/key", keyed(seeded.secrets)),
        pids: serverPids,
      },
    );

    // --quick (a smoke test, its figures not for reading) goes without, to stay well under a minute.
    if (!quick) {
      log("warming up");
      for (const target of targets)
        await load({ ...target.spec, durationSeconds: seconds(2) }, target.pids);
      await load({ ...ingestSpec("/v1/events"), durationSeconds: seconds(2) });
    }

    log(
      `/v1 against its ceilings: ${AUTH_ROUNDS} interleaved rounds of ${targets.map((t) => t.name).join(", ")}`,
    );
    // Each ratio is taken within its round (the same machine weather), then the median: on a
    // shared 2-core machine single runs swing by ±20%.
    const runs = new Map<string, Measured[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < AUTH_ROUNDS; round++) {
      for (const target of targets)
        runs.get(target.name)?.push(await load(target.spec, target.pids));
    }
    const runsOf = (name: string) => runs.get(name) ?? [];
    const ratio = (top: string, bottom: string, by: "rps" | "cpu" = "rps") =>
      median(
        runsOf(top).map((run, i) => {
          const other = runsOf(bottom)[i] ?? run;
          return by === "rps"
            ? run.okPerSecond / other.okPerSecond
            : other.cpuMicrosPerOk / run.cpuMicrosPerOk;
        }),
      );
    const describe = (run: Measured) =>
      `${fmt(run.okPerSecond)} req/s, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}; CPU ${fmt(run.cpuMicrosPerOk)} µs/request${run.ok < run.requests ? ` (${run.requests - run.ok} not 2xx)` : ""}`;
    const measured = (name: string, label: string, goal = "", verdict = "") => {
      if (runsOf(name).length > 0)
        rows.push([label, describe(combine(runsOf(name))), goal, verdict]);
    };
    const goal = (value: number, floor: number): [string, string] => [
      `≥ ${fmt(floor, 2)}`,
      value >= floor ? "met" : "missed",
    ];
    const conns = `${AUTH_CONNECTIONS} connections`;
    measured("http", `bare node:http, constant JSON, ${conns}`, "ceiling");
    measured("express", `bare Express 5 (the project's copy), constant JSON, ${conns}`, "ceiling");
    measured(
      "express-classes",
      `the same Express app on the app's HTTP server (createHttpServer: request and response classes born with Express's prototypes), ${conns}`,
      "ceiling",
    );
    measured("healthz", `GET /healthz, ${conns}${spread}`);
    measured("key", `GET /v1/key, ${conns}, one key per connection${spread}`);
    measured(
      "uncounted",
      `GET /v1/key without usage counting (BENCH_SKIP_USAGE=true), on a database with the same 20 keys`,
    );
    measured("twin", `GET /v1/key with usage counting, its twin (seeded alike)`);
    const rounds = `median of ${AUTH_ROUNDS} rounds`;
    if (instanceCount === 1) {
      const keyOverExpress = ratio("key", "express");
      const healthOverExpress = ratio("healthz", "express");
      rows.push(
        [
          `/v1/key ÷ bare Express, req/s (${rounds}; CPU per request ${fmt(ratio("key", "express", "cpu"), 2)})`,
          fmt(keyOverExpress, 2),
          ...goal(keyOverExpress, 0.85),
        ],
        [
          `/v1/key ÷ Express on the app's HTTP server, req/s (${rounds}; CPU ${fmt(ratio("key", "express-classes", "cpu"), 2)})`,
          fmt(ratio("key", "express-classes"), 2),
          "",
          "",
        ],
        [
          `/v1/key ÷ bare node:http, req/s (${rounds}; CPU ${fmt(ratio("key", "http", "cpu"), 2)})`,
          fmt(ratio("key", "http"), 2),
          "",
          "",
        ],
        [
          `/healthz ÷ bare Express, req/s (${rounds}; CPU ${fmt(ratio("healthz", "express", "cpu"), 2)})`,
          fmt(healthOverExpress, 2),
          ...goal(healthOverExpress, 0.95),
        ],
      );
    }
    const authRatio = ratio("key", "healthz");
    rows.push([
      `Auth overhead: /v1/key ÷ /healthz, req/s (${rounds}; CPU ${fmt(ratio("key", "healthz", "cpu"), 2)})`,
      fmt(authRatio, 2),
      ...goal(authRatio, 0.9),
    ]);
    if (instanceCount === 1) {
      const uncountedRatio = ratio("uncounted", "healthz");
      const points = (uncountedRatio - ratio("twin", "healthz")) * 100;
      const cpuPoints =
        (ratio("uncounted", "healthz", "cpu") - ratio("twin", "healthz", "cpu")) * 100;
      rows.push(
        [
          `Auth overhead without usage counting: uncounted /v1/key ÷ /healthz, req/s (${rounds}; CPU ${fmt(ratio("uncounted", "healthz", "cpu"), 2)})`,
          fmt(uncountedRatio, 2),
          "",
          "",
        ],
        [
          `Cost of usage counting and the 1 s lastUsedAt (issue 12): points of the auth ratio, uncounted app vs its counted twin (CPU: ${fmt(cpuPoints, 1)}; vs the main app, which holds 10,000 keys: ${fmt((uncountedRatio - authRatio) * 100, 1)})`,
          fmt(points, 1),
          "≤ 3",
          points <= 3 ? "met" : "missed",
        ],
      );
    }
    for (const other of others.splice(0)) await stop(other);

    // 2. Ingest.
    log("ingest: discarded and stored, interleaved");
    const discardRuns: Measured[] = [];
    const ingestRuns: Measured[] = [];
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      discardRuns.push(await load(ingestSpec("/v1/_bench/discard-events")));
      ingestRuns.push(await load(ingestSpec("/v1/events")));
    }
    const discard = combine(discardRuns);
    const ingest = combine(ingestRuns);
    const eventsPerSecond = ingest.okPerSecond * BATCH_SIZE;
    const discardPerSecond = discard.okPerSecond * BATCH_SIZE;
    const ingestRatio = median(
      ingestRuns.map((run, i) => run.okPerSecond / (discardRuns[i]?.okPerSecond ?? 1)),
    );
    rows.push(
      [
        `POST /v1/events, ${BATCH_SIZE}-event batches, ${INGEST_CONNECTIONS} connections${spread}`,
        `${fmt(eventsPerSecond)} events/s, p50 ${ms(ingest.p50)}, p99 ${ms(ingest.p99)}; server CPU ${fmt(ingest.cpuMicrosPerOk / BATCH_SIZE, 1)} µs/event${ingest.ok < ingest.requests ? ` (${ingest.requests - ingest.ok} not 200)` : ""}`,
        "≥ 150,000 events/s",
        eventsPerSecond >= 150_000 ? "met" : "missed",
      ],
      [
        "Same batches accepted and discarded",
        `${fmt(discardPerSecond)} events/s, p50 ${ms(discard.p50)}; server CPU ${fmt(discard.cpuMicrosPerOk / BATCH_SIZE, 1)} µs/event`,
        "baseline",
        "",
      ],
      [
        `Ingest ratio stored ÷ discarded (median of ${INGEST_ROUNDS} interleaved pairs)`,
        fmt(ingestRatio, 2),
        "≥ 0.80",
        ingestRatio >= 0.8 ? "met" : "missed",
      ],
    );
    // A reference, not a figure of the app: left out of the smoke run.
    if (!postgresServer && !quick) {
      log("ingest: raw better-sqlite3 loop");
      const raw = rawSqlite(path.join(dir, "raw-1.db"), seconds(5), events, 1);
      const rawGrouped = rawSqlite(
        path.join(dir, "raw-50.db"),
        seconds(5),
        events,
        INGEST_CONNECTIONS,
      );
      rows.push(
        [
          "Raw better-sqlite3 insert loop, same tables (a row per batch), one transaction per batch",
          `${fmt(raw.eventsPerSecond)} events/s`,
          "reference",
          "",
        ],
        [
          `Raw better-sqlite3 insert loop, ${INGEST_CONNECTIONS} batches per transaction`,
          `${fmt(rawGrouped.eventsPerSecond)} events/s`,
          "reference",
          "",
        ],
      );
    }

    // 3. Listing.
    log("listing");
    const listing = await load({
      ...base,
      path: `/api/orgs/${orgId}/keys?limit=50`,
      headers: { cookie },
      connections: 1,
      durationSeconds: seconds(8),
    });
    rows.push([
      `GET /api/orgs/:orgId/keys?limit=50, ${fmt(LISTING_KEYS)} keys, 1 connection${instanceCount > 1 ? " per instance" : ""}`,
      `p95 ${ms(listing.p95)} (p50 ${ms(listing.p50)}, ${fmt(listing.okPerSecond)} req/s)`,
      "p95 ≤ 25 ms",
      listing.p95 <= 25 ? "met" : "missed",
    ]);

    // Metrics over a month of minute data.
    log("metrics: a month of minute data");
    const month = Date.parse("2026-01-01T00:00:00Z");
    const minutes = 31 * 24 * 60;
    for (let offset = 0; offset < minutes; offset += 10_000) {
      const chunk = [];
      for (let m = offset; m < Math.min(minutes, offset + 10_000); m++) {
        chunk.push({
          eventName: "month",
          eventTimestamp: new Date(month + m * 60_000).toISOString(),
        });
      }
      await call(`${server.url}/v1/events`, "POST", keyHeaders, chunk);
    }
    for (const interval of ["hour", "minute"] as const) {
      const query = `eventName=month&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&interval=${interval}`;
      const result = await load({
        ...base,
        path: `/v1/metrics?${query}`,
        headers: keyHeaders,
        connections: 1,
        durationSeconds: seconds(4),
      });
      rows.push([
        `GET /v1/metrics, a month of minute data, interval=${interval} (${interval === "hour" ? "744" : "44,640"} points), 1 connection${instanceCount > 1 ? " per instance" : ""}`,
        `p50 ${ms(result.p50)}, p95 ${ms(result.p95)}`,
        "< 50 ms",
        result.p95 < 50 ? "met" : "missed",
      ]);
    }

    // 4. Revocation under load.
    log("revocation");
    const victim = (await (
      await call(keysUrl, "POST", session, keyBody("victim"))
    ).json()) as KeyWithSecretAnswer;
    const revocation = await load({
      ...base,
      path: "/v1/key",
      headers: { [API_KEY_HEADER]: victim.secret },
      connections: 50,
      durationSeconds: 120,
      revoke: {
        afterMs: seconds(3) * 1000,
        tailMs: seconds(3) * 1000,
        url: `${keysUrl}/${victim.key.id}`,
        headers: { cookie, "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE },
        body: JSON.stringify({ enabled: false }),
      },
    });
    const accepted = revocation.revocation?.acceptedAfter ?? -1;
    const byInstance = revocation.revocation?.byUrl ?? [];
    if (instanceCount === 1) {
      rows.push([
        "Revocation: requests accepted after the disable call returned",
        `${accepted} (of ${fmt(revocation.revocation?.refusedAfter ?? 0)} sent after it; disable took ${ms(revocation.revocation?.disableMs ?? 0)} under load)`,
        "0",
        accepted === 0 ? "met" : "missed",
      ]);
    } else {
      // Disabled through A; the other instances learn of it from the key-change channel.
      const sameInstance = byInstance[0]?.acceptedAfter ?? -1;
      const lag = Math.max(0, ...byInstance.map((counts) => counts.lastAcceptedAfterMs));
      const detail = byInstance
        .map(
          (counts, i) =>
            `${instanceName(i)} ${counts.acceptedAfter} of ${fmt(counts.acceptedAfter + counts.refusedAfter)}${counts.acceptedAfter > 0 ? ` (the last sent ${ms(counts.lastAcceptedAfterMs)} after)` : ""}`,
        )
        .join("; ");
      rows.push([
        `Revocation through A, 50 connections on one key${spread}: requests accepted after the disable call returned`,
        `${detail}; disable took ${ms(revocation.revocation?.disableMs ?? 0)} under load`,
        "0 on A; the others stop within 1 s",
        sameInstance === 0 && lag <= 1_000 ? "met" : "missed",
      ]);
    }

    // 5. Memory.
    const rss = serverPids.map((pid) => rssMb(pid));
    rows.push([
      instanceCount === 1 ? "Peak RSS of the server (VmHWM)" : "Peak RSS of each server (VmHWM)",
      `${rss
        .map((mb, i) => `${instanceCount === 1 ? "" : `${instanceName(i)} `}${fmt(mb)} MB`)
        .join(
          ", ",
        )} (idle after start ${fmt(idleRss)} MB, after the first queries ${fmt(rssAfterFirstQueries)} MB, after seeding ${fmt(rssAfterSeed)} MB; now ${memoryBreakdown(serverPid)})`,
      "≤ 200 MB",
      Math.max(...rss) <= 200 ? "met" : "missed",
    ]);
    log("done");
  } finally {
    stopLoadProcess();
    serverPids = [];
    await Promise.all([...servers, ...others].map(stop));
    await database.drop();
    for (const drop of dropLater) await drop();
    rmSync(dir, { recursive: true, force: true });
  }

  const cpu = os.cpus();
  console.log(`\nKeyward benchmark — ${new Date().toISOString()}`);
  console.log(
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? "cpu"}, ${fmt(os.totalmem() / 2 ** 30, 1)} GB, Node ${process.version}, load average before run ${loadBefore
      .map((l) => l.toFixed(2))
      .join(" ")}, after ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const store = postgresServer
    ? `PostgreSQL (a fresh database on ${postgresServer})`
    : "SQLite (WAL)";
  console.log(
    `Server: ${instanceCount} × node ${[...serverNodeFlags, ...serverStartArgs].join(" ")}, NODE_ENV=production, LOG_LEVEL unset (info), ${store}${redisUrl ? ", rate limits in Redis" : ""}; load: autocannon in a separate process${instanceCount > 1 ? ", one per instance (connections split evenly), summed" : ""}; server CPU is the instances' own, not PostgreSQL's or Redis's\n`,
  );
  console.log("| measure | result | goal | |");
  console.log("|---|---|---|---|");
  for (const [measure, result, goal, verdict] of rows)
    console.log(`| ${measure} | ${result} | ${goal} | ${verdict} |`);
}

await main();

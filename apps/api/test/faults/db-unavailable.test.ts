// Fault: the database briefly unavailable. On PostgreSQL a proxy between the server and the
// database drops and refuses connections (the machine's PostgreSQL stays up for everyone else);
// on SQLite another process holds an exclusive lock on the database files. Requests fail fast
// with 503 `unavailable` (never a hang or a 500), and service resumes by itself.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../support/server-process.js";
import {
  countedEvents,
  createKey,
  type FaultDatabase,
  faultDatabase,
  ingest,
  metrics,
  type Session,
  sessionCall,
  signUp,
  sleep,
  sqliteFiles,
} from "./support.js";
import { startTcpProxy, type TcpProxy } from "./tcp-proxy.js";

/** The longest any answer may take while the database is away. */
const ANSWER_BOUND_MS = 5_000;

let database: FaultDatabase;
let server: ServerProcess | undefined;
let proxy: TcpProxy | undefined;
let locker: ChildProcess | undefined;

beforeAll(async () => {
  database = await faultDatabase();
});

afterAll(async () => {
  locker?.kill("SIGKILL");
  await server?.kill();
  await proxy?.close();
  await database?.drop();
});

interface Probe {
  name: string;
  status: number;
  code: string | undefined;
  reason: string | undefined;
  ms: number;
}

async function probe(name: string, call: () => Promise<Response>): Promise<Probe> {
  const started = Date.now();
  const res = await call();
  const text = await res.text();
  const ms = Date.now() - started;
  let error: { code?: string; details?: { reason?: string } } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  return { name, status: res.status, code: error?.code, reason: error?.details?.reason, ms };
}

/** One round of the four kinds of request: write and read, public and session API. */
function probeRound(url: string, session: Session, secret: string, eventName: string) {
  return Promise.all([
    probe("ingest", () => ingest(url, secret, [{ eventName }])),
    probe("metrics", () => metrics(url, secret, eventName)),
    probe("list keys", () => sessionCall(session, "GET", "/keys", undefined, url)),
    probe("create key", () =>
      sessionCall(
        session,
        "POST",
        "/keys",
        { name: "during outage", orgWide: true, permissions: { read: true, write: true } },
        url,
      ),
    ),
  ]);
}

/** Starts a process that takes the write lock of each file, and resolves once it holds them. */
function lockFiles(files: string[]): Promise<ChildProcess> {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const script = `
    const Database = require(${JSON.stringify(driver)});
    const files = ${JSON.stringify(files)};
    const dbs = files.map((file) => new Database(file, { timeout: 10000 }));
    for (const db of dbs) db.exec("BEGIN EXCLUSIVE");
    console.log("locked");
    process.stdin.resume();
    process.stdin.on("end", () => {
      for (const db of dbs) { db.exec("ROLLBACK"); db.close(); }
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("locked")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`the locker exited (${code})`)));
  });
}

async function unlock(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.stdin?.end();
  await exited;
}

describe("database briefly unavailable", () => {
  it("answers 503 unavailable fast while the database is away, and recovers by itself", async () => {
    let serverUrl = database.url;
    if (database.provider === "postgresql") {
      const target = new URL(database.url);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      target.port = String(proxy.port);
      serverUrl = target.href;
    }
    server = await startServer({ databaseUrl: serverUrl });
    const running = server;
    const session = await signUp(running.url, "outage");
    const { secret } = await createKey(session);
    const eventName = "outage";
    let acknowledged = 0;
    const before = await ingest(running.url, secret, [{ eventName }, { eventName }]);
    expect(before.status).toBe(200);
    acknowledged += 2;

    // The database goes away for a few seconds.
    // On PostgreSQL: first connections refused, then a host that stops answering (connection
    // attempts hang until the pool's connect timeout).
    const outageMs = proxy ? 8_000 : 4_000;
    const outageStarted = Date.now();
    if (proxy) proxy.cut("refuse");
    else {
      const { main, events } = sqliteFiles(database.url);
      locker = await lockFiles([main, events]);
    }
    const during: Probe[] = [];
    while (Date.now() - outageStarted < outageMs) {
      if (proxy && Date.now() - outageStarted > outageMs / 2) proxy.cut("blackhole");
      const round = await probeRound(running.url, session, secret, eventName);
      during.push(...round);
      acknowledged += round.filter((p) => p.name === "ingest" && p.status === 200).length;
    }
    if (proxy) proxy.restore();
    else if (locker) await unlock(locker);
    const restoredAt = Date.now();

    // It recovers without help: poll until an ingest is acknowledged again.
    let recovered = false;
    while (!recovered && Date.now() - restoredAt < 20_000) {
      const res = await ingest(running.url, secret, [{ eventName }]);
      if (res.status === 200) {
        acknowledged += 1;
        recovered = true;
      } else await sleep(100);
    }
    const recoveryMs = Date.now() - restoredAt;

    const slowest = Math.max(...during.map((p) => p.ms));
    const summary = [...new Set(during.map((p) => `${p.name} ${p.status} ${p.reason ?? ""}`))];
    console.log(
      `[faults] database unavailable (${database.provider}, ${proxy ? "proxy refusing, then black-holing," : "files locked"} ${outageMs} ms): ` +
        `${during.length} requests, slowest ${slowest} ms; answers: ${summary.join("; ")}; ` +
        `recovered ${recoveryMs} ms after the database came back`,
    );

    expect(running.child.exitCode).toBeNull();
    expect(during.length).toBeGreaterThanOrEqual(4);
    expect(slowest).toBeLessThan(ANSWER_BOUND_MS);
    // Never a 500 or another 5xx than 503; a 503 always names its reason.
    for (const answer of during) {
      expect([200, 201, 503]).toContain(answer.status);
      if (answer.status === 503) {
        expect(answer.code).toBe("unavailable");
        expect(answer.reason).toMatch(/^database_/);
      }
    }
    const writes = during.filter((p) => p.name === "ingest" || p.name === "create key");
    expect(writes.every((p) => p.status === 503)).toBe(true);
    const reads = during.filter((p) => p.name === "metrics" || p.name === "list keys");
    if (database.provider === "postgresql") {
      // Nothing to read from either.
      expect(reads.every((p) => p.status === 503)).toBe(true);
    } else {
      // A write lock doesn't stop SQLite's readers (WAL).
      expect(reads.every((p) => p.status === 200)).toBe(true);
    }

    expect(recovered).toBe(true);
    const after = await probeRound(running.url, session, secret, eventName);
    acknowledged += after.filter((p) => p.name === "ingest" && p.status === 200).length;
    expect(after.map((p) => p.status)).toEqual([200, 200, 200, 201]);
    await sleep(1_000);
    expect(await countedEvents(running.url, secret, eventName)).toBe(acknowledged);
  }, 120_000);
});

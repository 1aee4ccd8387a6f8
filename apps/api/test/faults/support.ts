// Helpers for the load and fault tests: they talk to a real server process over HTTP only.
import { rmSync } from "node:fs";
import { eventsDatabaseFile, pgClientConfig } from "@keyward/db";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import {
  API_KEY_HEADER,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  type KeyWithSecretAnswer,
  type MetricsAnswer,
  type SessionAnswer,
} from "@keyward/shared";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { type ServerProcess, startServer } from "../support/server-process.js";

export const isPostgres = (url: string): boolean => /^postgres(ql)?:\/\//.test(url);

/** The SQLite files of a test database: the main one and the events one beside it. */
export function sqliteFiles(url: string): { main: string; events: string } {
  const main = url.replace(/^file:/, "");
  return { main, events: eventsDatabaseFile(main) };
}

export interface FaultDatabase extends TestDatabase {
  provider: "sqlite" | "postgresql";
}

/** A fresh database (PostgreSQL when TEST_DATABASE_URL is set), dropped with its events file. */
export async function faultDatabase(): Promise<FaultDatabase> {
  const database = await createTestDatabase();
  const provider = isPostgres(database.url) ? "postgresql" : "sqlite";
  return {
    url: database.url,
    provider,
    async drop() {
      await database.drop();
      if (provider === "sqlite") {
        const { events } = sqliteFiles(database.url);
        for (const suffix of ["", "-wal", "-shm", "-journal"]) {
          rmSync(events + suffix, { force: true });
        }
      }
    },
  };
}

/**
 * The test file's fault database, made before its tests, and `start()` for a server on it; after
 * the tests every server started is killed and the database dropped.
 */
export function useFaultDatabase() {
  let database: FaultDatabase | undefined;
  const started: ServerProcess[] = [];
  beforeAll(async () => {
    database = await faultDatabase();
  });
  afterAll(async () => {
    for (const server of started) await server.kill();
    await database?.drop();
  });
  return {
    get database(): FaultDatabase {
      if (!database) throw new Error("the fault database is made in beforeAll");
      return database;
    },
    async start(): Promise<ServerProcess> {
      const server = await startServer({ databaseUrl: this.database.url });
      started.push(server);
      return server;
    },
    /** A server (`start()`), a new user signed up on it (`label` names them) and their org key. */
    async startWithKey(label: string) {
      const server = await this.start();
      const session = await signUp(server.url, label);
      return { server, session, key: await createKey(session) };
    },
  };
}

export interface Session {
  url: string;
  cookie: string;
  orgId: string;
}

/** The headers of a session-API call with this session cookie ("" for none). */
export const sessionHeaders = (cookie: string) => ({
  "content-type": "application/json",
  [CSRF_HEADER]: CSRF_HEADER_VALUE,
  cookie,
});

let signups = 0;

/** Signs up a new user with a new org. */
export async function signUp(url: string, label = "faults"): Promise<Session> {
  signups += 1;
  const res = await fetch(`${url}/api/auth/signup`, {
    method: "POST",
    headers: sessionHeaders(""),
    body: JSON.stringify({
      email: `${label}-${process.pid}-${Date.now()}-${signups}@example.com`,
      password: "correct horse battery",
      name: "Fault Finder",
      orgName: `${label} org`,
    }),
  });
  if (res.status !== 201) throw new Error(`signup answered ${res.status}: ${await res.text()}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const orgId = ((await res.json()) as SessionAnswer).orgs[0]?.id;
  if (!orgId) throw new Error("signup answered no org");
  return { url, cookie, orgId };
}

/** A session-API call; `url` may be another server than the session's (same database). */
export function sessionCall(
  session: Session,
  method: string,
  path: string,
  body?: unknown,
  url = session.url,
): Promise<Response> {
  return fetch(`${url}/api/orgs/${session.orgId}${path}`, {
    method,
    headers: sessionHeaders(session.cookie),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A session-API call that must succeed: its JSON answer (undefined for 204); any other status throws. */
export async function sessionJson(
  session: Session,
  method: string,
  path: string,
  body?: unknown,
  url = session.url,
): Promise<unknown> {
  const res = await sessionCall(session, method, path, body, url);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? undefined : res.json();
}

export interface CreatedKey {
  id: string;
  secret: string;
}

export async function createKey(session: Session, name = "faults"): Promise<CreatedKey> {
  const res = await sessionCall(session, "POST", "/keys", {
    name,
    orgWide: true,
    permissions: { read: true, write: true },
  });
  if (res.status !== 201) throw new Error(`create key answered ${res.status}: ${await res.text()}`);
  const { key, secret } = (await res.json()) as KeyWithSecretAnswer;
  return { id: key.id, secret };
}

export function ingest(
  url: string,
  secret: string,
  events: readonly object[],
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`${url}/v1/events`, {
    method: "POST",
    headers: { "content-type": "application/json", [API_KEY_HEADER]: secret },
    body: JSON.stringify(events),
    ...(signal ? { signal } : {}),
  });
}

export function metrics(url: string, secret: string, eventName: string): Promise<Response> {
  const params = new URLSearchParams({
    eventName,
    interval: "day",
    from: new Date(Date.now() - 2 * 86_400_000).toISOString(),
    to: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  });
  return fetch(`${url}/v1/metrics?${params.toString()}`, { headers: { [API_KEY_HEADER]: secret } });
}

/** The number of events of this name that `/v1/metrics` counts for the key's org. */
export async function countedEvents(url: string, secret: string, eventName: string) {
  const res = await metrics(url, secret, eventName);
  if (res.status !== 200) throw new Error(`metrics answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as MetricsAnswer).points.reduce((sum, point) => sum + point.count, 0);
}

export { setTimeout as sleep } from "node:timers/promises";

/** The answer's error code, or undefined for a body without one. */
export async function errorCode(res: Response): Promise<string | undefined> {
  const text = await res.text();
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

export interface StoredCounts {
  /** Rows in the Event table, per event name. */
  events: Map<string, number>;
  /** The per-minute roll-ups' total, per event name. */
  rollups: Map<string, number>;
}

/** What the database holds for event names starting with `prefix`, read past the server. */
export async function storedCounts(database: FaultDatabase, prefix: string): Promise<StoredCounts> {
  const eventsSql = `SELECT "eventName" AS name, count(*) AS n FROM "Event" WHERE "eventName" LIKE $1 GROUP BY "eventName"`;
  const rollupsSql = `SELECT "eventName" AS name, sum("count") AS n FROM "MetricRollup" WHERE "interval" = 'minute' AND "eventName" LIKE $1 GROUP BY "eventName"`;
  const pattern = `${prefix}%`;
  const toMap = (rows: { name: string; n: number | string }[]) =>
    new Map(rows.map((row) => [row.name, Number(row.n)]));
  if (database.provider === "postgresql") {
    const client = new pg.Client(pgClientConfig(database.url));
    await client.connect();
    try {
      const events = await client.query(eventsSql, [pattern]);
      const rollups = await client.query(rollupsSql, [pattern]);
      return { events: toMap(events.rows), rollups: toMap(rollups.rows) };
    } finally {
      await client.end();
    }
  }
  const db = new Database(sqliteFiles(database.url).events, { readonly: true });
  try {
    const read = (sql: string) =>
      db.prepare(sql.replace("$1", "?")).all(pattern) as { name: string; n: number }[];
    return { events: toMap(read(eventsSql)), rollups: toMap(read(rollupsSql)) };
  } finally {
    db.close();
  }
}

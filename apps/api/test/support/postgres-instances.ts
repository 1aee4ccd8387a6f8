// For the *.postgres tests: API instances, as real processes, on one fresh PostgreSQL database,
// and how long one instance keeps answering as before after a change made through another.
import { performance } from "node:perf_hooks";
import { pgClientConfig } from "@keyward/db";
import { createPostgresTestDatabase, type TestDatabase } from "@keyward/db/testing";
import pg from "pg";
import { afterAll, beforeAll, expect } from "vitest";
import { listenerApplicationName } from "../../src/key-verification/key-change-channel.js";
import { type ServerProcess, startServer } from "./server-process.js";

const POSTGRES = process.env.TEST_DATABASE_URL ?? "postgresql://127.0.0.1:5432/test";

export interface PostgresInstances {
  readonly database: TestDatabase;
  /** The test's own connection, for what the instances cannot be asked over HTTP. */
  readonly admin: pg.Client;
  /** Every instance started, in order. */
  readonly started: ServerProcess[];
  /** Starts an instance on the database with these settings. */
  start(env?: NodeJS.ProcessEnv): Promise<ServerProcess>;
  /** The PostgreSQL backend of an instance's key-change listener, once it is connected. */
  listenerBackend(server: ServerProcess): Promise<number | null>;
}

/**
 * The test file's database and admin connection, made before its tests; after them every
 * instance started is killed (resumed first, should a test have stopped it), the connection
 * closed and the database dropped.
 */
export function usePostgresInstances(): PostgresInstances {
  let database: TestDatabase | undefined;
  let admin: pg.Client | undefined;
  const started: ServerProcess[] = [];
  beforeAll(async () => {
    database = await createPostgresTestDatabase(POSTGRES);
    admin = new pg.Client(pgClientConfig(database.url));
    await admin.connect();
  });
  afterAll(async () => {
    for (const server of started) server.child.kill("SIGCONT");
    await Promise.all(started.map((s) => s.kill()));
    await admin?.end();
    await database?.drop();
  });
  const made = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the PostgreSQL database is made in beforeAll");
    return value;
  };
  return {
    get database() {
      return made(database);
    },
    get admin() {
      return made(admin);
    },
    started,
    async start(env = {}) {
      const server = await startServer({ databaseUrl: made(database).url, env });
      started.push(server);
      return server;
    },
    async listenerBackend(server) {
      const { rows } = await made(admin).query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        [listenerApplicationName(server.pid)],
      );
      return rows[0]?.pid ?? null;
    },
  };
}

/**
 * Asks `probe` `warmUps` times (each must answer `from`), makes `change`, and answers how long
 * after `change` returned the probe still answered `from` to requests sent after it: the
 * completion time of the last such answer, or 0. Two probes run at once; they stop once `to`
 * alone has been answered for 300 ms.
 */
export async function windowAfter(
  probe: () => Promise<number>,
  from: number,
  to: number,
  change: () => Promise<unknown>,
  warmUps: number,
): Promise<number> {
  for (let warm = 0; warm < warmUps; warm += 1) expect(await probe()).toBe(from);
  let changedAt = Number.POSITIVE_INFINITY;
  let lastFrom = 0;
  let settledSince: number | null = null;
  const watch = async () => {
    while (performance.now() - changedAt < 10_000) {
      const sentAt = performance.now();
      const answer = await probe();
      const doneAt = performance.now();
      if (sentAt < changedAt) continue;
      if (answer === from) {
        lastFrom = doneAt - changedAt;
        settledSince = null;
      } else {
        expect(answer).toBe(to);
        settledSince ??= doneAt;
        if (doneAt - settledSince > 300) return;
      }
    }
    throw new Error(`still answering ${from} 10 s after the change`);
  };
  const watching = Promise.all([watch(), watch()]);
  await change();
  changedAt = performance.now();
  await watching;
  return Math.round(lastFrom);
}

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresPrismaClient } from "../generated/postgres/client.js";
import { PrismaClient } from "../generated/sqlite/client.js";
import type { Db } from "./db.js";
import { type Dialect, dialectOf } from "./dialect.js";
import {
  defaultDatabaseUrl,
  type Provider,
  pgClientConfig,
  providerOf,
  sqliteFile,
} from "./paths.js";

export type { Db };

export type Database = {
  prisma: Db;
  provider: Provider;
  /** Every SQL difference between the two databases (locks, text search). */
  dialect: Dialect;
  url: string;
  close(): Promise<void>;
};

/**
 * How long a SQLite statement waits for another process's lock before failing with SQLITE_BUSY
 * (answered 503). Short: better-sqlite3 waits synchronously, holding up the whole event loop, and
 * within one process all writes share one connection, so only other processes ever hold a lock.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 1000;

/**
 * PostgreSQL limits, so a request fails (503) instead of hanging when the server or the network
 * is gone: connecting, a statement on the server, a query's answer on the client.
 */
export const POSTGRES_TIMEOUTS = {
  connectionTimeoutMillis: 3_000,
  statement_timeout: 15_000,
  query_timeout: 20_000,
  lock_timeout: 10_000,
} as const;

const SQLITE_PRAGMAS = `PRAGMA journal_mode = WAL; PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}; PRAGMA foreign_keys = ON;`;

class SqliteAdapterFactory extends PrismaBetterSqlite3 {
  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript(SQLITE_PRAGMAS);
    return adapter;
  }
}

/**
 * A Prisma client for `url`: `file:` for SQLite, `postgres(ql)://` for PostgreSQL.
 * Without a url, the SQLite file `<repo>/data/keyward.db`.
 */
export function createDb(url: string = defaultDatabaseUrl()): Database {
  const provider = providerOf(url);
  let prisma: Db;
  if (provider === "sqlite") {
    const file = sqliteFile(url);
    mkdirSync(dirname(file), { recursive: true });
    prisma = new PrismaClient({
      adapter: new SqliteAdapterFactory({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS }),
    });
  } else {
    // A parsed config, not { connectionString }: pg lets a connection string override fields.
    const adapter = new PrismaPg(
      // The url's own settings (e.g. ?statement_timeout=) win over these defaults.
      { ...POSTGRES_TIMEOUTS, keepAlive: true, ...pgClientConfig(url) },
      // Idle pooled connections that die (the server restarts, the network drops) are replaced.
      { onPoolError: () => {} },
    );
    prisma = new PostgresPrismaClient({ adapter });
  }
  return { prisma, provider, dialect: dialectOf(provider), url, close: () => prisma.$disconnect() };
}

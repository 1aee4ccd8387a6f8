import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresPrismaClient } from "../generated/postgres/client.js";
import { PrismaClient } from "../generated/sqlite/client.js";
import {
  defaultDatabaseUrl,
  type Provider,
  pgClientConfig,
  providerOf,
  sqliteFile,
} from "./paths.js";

/** The Prisma client. Typed as the SQLite client; the PostgreSQL one has the same model API. */
export type Db = PrismaClient;

export type Database = {
  prisma: Db;
  provider: Provider;
  url: string;
  close(): Promise<void>;
};

const SQLITE_PRAGMAS =
  "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;";

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
    prisma = new PrismaClient({ adapter: new SqliteAdapterFactory({ url: file, timeout: 5000 }) });
  } else {
    // A parsed config, not { connectionString }: pg lets a connection string override fields.
    const adapter = new PrismaPg(pgClientConfig(url));
    prisma = new PostgresPrismaClient({ adapter }) as unknown as Db;
  }
  return { prisma, provider, url, close: () => prisma.$disconnect() };
}

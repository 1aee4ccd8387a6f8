import { randomBytes } from "node:crypto";
import { copyFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrateDatabase } from "./migrate.js";
import { pgClientConfig } from "./paths.js";

export type TestDatabase = { url: string; drop(): Promise<void> };

const uniqueSuffix = () => `${process.pid}_${randomBytes(6).toString("hex")}`;

const removeSqliteFiles = (file: string) => {
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
};

/**
 * A fresh, migrated database for one test file: on the PostgreSQL server of TEST_DATABASE_URL
 * when set (a new `kw_test_*` database), else a SQLite file in the OS temp folder.
 */
export function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  return server ? createPostgresDatabase(server) : createSqliteDatabase();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(pgClientConfig(url));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function createPostgresDatabase(server: string): Promise<TestDatabase> {
  const name = `kw_test_${uniqueSuffix()}`;
  const url = new URL(server);
  url.pathname = `/${name}`;
  const drop = () =>
    withClient(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
      () => {},
    );
  await withClient(server, (c) => c.query(`CREATE DATABASE "${name}"`));
  try {
    await migrateDatabase(url.href);
  } catch (error) {
    await drop();
    throw error;
  }
  return { url: url.href, drop };
}

let sqliteTemplate: Promise<string> | undefined;

/** Migrated once per process, then copied: far faster than migrating every file. */
function migratedSqliteTemplate(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const file = join(tmpdir(), `kw-template-${uniqueSuffix()}.db`);
    process.once("exit", () => removeSqliteFiles(file));
    await migrateDatabase(`file:${file}`);
    return file;
  })();
  return sqliteTemplate;
}

async function createSqliteDatabase(): Promise<TestDatabase> {
  const file = join(tmpdir(), `kw-test-${uniqueSuffix()}.db`);
  // migrateDatabase closes its connection, which checkpoints the WAL into the file.
  copyFileSync(await migratedSqliteTemplate(), file);
  return { url: `file:${file}`, drop: async () => removeSqliteFiles(file) };
}

import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { migrateDatabase, readMigrations } from "./migrate.js";
import { eventsDatabaseFile, eventsMigrationsDir, migrationsDir, pgClientConfig } from "./paths.js";

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
  return server ? createPostgresTestDatabase(server) : createSqliteTestDatabase();
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

/** A fresh, migrated `kw_test_*` database on the PostgreSQL server of `serverUrl`. */
export async function createPostgresTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `kw_test_${uniqueSuffix()}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const drop = () =>
    withClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
      () => {},
    );
  await withClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
  try {
    await migrateDatabase(url.href);
  } catch (error) {
    await drop();
    throw error;
  }
  return { url: url.href, drop };
}

let sqliteTemplate: Promise<string> | undefined;

/**
 * A migrated SQLite file (and its events file) to copy, far faster than migrating every test
 * database. One per set of migrations, shared by test processes (which are killed, not exited, so
 * could not clean up).
 */
function migratedSqliteTemplate(): Promise<string> {
  sqliteTemplate ??= (async () => {
    const migrations = [
      ...readMigrations(migrationsDir("sqlite")),
      ...readMigrations(eventsMigrationsDir()),
    ].map((m) => m.name + m.checksum);
    const key = createHash("sha256").update(migrations.join()).digest("hex").slice(0, 16);
    const file = join(tmpdir(), `kw-template-${key}.db`);
    if (!existsSync(file)) {
      const building = join(tmpdir(), `kw-template-${uniqueSuffix()}.building.db`);
      await migrateDatabase(`file:${building}`);
      // Atomic: other processes see the whole template or none (the main file is renamed last).
      renameSync(eventsDatabaseFile(building), eventsDatabaseFile(file));
      renameSync(building, file);
      removeSqliteFiles(building);
      removeSqliteFiles(eventsDatabaseFile(building));
    }
    return file;
  })();
  return sqliteTemplate;
}

/** A fresh, migrated SQLite file (with its events file) in the OS temp folder. */
export async function createSqliteTestDatabase(): Promise<TestDatabase> {
  const file = join(tmpdir(), `kw-test-${uniqueSuffix()}.db`);
  const template = await migratedSqliteTemplate();
  copyFileSync(eventsDatabaseFile(template), eventsDatabaseFile(file));
  copyFileSync(template, file);
  const drop = async () => {
    removeSqliteFiles(file);
    removeSqliteFiles(eventsDatabaseFile(file));
  };
  return { url: `file:${file}`, drop };
}

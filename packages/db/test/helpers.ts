import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Provider, pgClientConfig, repoRoot } from "../src/paths.js";
import {
  createPostgresTestDatabase,
  createSqliteTestDatabase,
  type TestDatabase,
} from "../src/testing.js";

const postgresServer = process.env.TEST_DATABASE_URL;

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL names a server. */
export const providers: Provider[] = postgresServer ? ["sqlite", "postgresql"] : ["sqlite"];

export const createMigratedDatabase = (provider: Provider): Promise<TestDatabase> =>
  provider === "sqlite"
    ? createSqliteTestDatabase()
    : createPostgresTestDatabase(postgresServer as string);

async function onServer(sql: string) {
  const client = new pg.Client(pgClientConfig(postgresServer as string));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A database with nothing in it, not even `_prisma_migrations`. */
export async function createEmptyDatabase(provider: Provider): Promise<TestDatabase> {
  const name = `kw_test_${process.pid}_${randomBytes(6).toString("hex")}`;
  if (provider === "sqlite") {
    const file = join(tmpdir(), `${name}.db`);
    const drop = async () => {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
    };
    return { url: `file:${file}`, drop };
  }
  await onServer(`CREATE DATABASE "${name}"`);
  const url = new URL(postgresServer as string);
  url.pathname = `/${name}`;
  return { url: url.href, drop: () => onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/** `prisma migrate <args>` through prisma/scripts/migrate.mjs, the real CLI and the stand-in. */
export function prismaMigrate(databaseUrl: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [join(repoRoot(), "prisma", "scripts", "migrate.mjs"), ...args],
    { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: "utf8" },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import {
  defaultDatabaseUrl,
  eventsDatabaseFile,
  eventsMigrationsDir,
  migrationsDir,
  pgClientConfig,
  providerOf,
  sqliteFile,
} from "./paths.js";

type Migration = { name: string; script: string; checksum: string };
type AppliedRow = { migration_name: string; finished_at: unknown; rolled_back_at: unknown };

/** Prisma Migrate's own advisory lock key, so the CLI and this function exclude each other. */
const PRISMA_ADVISORY_LOCK = 72707369;

// The tables `prisma migrate deploy` creates.
const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
);`;
const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

const INSERT = `INSERT INTO "_prisma_migrations"
  ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")
  VALUES ($1, $2, $3, $4, $5, 1)`;
const INSERT_FAILED = `INSERT INTO "_prisma_migrations"
  ("id", "checksum", "migration_name", "started_at", "rolled_back_at", "logs")
  VALUES ($1, $2, $3, $4, $5, $6)`;

// A failed migration recorded with rolled_back_at is ignored by Prisma, and retried at the next
// start; one without (it ran outside a transaction) blocks until resolved, as with Prisma.

/** Scripts that manage transactions themselves or cannot run inside one. */
const needsNoTransaction = (script: string) =>
  /^\s*(BEGIN|COMMIT|END|ROLLBACK)\b|\bCONCURRENTLY\b/im.test(script);

/** The migrations of a folder, in order, with the checksums Prisma records. */
export function readMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const script = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, script, checksum: createHash("sha256").update(script).digest("hex") };
    });
}

function pending(migrations: Migration[], rows: AppliedRow[]): Migration[] {
  const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length > 0) {
    const names = failed.map((row) => row.migration_name).join(", ");
    throw new Error(
      `Migrations failed earlier and need attention (see \`prisma migrate resolve\`): ${names}`,
    );
  }
  const applied = new Set(
    rows.filter((row) => row.finished_at !== null).map((row) => row.migration_name),
  );
  return migrations.filter((migration) => !applied.has(migration.name));
}

class MigrationError extends Error {
  constructor(migration: string, rolledBack: boolean, cause: unknown) {
    const outcome = rolledBack ? "was rolled back" : "may be partly applied";
    super(`Migration ${migration} failed and ${outcome}: ${(cause as Error).message}`, { cause });
  }
}

/** How the events file's migrations are named in `applied`. */
export const EVENTS_MIGRATION_PREFIX = "events/";

/**
 * Applies pending migrations from prisma/migrations/{sqlite,postgres}, recording them in
 * `_prisma_migrations` as `prisma migrate deploy` does. Each migration runs in one transaction.
 * On SQLite, then the events file's from prisma/migrations/sqlite-events (recorded in that file's
 * own `_prisma_migrations`, listed in `applied` as `events/<name>`).
 */
export async function migrateDatabase(
  url: string = defaultDatabaseUrl(),
): Promise<{ applied: string[] }> {
  const provider = providerOf(url);
  const migrations = readMigrations(migrationsDir(provider));
  if (provider === "postgresql") return migratePostgres(url, migrations);
  const file = sqliteFile(url);
  const main = migrateSqlite(file, migrations);
  const events = migrateEventsDatabase(eventsDatabaseFile(file));
  return {
    applied: [...main.applied, ...events.applied.map((name) => EVENTS_MIGRATION_PREFIX + name)],
  };
}

/** Applies the events migrations (prisma/migrations/sqlite-events) to a SQLite file. */
export function migrateEventsDatabase(file: string): { applied: string[] } {
  return migrateSqlite(file, readMigrations(eventsMigrationsDir()));
}

// Timestamps as Prisma's engine writes them on SQLite.
const sqliteNow = () => new Date().toISOString().replace("Z", "+00:00");

function migrateSqlite(file: string, migrations: Migration[]): { applied: string[] } {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 5000 });
  const applied: string[] = [];
  const sql = (query: string) => query.replace(/\$\d/g, "?");
  try {
    db.pragma("journal_mode = WAL");
    db.exec(SQLITE_MIGRATIONS_TABLE);
    // Table redefinitions drop and recreate tables: enforced foreign keys would cascade deletes.
    db.pragma("foreign_keys = OFF");
    const rows = db.prepare(
      `SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const isApplied = db.prepare(
      `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL`,
    );
    for (const migration of pending(migrations, rows.all() as AppliedRow[])) {
      const inTransaction = !needsNoTransaction(migration.script);
      // IMMEDIATE takes the write lock first, so concurrent migrators apply each migration once.
      if (inTransaction) db.exec("BEGIN IMMEDIATE");
      if (isApplied.get(migration.name)) {
        if (inTransaction) db.exec("COMMIT");
        continue;
      }
      const startedAt = sqliteNow();
      try {
        db.exec(migration.script);
        const violations = db.pragma("foreign_key_check") as unknown[];
        if (violations.length)
          throw new Error(`foreign key violations: ${JSON.stringify(violations)}`);
        db.prepare(sql(INSERT)).run(
          randomUUID(),
          migration.checksum,
          migration.name,
          startedAt,
          sqliteNow(),
        );
        if (inTransaction) db.exec("COMMIT");
        applied.push(migration.name);
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        const rolledBackAt = inTransaction ? sqliteNow() : null;
        db.prepare(sql(INSERT_FAILED)).run(
          ...[
            randomUUID(),
            migration.checksum,
            migration.name,
            startedAt,
            rolledBackAt,
            String(error),
          ],
        );
        throw new MigrationError(migration.name, inTransaction, error);
      }
    }
  } finally {
    db.pragma("foreign_keys = ON");
    db.close();
  }
  return { applied };
}

async function migratePostgres(
  url: string,
  migrations: Migration[],
): Promise<{ applied: string[] }> {
  const client = new pg.Client(pgClientConfig(url));
  await client.connect();
  const applied: string[] = [];
  try {
    // Several instances may start together: one migrates, the others wait and find nothing to do.
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    // Only when missing: CREATE … IF NOT EXISTS is refused by a read-only database, which can
    // still serve reads when it is up to date.
    const { rows: table } = await client.query<{ exists: boolean }>(
      `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`,
    );
    if (!table[0]?.exists) await client.query(POSTGRES_MIGRATIONS_TABLE);
    const { rows } = await client.query<AppliedRow>(
      `SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    for (const migration of pending(migrations, rows)) {
      const inTransaction = !needsNoTransaction(migration.script);
      const startedAt = new Date();
      try {
        if (inTransaction) await client.query("BEGIN");
        // Without parameters, pg sends the whole script as one simple query.
        await client.query(migration.script);
        const values = [randomUUID(), migration.checksum, migration.name, startedAt, new Date()];
        await client.query(INSERT, values);
        if (inTransaction) await client.query("COMMIT");
        applied.push(migration.name);
      } catch (error) {
        if (inTransaction) await client.query("ROLLBACK");
        const rolledBackAt = inTransaction ? new Date() : null;
        const values = [randomUUID(), migration.checksum, migration.name, startedAt, rolledBackAt];
        await client.query(INSERT_FAILED, [...values, String(error)]);
        throw new MigrationError(migration.name, inTransaction, error);
      }
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]).catch(() => {});
    await client.end();
  }
  return { applied };
}

#!/usr/bin/env node
// prisma migrate <deploy|reset|status|dev> on DATABASE_URL (PostgreSQL when it says so, else SQLite).
// `dev` creates one migration under the same name for both databases.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { prismaDir, repoRoot, runPrisma } from "./prisma-cli.mjs";

const [command, ...args] = process.argv.slice(2);
const url = process.env.DATABASE_URL ?? "";
const isPostgres = /^postgres(ql)?:\/\//.test(url);
const config = (/** @type {"sqlite" | "postgres"} */ provider) =>
  join(prismaDir, `${provider}.config.ts`);

if (command === "dev") {
  dev();
} else if (command && ["deploy", "reset", "status", "resolve", "diff"].includes(command)) {
  const status = runPrisma(
    ["migrate", command, "--config", config(isPostgres ? "postgres" : "sqlite"), ...args],
    { exit: false },
  );
  if (command === "reset" && status === 0 && !isPostgres) removeSqliteEventsDatabase();
  process.exit(status);
} else {
  console.error("usage: migrate.mjs <deploy|reset|status|dev> [prisma migrate options]");
  process.exit(2);
}

function dev() {
  if (!args.some((arg) => /^(-n|--name)(=|$)/.test(arg))) {
    console.error("usage: migrate.mjs dev --name <migration name> (the same for both databases)");
    process.exit(2);
  }
  const pgServer = isPostgres ? url : process.env.TEST_DATABASE_URL;
  if (!pgServer) {
    console.error(
      "migrate dev needs a PostgreSQL server (DATABASE_URL or TEST_DATABASE_URL) to write the PostgreSQL migration.",
    );
    process.exit(2);
  }
  const generate = spawnSync(process.execPath, [join(prismaDir, "scripts", "generate.mjs")], {
    stdio: "inherit",
  });
  if (generate.status !== 0) process.exit(generate.status ?? 1);

  const sqliteDir = join(prismaDir, "migrations", "sqlite");
  const postgresDir = join(prismaDir, "migrations", "postgres");
  const before = new Set(migrationNames(sqliteDir));
  // Against DATABASE_URL when it is SQLite, else the default SQLite file.
  runPrisma(["migrate", "dev", "--config", config("sqlite"), ...args]);

  for (const name of migrationNames(sqliteDir).filter((n) => !before.has(n))) {
    // Written aside first: an empty folder in postgresDir would break --from-migrations.
    const scratch = mkdtempSync(join(tmpdir(), "kw-migration-"));
    const script = join(scratch, "migration.sql");
    // The migrations so far, replayed on a temporary shadow database → the schema.
    runPrisma(
      [
        "migrate",
        "diff",
        "--config",
        config("postgres"),
        "--from-migrations",
        postgresDir,
        "--to-schema",
        join(prismaDir, "schema.postgres.prisma"),
        "--script",
        "--output",
        script,
      ],
      { env: { DATABASE_URL: maintenanceDatabase(pgServer) } },
    );
    mkdirSync(join(postgresDir, name));
    copyFileSync(script, join(postgresDir, name, "migration.sql"));
    rmSync(scratch, { recursive: true, force: true });
    console.log(`Wrote prisma/migrations/postgres/${name}/migration.sql`);
  }
  if (isPostgres) runPrisma(["migrate", "deploy", "--config", config("postgres")]);
}

/**
 * The server's `postgres` database: the diff needs a server (for its shadow database), and the
 * development database may not exist yet.
 * @param {string} serverUrl
 */
function maintenanceDatabase(serverUrl) {
  const url = new URL(serverUrl);
  url.pathname = "/postgres";
  return url.href;
}

/**
 * On SQLite the API keeps events in a second file beside the main one (`keyward.db` →
 * `keyward.events.db`, as eventsDatabaseFile in packages/db/src/paths.ts): a reset empties it too.
 */
function removeSqliteEventsDatabase() {
  const file = url.startsWith("file:")
    ? resolve(repoRoot, url.replace(/^file:(\/\/)?/, "").replace(/\?.*$/, ""))
    : join(repoRoot, "data", "keyward.db");
  const events = file.endsWith(".db") ? `${file.slice(0, -3)}.events.db` : `${file}.events.db`;
  for (const suffix of ["", "-wal", "-shm"]) rmSync(events + suffix, { force: true });
  console.log(`Removed the events database ${events}`);
}

/** @param {string} dir */
function migrationNames(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

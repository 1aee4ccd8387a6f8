import { existsSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { ClientConfig } from "pg";
import { parseIntoClientConfig } from "pg-connection-string";

export type Provider = "sqlite" | "postgresql";

let cachedRoot: string | undefined;

/** The repository root: the nearest folder above this module holding `prisma/migrations`. */
export function repoRoot(): string {
  cachedRoot ??= findRepoRoot(import.meta.dirname);
  return cachedRoot;
}

// From src/ in development and tests, from dist/src/ when built.
function findRepoRoot(start: string): string {
  for (let dir = start; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, "prisma", "migrations"))) return dir;
  }
  throw new Error(`@keyward/db: no prisma/migrations above ${start}`);
}

export const defaultDatabaseUrl = (): string => `file:${join(repoRoot(), "data", "keyward.db")}`;

export function providerOf(url: string): Provider {
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  if (url.startsWith("file:")) return "sqlite";
  throw new Error("@keyward/db: DATABASE_URL must start with file:, postgres:// or postgresql://");
}

/** The file of a `file:` url; relative paths resolve from the repository root, as for the CLI. */
export function sqliteFile(url: string): string {
  const path = url.replace(/^file:(\/\/)?/, "").replace(/\?.*$/, "");
  return isAbsolute(path) ? path : resolve(repoRoot(), path);
}

/**
 * On SQLite the API keeps events (Event, MetricRollup) in a second file beside the main one:
 * `data/keyward.db` → `data/keyward.events.db`, written by one worker thread, so its commits never
 * overtake a Prisma transaction's snapshot of the main file. `migrateDatabase` migrates both, the
 * events file from `prisma/migrations/sqlite-events`.
 */
export function eventsDatabaseFile(mainFile: string): string {
  return mainFile.endsWith(".db") ? `${mainFile.slice(0, -3)}.events.db` : `${mainFile}.events.db`;
}

export const migrationsDir = (provider: Provider): string =>
  join(repoRoot(), "prisma", "migrations", provider === "sqlite" ? "sqlite" : "postgres");

/** The migrations of the SQLite events file (see `eventsDatabaseFile`). */
export const eventsMigrationsDir = (): string =>
  join(repoRoot(), "prisma", "migrations", "sqlite-events");

/**
 * pg config for a url, parsed (a bare connection string lets its fields override ours). Without
 * a user name, libpq's default: the OS user, which pg only takes from $USER.
 */
export function pgClientConfig(url: string): ClientConfig {
  const config = parseIntoClientConfig(url);
  return { ...config, user: config.user || process.env.USER || userInfo().username };
}

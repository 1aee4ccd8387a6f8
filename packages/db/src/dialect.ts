// Every difference between SQLite and PostgreSQL that business code would otherwise branch on.
// Services ask for a lock or a search; which SQL that takes is decided here, once.
import type { Prisma } from "../generated/sqlite/client.js";
import type { Tx } from "./db.js";
import type { Provider } from "./paths.js";

export type { Tx };

export type LockMode = "share" | "exclusive";

/** KeyUsage's count columns, in the order of a `KeyUsageIncrement`'s `counts`. */
export const KEY_USAGE_COUNT_COLUMNS = [
  "valid",
  "rateLimited",
  "disabled",
  "expired",
  "insufficientPermission",
  "originNotAllowed",
  "ipNotAllowed",
  "eventNotAllowed",
] as const;
export type KeyUsageCountColumn = (typeof KEY_USAGE_COUNT_COLUMNS)[number];

/** One key's additive increment of one KeyUsage bucket. */
export interface KeyUsageIncrement {
  keyId: string;
  orgId: string;
  interval: "minute" | "hour";
  /** Epoch milliseconds. */
  bucketStart: number;
  /** In KEY_USAGE_COUNT_COLUMNS order. */
  counts: readonly number[];
}

/** What `addKeyUsage` runs its one statement on: the client or a transaction. */
export type RawExecutor = Pick<Tx, "$executeRawUnsafe">;

/** A literal, case-insensitive substring filter for a string column. */
export interface TextSearch {
  filter: Prisma.StringFilter;
  /** Set when `filter` only narrows the candidates: the exact test, applied to each row. */
  matches?: (value: string) => boolean;
}

export interface Dialect {
  readonly provider: Provider;
  /**
   * Where /v1 events are stored: a SQLite events file beside the database, written by one worker
   * thread, or PostgreSQL tables written through the pool.
   */
  readonly eventStorage: "sqlite-events-file" | "postgres-tables";
  /**
   * How instances sharing the database hear of each other's key changes: PostgreSQL's
   * LISTEN/NOTIFY, or nothing (a SQLite file is served by one host's process).
   */
  readonly keyChangeTransport: "listen-notify" | "none";
  /**
   * Locks an org row for the rest of the transaction: `share` for changes that use authority
   * (they run side by side), `exclusive` for changes to it (roles, grants, removal, policy).
   */
  lockOrg(tx: Tx, orgId: string, mode: LockMode): Promise<void>;
  /** Locks a session row, so logging out waits for (or is seen by) a change in flight. */
  lockSession(tx: Tx, sessionId: string): Promise<void>;
  /** Locks a key row: changes to one key apply one after another. */
  lockKey(tx: Tx, keyId: string): Promise<void>;
  /** Serialises transactions that name the same string (e.g. an email) until they end. */
  lockName(tx: Tx, name: string): Promise<void>;
  /** `q` as a literal, case-insensitive substring of a column. */
  containsText(q: string): TextSearch;
  /**
   * Adds the increments to their KeyUsage buckets (`count = count + n`, a row created where
   * none is), in one statement: concurrent writers (other instances) add up exactly.
   */
  addKeyUsage(db: RawExecutor, rows: readonly KeyUsageIncrement[]): Promise<void>;
}

const quoted = (column: string) => `"${column}"`;
const USAGE_COLUMNS = ["keyId", "orgId", "interval", "bucketStart", ...KEY_USAGE_COUNT_COLUMNS]
  .map(quoted)
  .join(", ");
const ADD_ON_CONFLICT = `ON CONFLICT ("keyId", "interval", "bucketStart") DO UPDATE SET
    ${KEY_USAGE_COUNT_COLUMNS.map((c) => `"${c}" = "KeyUsage"."${c}" + excluded."${c}"`).join(",\n    ")}`;

const POSTGRES_ADD_USAGE = `INSERT INTO "KeyUsage" (${USAGE_COLUMNS})
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp(3)[], ${KEY_USAGE_COUNT_COLUMNS.map((_, i) => `$${i + 5}::int[]`).join(", ")})
  ${ADD_ON_CONFLICT}`;

// `WHERE true`: SQLite's parser otherwise reads ON CONFLICT as part of the SELECT's join.
const SQLITE_ADD_USAGE = `INSERT INTO "KeyUsage" (${USAGE_COLUMNS})
  SELECT ${[0, 1, 2, 3, ...KEY_USAGE_COUNT_COLUMNS.map((_, i) => i + 4)].map((i) => `value ->> ${i}`).join(", ")}
  FROM json_each(?) WHERE true
  ${ADD_ON_CONFLICT}`;

/** How Prisma stores a DateTime in SQLite (ISO 8601 with an explicit offset). */
const sqliteDateTime = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

/**
 * PostgreSQL: row locks (`FOR SHARE` / `FOR UPDATE`), an advisory lock per name, and ILIKE with
 * `%`, `_` and `\` escaped (backslash is LIKE's default escape).
 */
const postgres: Dialect = {
  provider: "postgresql",
  eventStorage: "postgres-tables",
  keyChangeTransport: "listen-notify",
  async lockOrg(tx, orgId, mode) {
    if (mode === "exclusive")
      await tx.$queryRaw`SELECT 1 FROM "Org" WHERE "id" = ${orgId} FOR UPDATE`;
    else await tx.$queryRaw`SELECT 1 FROM "Org" WHERE "id" = ${orgId} FOR SHARE`;
  },
  async lockSession(tx, sessionId) {
    await tx.$queryRaw`SELECT 1 FROM "Session" WHERE "id" = ${sessionId} FOR SHARE`;
  },
  async lockKey(tx, keyId) {
    await tx.$queryRaw`SELECT 1 FROM "ApiKey" WHERE "id" = ${keyId} FOR UPDATE`;
  },
  async lockName(tx, name) {
    await tx.$executeRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(${name}))) AS locked`;
  },
  containsText(q) {
    const escaped = q.replace(/[\\%_]/g, (c) => `\\${c}`);
    // The client is typed as the SQLite one, which has no `mode`.
    return { filter: { contains: escaped, mode: "insensitive" } as Prisma.StringFilter };
  },
  /** One array parameter per column, zipped by `unnest`. */
  async addKeyUsage(db, rows) {
    if (rows.length === 0) return;
    await db.$executeRawUnsafe(
      POSTGRES_ADD_USAGE,
      rows.map((row) => row.keyId),
      rows.map((row) => row.orgId),
      rows.map((row) => row.interval),
      rows.map((row) => new Date(row.bucketStart).toISOString()),
      ...KEY_USAGE_COUNT_COLUMNS.map((_, i) => rows.map((row) => row.counts[i] ?? 0)),
    );
  },
};

/**
 * SQLite runs one write transaction at a time (one connection per process, and the database's
 * write lock across processes), which serialises everything the locks above serialise. LIKE has
 * no default escape and folds case for ASCII only, so every `%`, `_` and non-ASCII character of
 * `q` becomes `_` (any one character): a superset, then checked exactly.
 */
const sqlite: Dialect = {
  provider: "sqlite",
  eventStorage: "sqlite-events-file",
  keyChangeTransport: "none",
  async lockOrg() {},
  async lockSession() {},
  async lockKey() {},
  async lockName() {},
  containsText(q) {
    const loose = (c: string) => c === "%" || c === "_" || c > "\x7f";
    if (![...q].some(loose)) return { filter: { contains: q } };
    const pattern = [...q].map((c) => (loose(c) ? "_" : c)).join("");
    const needle = q.toLowerCase();
    return {
      filter: { contains: pattern },
      matches: (value) => value.toLowerCase().includes(needle),
    };
  },
  /** One JSON parameter (an array of rows), read back by `json_each`. */
  async addKeyUsage(db, rows) {
    if (rows.length === 0) return;
    const json = rows.map((row) => [
      row.keyId,
      row.orgId,
      row.interval,
      sqliteDateTime(row.bucketStart),
      ...KEY_USAGE_COUNT_COLUMNS.map((_, i) => row.counts[i] ?? 0),
    ]);
    await db.$executeRawUnsafe(SQLITE_ADD_USAGE, JSON.stringify(json));
  },
};

export function dialectOf(provider: Provider): Dialect {
  return provider === "postgresql" ? postgres : sqlite;
}

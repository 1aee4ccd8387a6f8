// What a database error means for availability, from Prisma, its driver adapters, pg or
// better-sqlite3: free of the HTTP layer (ApiError, the shared schemas), so the SQLite events
// writer's thread can load it without them.

/** Why the database cannot serve a request right now; every case answers 503 `unavailable`. */
export type UnavailableReason =
  | "database_unreachable"
  | "database_busy"
  | "database_read_only"
  | "database_full";

// Prisma's own codes: can't reach, timed out reaching, operation timed out, server closed the
// connection, timed out waiting for a pooled connection, too many connections.
const PRISMA_CODES: Record<string, UnavailableReason> = {
  P1001: "database_unreachable",
  P1002: "database_unreachable",
  P1008: "database_busy",
  P1017: "database_unreachable",
  P2024: "database_busy",
  P2037: "database_busy",
};

// Driver-adapter error kinds (@prisma/driver-adapter-utils MappedError); SQLITE_BUSY maps to
// SocketTimeout.
const ADAPTER_KINDS: Record<string, UnavailableReason> = {
  DatabaseNotReachable: "database_unreachable",
  ConnectionClosed: "database_unreachable",
  SocketTimeout: "database_busy",
  TooManyConnections: "database_busy",
};

// Node's socket errors, as pg raises them.
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** SQLite primary result codes (https://www.sqlite.org/rescode.html). */
const SQLITE_PRIMARY: Record<number, UnavailableReason> = {
  5: "database_busy", // SQLITE_BUSY
  6: "database_busy", // SQLITE_LOCKED
  8: "database_read_only", // SQLITE_READONLY
  10: "database_unreachable", // SQLITE_IOERR
  13: "database_full", // SQLITE_FULL
  14: "database_unreachable", // SQLITE_CANTOPEN
};
const SQLITE_NAMES: [prefix: string, reason: UnavailableReason][] = [
  ["SQLITE_BUSY", "database_busy"],
  ["SQLITE_LOCKED", "database_busy"],
  ["SQLITE_READONLY", "database_read_only"],
  ["SQLITE_IOERR", "database_unreachable"],
  ["SQLITE_FULL", "database_full"],
  ["SQLITE_CANTOPEN", "database_unreachable"],
];

function postgresReason(sqlState: string): UnavailableReason | undefined {
  if (sqlState === "25006") return "database_read_only"; // read_only_sql_transaction
  if (sqlState === "53100") return "database_full"; // disk_full
  if (sqlState.startsWith("08")) return "database_unreachable"; // connection exceptions
  if (sqlState.startsWith("53")) return "database_busy"; // insufficient resources
  // admin/crash shutdown, cannot connect now, statement timeout (query_canceled), lock timeout
  if (["57P01", "57P02", "57P03", "57014", "55P03"].includes(sqlState)) return "database_busy";
  return undefined;
}

// pg's own errors carry no code, only these messages.
const PG_MESSAGES: [pattern: RegExp, reason: UnavailableReason][] = [
  [/Connection terminated/i, "database_unreachable"],
  [/timeout exceeded when trying to connect/i, "database_unreachable"],
  [/Client has encountered a connection error/i, "database_unreachable"],
  [/Query read timeout/i, "database_busy"],
];

function reasonOf(value: unknown): UnavailableReason | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const error = value as {
    code?: unknown;
    kind?: unknown;
    extendedCode?: unknown;
    originalCode?: unknown;
    message?: unknown;
  };
  if (typeof error.kind === "string") {
    const byKind = ADAPTER_KINDS[error.kind];
    if (byKind) return byKind;
    if (error.kind === "sqlite" && typeof error.extendedCode === "number") {
      // The primary result code is the low byte of the extended one.
      const primary = SQLITE_PRIMARY[error.extendedCode & 0xff];
      if (primary) return primary;
    }
    if (error.kind === "postgres" && typeof error.code === "string") {
      const byState = postgresReason(error.code);
      if (byState) return byState;
    }
  }
  for (const code of [error.code, error.originalCode]) {
    if (typeof code !== "string") continue;
    const byPrisma = PRISMA_CODES[code];
    if (byPrisma) return byPrisma;
    if (SOCKET_CODES.has(code)) return "database_unreachable";
    const sqlite = SQLITE_NAMES.find(([prefix]) => code.startsWith(prefix));
    if (sqlite) return sqlite[1];
    if (/^[0-9A-Z]{5}$/.test(code)) {
      const byState = postgresReason(code);
      if (byState) return byState;
    }
  }
  if (typeof error.message === "string") {
    const byMessage = PG_MESSAGES.find(([pattern]) => pattern.test(error.message as string));
    if (byMessage) return byMessage[1];
  }
  return undefined;
}

/**
 * Whether an error means the database cannot serve requests right now (unreachable, locked,
 * timed out, read-only, full), from Prisma, its driver adapters, pg or better-sqlite3. Looks
 * through `cause` chains and Prisma's `meta.driverAdapterError`.
 */
export function databaseUnavailableReason(err: unknown): UnavailableReason | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const value = queue.shift();
    if (value === null || typeof value !== "object" || seen.has(value)) continue;
    seen.add(value);
    // A Prisma known-request error's own code says less than its adapter's: look there first.
    const { meta, cause } = value as { meta?: { driverAdapterError?: unknown }; cause?: unknown };
    const adapterError = meta?.driverAdapterError as { cause?: unknown } | undefined;
    const fromAdapter = reasonOf(adapterError?.cause);
    if (fromAdapter) return fromAdapter;
    const reason = reasonOf(value);
    if (reason) return reason;
    queue.push(adapterError, cause);
  }
  return undefined;
}

// What the SQLite events writer (a worker thread, sqlite-events-writer.ts) and the store on the
// main thread (sqlite-ingest-store.ts) share: the statements and the messages between them.
// The tables come from packages/db's migrations (prisma/migrations/sqlite-events).

/** DateTime as Prisma's SQLite adapter writes it, so both read and compare the same text. */
export function sqliteDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

export const INSERT_EVENT = `INSERT INTO "Event" ("id", "orgId", "keyId", "eventName", "eventAt", "receivedAt", "properties")
  VALUES (?, ?, ?, ?, ?, ?, ?)`;

export const UPSERT_ROLLUP = `INSERT INTO "MetricRollup" ("orgId", "eventName", "interval", "bucketStart", "count")
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT ("orgId", "eventName", "interval", "bucketStart")
  DO UPDATE SET "count" = "count" + excluded."count"`;

/** What the writer is started with. */
export interface WriterData {
  /** The events database file, migrated. */
  file: string;
  busyTimeoutMs: number;
}

/**
 * One batch, by column: a few arrays are far cheaper to post (structured clone) than an object per
 * event.
 */
export interface WriteJob {
  id: number;
  orgId: string;
  keyId: string;
  /** ms */
  receivedAt: number;
  names: string[];
  /** Each event's time, ms. */
  ats: number[];
  /** Each event's properties, JSON. */
  properties: string[];
}

/** `committed` and `failed` name jobs by id. */
export type WriterReply =
  | { ready: true }
  | { committed: number[] }
  | { failed: number[]; message: string; code?: string };

/** What the main thread sends: a job, or "close" (finish what was sent, then exit). */
export type WriterMessage = WriteJob | "close";

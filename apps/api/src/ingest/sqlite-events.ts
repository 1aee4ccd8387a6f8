// What the SQLite events writer (a worker thread, sqlite-events-writer.ts) and the store on the
// main thread (sqlite-ingest-store.ts) share: the statements and the messages between them.
// The tables come from packages/db's migrations (prisma/migrations/sqlite-events).

/** DateTime as Prisma's SQLite adapter writes it, so both read and compare the same text. */
export function sqliteDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** A batch's events, one row (see prisma/migrations/sqlite-events: the view "Event" shows them). */
export const INSERT_BATCH = `INSERT INTO "EventBatch" ("orgId", "keyId", "receivedAt", "events")
  VALUES (?, ?, ?, ?)`;

/**
 * The `events` column of a batch: a JSON array of `[id, eventName, eventAt or null, properties]`.
 * Built by concatenation: the properties are JSON already, and ids and ISO times need no escaping.
 */
export function eventsJson(
  ids: readonly string[],
  names: readonly string[],
  ats: readonly (string | null)[],
  properties: readonly string[],
): string {
  let json = "[";
  for (let i = 0; i < names.length; i++) {
    const at = ats[i];
    json += `${i === 0 ? "" : ","}["${ids[i]}",${JSON.stringify(names[i])},${at ? `"${at}"` : "null"},${properties[i]}]`;
  }
  return `${json}]`;
}

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

/** Joins the texts of a job's fields: neither event names nor JSON text hold a raw NUL. */
export const FIELD_SEPARATOR = "\u0000";

/**
 * One batch, by column, each column one string: a few strings are far cheaper to post (structured
 * clone) than an object, or even a string, per event.
 */
export interface WriteJob {
  id: number;
  orgId: string;
  keyId: string;
  /** ms */
  receivedAt: number;
  count: number;
  /** The events' names, joined by FIELD_SEPARATOR. */
  names: string;
  /** Each event's time, ms; null when every event's is `receivedAt`. */
  ats: number[] | null;
  /** Each event's properties (JSON), joined by FIELD_SEPARATOR. */
  properties: string;
}

/** `committed` and `failed` name jobs by id. */
export type WriterReply =
  | { ready: true }
  | { committed: number[] }
  | { failed: number[]; message: string; code?: string };

/** What the main thread sends: the jobs of one turn of its event loop, or "close" (finish what was sent, then exit). */
export type WriterMessage = WriteJob[] | "close";

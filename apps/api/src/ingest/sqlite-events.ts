// What the SQLite events writer (a worker thread, sqlite-events-writer.ts) and the store on the
// main thread (sqlite-ingest-store.ts) share: the statements and the messages between them.
// The tables come from packages/db's migrations (prisma/migrations/sqlite-events).
import type Database from "better-sqlite3";
import { type IngestBatch, RollupCounter, type StoredEvent } from "./ingest-store.js";

/** DateTime as Prisma's SQLite adapter writes it, so both read and compare the same text. */
export function sqliteDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

/** A batch's events, one row (see prisma/migrations/sqlite-events: the view "Event" shows them). */
export const INSERT_BATCH = `INSERT INTO "EventBatch" ("orgId", "keyId", "receivedAt", "events")
  VALUES (?, ?, ?, ?)`;

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

/** What the checkpointer is started with. */
export interface CheckpointerData {
  /** The events database file, in WAL mode. */
  file: string;
  everyMs: number;
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

/** A batch as a job for the writer: its columns joined. */
export function writeJob(id: number, batch: IngestBatch): WriteJob {
  const count = batch.events.length;
  const names = new Array<string>(count);
  const properties = new Array<string>(count);
  let ats: number[] | null = null;
  for (let i = 0; i < count; i++) {
    const event = batch.events[i] as StoredEvent;
    names[i] = event.name;
    properties[i] = event.properties;
    if (event.at !== batch.receivedAt) {
      ats ??= new Array<number>(count).fill(batch.receivedAt);
      ats[i] = event.at;
    }
  }
  return {
    id,
    orgId: batch.orgId,
    keyId: batch.keyId,
    receivedAt: batch.receivedAt,
    count,
    names: names.join(FIELD_SEPARATOR),
    ats,
    properties: properties.join(FIELD_SEPARATOR),
  };
}

/** `committed` and `failed` name jobs by id. */
export type WriterReply =
  | { ready: true }
  | { committed: number[] }
  | { failed: number[]; message: string; code?: string };

/** What the main thread sends: the jobs of one turn of its event loop, or "close" (finish what was sent, then exit). */
export type WriterMessage = WriteJob[] | "close";

/**
 * The `events` column of a job's batch row: a JSON array of `[eventName, eventAt or null for
 * receivedAt, properties]` (the view "Event" derives each event's id from its batch and place),
 * built by concatenation (the properties are JSON already, ISO times need no escaping); each event
 * is added to `rollups` on the way.
 */
function batchEventsJson(job: WriteJob, rollups: RollupCounter): string {
  const names = job.names.split(FIELD_SEPARATOR);
  const properties = job.properties.split(FIELD_SEPARATOR);
  const quoted = new Map<string, string>();
  const parts = new Array<string>(job.count);
  for (let i = 0; i < job.count; i++) {
    const name = names[i] ?? "";
    let quotedName = quoted.get(name);
    if (quotedName === undefined) {
      quotedName = JSON.stringify(name);
      quoted.set(name, quotedName);
    }
    const at = job.ats?.[i] ?? job.receivedAt;
    rollups.add(job.orgId, name, at);
    const eventAt = at === job.receivedAt ? "null" : `"${sqliteDateTime(at)}"`;
    parts[i] = `[${quotedName},${eventAt},${properties[i]}]`;
  }
  return `[${parts.join(",")}]`;
}

/**
 * The writer's transaction on an events database: each job one `EventBatch` row, then the summed
 * roll-up increments. Shared by the events writer and the benchmark's raw reference.
 */
export function prepareWrite(db: Database.Database): (jobs: WriteJob[]) => void {
  const insertBatch = db.prepare(INSERT_BATCH);
  const upsertRollup = db.prepare(UPSERT_ROLLUP);
  return db.transaction((jobs: WriteJob[]) => {
    const rollups = new RollupCounter();
    for (const job of jobs) {
      const events = batchEventsJson(job, rollups);
      insertBatch.run(job.orgId, job.keyId, sqliteDateTime(job.receivedAt), events);
    }
    for (const row of rollups.rows()) {
      upsertRollup.run(
        row.orgId,
        row.eventName,
        row.interval,
        sqliteDateTime(row.bucketStart),
        row.count,
      );
    }
  });
}

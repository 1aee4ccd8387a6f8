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

/**
 * One batch as the writer takes it: its row's `events` text built on the main thread, and its
 * roll-up counts per (event name, minute). A few strings and short arrays are far cheaper to post
 * (structured clone) than an object, or even a string, per event.
 */
export interface WriteJob {
  id: number;
  orgId: string;
  keyId: string;
  /** ms */
  receivedAt: number;
  count: number;
  /** The `events` column of the batch's row (see `batchEventsJson`). */
  events: string;
  /**
   * The batch's roll-up counts: `tallyCounts[i]` events named `tallyNames[i]` in the minute that
   * starts at `tallyMinutes[i]` (ms).
   */
  tallyNames: string[];
  tallyMinutes: number[];
  tallyCounts: number[];
}

/**
 * The `events` column of a batch's row: a JSON array of `[eventName, eventAt or null for
 * receivedAt, properties]` (the view "Event" derives each event's id from its batch and place),
 * built by concatenation (the properties are JSON already, ISO times need no escaping).
 */
function batchEventsJson(batch: IngestBatch): string {
  const quoted = new Map<string, string>();
  const parts = new Array<string>(batch.events.length);
  for (let i = 0; i < batch.events.length; i++) {
    const event = batch.events[i] as StoredEvent;
    let quotedName = quoted.get(event.name);
    if (quotedName === undefined) {
      quotedName = JSON.stringify(event.name);
      quoted.set(event.name, quotedName);
    }
    const eventAt = event.at === batch.receivedAt ? "null" : `"${sqliteDateTime(event.at)}"`;
    parts[i] = `[${quotedName},${eventAt},${event.properties}]`;
  }
  return `[${parts.join(",")}]`;
}

/** A batch as a job for the writer: its row's text and its roll-up counts. */
export function writeJob(id: number, batch: IngestBatch): WriteJob {
  const tallies = new RollupCounter();
  for (const event of batch.events) tallies.add(batch.orgId, event.name, event.at);
  const tallyNames: string[] = [];
  const tallyMinutes: number[] = [];
  const tallyCounts: number[] = [];
  for (const [name, minute, count] of tallies.minutesOf(batch.orgId)) {
    tallyNames.push(name);
    tallyMinutes.push(minute);
    tallyCounts.push(count);
  }
  return {
    id,
    orgId: batch.orgId,
    keyId: batch.keyId,
    receivedAt: batch.receivedAt,
    count: batch.events.length,
    events: batchEventsJson(batch),
    tallyNames,
    tallyMinutes,
    tallyCounts,
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
 * The writer's transaction on an events database: each job one `EventBatch` row, then the summed
 * roll-up increments. Shared by the events writer and the benchmark's raw reference.
 */
export function prepareWrite(db: Database.Database): (jobs: WriteJob[]) => void {
  const insertBatch = db.prepare(INSERT_BATCH);
  const upsertRollup = db.prepare(UPSERT_ROLLUP);
  return db.transaction((jobs: WriteJob[]) => {
    const rollups = new RollupCounter();
    for (const job of jobs) {
      for (let i = 0; i < job.tallyNames.length; i++) {
        rollups.add(
          job.orgId,
          job.tallyNames[i] as string,
          job.tallyMinutes[i] as number,
          job.tallyCounts[i] as number,
        );
      }
      insertBatch.run(job.orgId, job.keyId, sqliteDateTime(job.receivedAt), job.events);
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

import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { type Db, eventsDatabaseFile, SQLITE_BUSY_TIMEOUT_MS } from "@keyward/db";
import Database from "better-sqlite3";
import {
  type IngestBatch,
  type IngestStore,
  type MetricsRange,
  reserveEventIds,
  rollupIncrements,
  type StoredEvent,
} from "./ingest-store.js";

/** DateTime as Prisma's SQLite adapter writes it, so both read and compare the same text. */
export function sqliteDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

// The columns of the Prisma schema's Event and MetricRollup (prisma/schema.sqlite.prisma); keep
// them in step with it. The layout differs where only ingest speed is at stake: Event is clustered
// by its id (WITHOUT ROWID: one B-tree, not two) and has no (orgId, eventName, eventAt) index,
// which nothing reads, as metrics come from the roll-ups.
export const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS "Event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orgId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "eventAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "properties" TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS "MetricRollup" (
    "orgId" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "interval" TEXT NOT NULL,
    "bucketStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL,
    PRIMARY KEY ("orgId", "eventName", "interval", "bucketStart")
) WITHOUT ROWID;`;

export const INSERT_EVENT = `INSERT INTO "Event" ("id", "orgId", "keyId", "eventName", "eventAt", "receivedAt", "properties")
  VALUES (?, ?, ?, ?, ?, ?, ?)`;

export const UPSERT_ROLLUP = `INSERT INTO "MetricRollup" ("orgId", "eventName", "interval", "bucketStart", "count")
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT ("orgId", "eventName", "interval", "bucketStart")
  DO UPDATE SET "count" = "count" + excluded."count"`;

// The answer's points are built as JSON text by SQLite, in index order (no sort, no object per
// row in JavaScript): a month of minutes is 44,640 points.
const SELECT_POINTS = `SELECT '[' || coalesce(group_concat(point, ','), '') || ']' FROM (
    SELECT '{"t":"' || substr("bucketStart", 1, 23) || 'Z","count":' || "count" || '}' AS point
    FROM "MetricRollup"
    WHERE "orgId" = ? AND "eventName" = ? AND "interval" = ? AND "bucketStart" >= ? AND "bucketStart" < ?
    ORDER BY "bucketStart"
  )`;

const TOUCH_KEYS = `UPDATE "ApiKey" SET "lastUsedAt" = used.value ->> 1
  FROM json_each(?) AS used
  WHERE "ApiKey"."id" = used.value ->> 0
    AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < used.value ->> 1)`;

type RollupRow = [string, string, string, string, number];

/** One batch, by column: a few arrays of strings are far cheaper to post than a row object each. */
interface WriteJob {
  id: number;
  orgId: string;
  keyId: string;
  receivedAt: string;
  /** Event i's id is `idPrefix + eventIdSuffix(firstId + i)`. */
  idPrefix: string;
  firstId: number;
  names: string[];
  /** Each event's time; "" for the time it was received. */
  ats: string[];
  properties: string[];
  rollups: RollupRow[];
}

type WriterReply =
  | { ready: true }
  | { committed: number[] }
  | { failed: number[]; message: string; code?: string };

/**
 * The writer thread: owns the events database's only connection that writes, and commits every
 * job that arrived meanwhile in one transaction (group commit), replying only after the commit.
 * Plain JavaScript evaluated in a worker, so it runs the same under tsx, vitest and the build.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
// Checkpoint less often: the hot B-tree pages are copied once per checkpoint, not once per 4 MB.
db.pragma("wal_autocheckpoint = 10000");
db.exec(workerData.schema);
parentPort.postMessage({ ready: true });
const insertEvent = db.prepare(workerData.insertEvent);
const upsertRollup = db.prepare(workerData.upsertRollup);
const write = db.transaction((jobs) => {
  const rollups = new Map();
  for (const job of jobs) {
    for (let i = 0; i < job.names.length; i++) {
      const id = job.idPrefix + (job.firstId + i).toString(36).padStart(6, "0");
      const at = job.ats[i] || job.receivedAt;
      insertEvent.run(id, job.orgId, job.keyId, job.names[i], at, job.receivedAt, job.properties[i]);
    }
    for (const row of job.rollups) {
      const key = row[0] + "\\u0000" + row[1] + "\\u0000" + row[2] + "\\u0000" + row[3];
      const seen = rollups.get(key);
      if (seen) seen[4] += row[4];
      else rollups.set(key, row.slice());
    }
  }
  for (const row of rollups.values()) upsertRollup.run(row);
});
// The database itself cannot take writes (locked, read-only, full, I/O): every job would fail
// the same way, so the group fails at once instead of each job waiting out the busy timeout again.
const DATABASE_DOWN = /^SQLITE_(BUSY|LOCKED|READONLY|FULL|IOERR|CANTOPEN)/;
const failure = (ids, error) => ({
  failed: ids,
  message: String(error && error.message),
  code: error && typeof error.code === "string" ? error.code : undefined,
});
let queue = [];
function flush() {
  const jobs = queue;
  queue = [];
  try {
    write(jobs);
    parentPort.postMessage({ committed: jobs.map((job) => job.id) });
  } catch (error) {
    if (jobs.length === 1 || DATABASE_DOWN.test(String(error && error.code))) {
      parentPort.postMessage(failure(jobs.map((job) => job.id), error));
      return;
    }
    for (const job of jobs) {
      try {
        write([job]);
        parentPort.postMessage({ committed: [job.id] });
      } catch (jobError) {
        parentPort.postMessage(failure([job.id], jobError));
      }
    }
  }
}
parentPort.on("message", (message) => {
  if (message === "close") {
    if (queue.length > 0) flush();
    db.close();
    parentPort.close();
    return;
  }
  queue.push(message);
  if (queue.length === 1) setImmediate(flush);
});
`;

/** A batch the events writer could not store; `code` is SQLite's (`SQLITE_BUSY`, …) when known. */
export class EventsWriteError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(`storing events failed: ${message}`);
  }
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The SQLite ingest path. Events and roll-ups live in their own database file beside the main
 * one, written by a worker thread: the writes use the second core, and their commits never move
 * the main database on under a Prisma transaction (Prisma's SQLite transactions BEGIN DEFERRED:
 * a read snapshot that another connection's commit overtook cannot be upgraded to a write,
 * SQLITE_BUSY_SNAPSHOT). Metrics are read on the main thread, `lastUsedAt` written through Prisma.
 */
export class SqliteIngestStore implements IngestStore {
  private started: Promise<{ worker: Worker; reader: Database.Statement }> | undefined;
  private readerDb: Database.Database | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextJob = 1;
  /** The events database's file, once known. */
  eventsFile: string | undefined;

  constructor(private readonly prisma: Db) {}

  async append(batch: IngestBatch): Promise<void> {
    const { worker } = await this.start();
    const count = batch.events.length;
    const names = new Array<string>(count);
    const ats = new Array<string>(count);
    const properties = new Array<string>(count);
    for (let i = 0; i < count; i++) {
      const event = batch.events[i] as StoredEvent;
      names[i] = event.name;
      ats[i] = event.at === batch.receivedAt ? "" : sqliteDateTime(event.at);
      properties[i] = event.properties;
    }
    const ids = reserveEventIds(batch.receivedAt, count);
    const rollups: RollupRow[] = rollupIncrements([batch]).map((row) => [
      row.orgId,
      row.eventName,
      row.interval,
      sqliteDateTime(row.bucketStart),
      row.count,
    ]);
    const id = this.nextJob++;
    const committed = new Promise<void>((resolve, reject) =>
      this.waiters.set(id, { resolve, reject }),
    );
    const job: WriteJob = {
      id,
      orgId: batch.orgId,
      keyId: batch.keyId,
      receivedAt: sqliteDateTime(batch.receivedAt),
      idPrefix: ids.prefix,
      firstId: ids.first,
      names,
      ats,
      properties,
      rollups,
    };
    if (this.waiters.size === 1) worker.ref();
    worker.postMessage(job);
    return committed;
  }

  async metricPointsJson(range: MetricsRange): Promise<string> {
    const { reader } = await this.start();
    return reader
      .pluck()
      .get(
        range.orgId,
        range.eventName,
        range.interval,
        sqliteDateTime(range.from),
        sqliteDateTime(range.to),
      ) as string;
  }

  async touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    if (lastUsed.size === 0) return;
    const pairs = [...lastUsed].map(([id, at]) => [id, sqliteDateTime(at)]);
    await this.prisma.$executeRawUnsafe(TOUCH_KEYS, JSON.stringify(pairs));
  }

  async close(): Promise<void> {
    if (!this.started) return;
    const { worker } = await this.started;
    this.started = undefined;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.ref();
    worker.postMessage("close");
    await exited;
    this.readerDb?.close();
  }

  private start() {
    if (!this.started) {
      const opening = this.open();
      this.started = opening;
      // A writer that could not open (the file locked, unreadable, …) is retried by the next call.
      opening.catch(() => {
        if (this.started === opening) this.started = undefined;
      });
    }
    return this.started;
  }

  private async open() {
    const rows =
      await this.prisma.$queryRawUnsafe<{ name: string; file: string }[]>("PRAGMA database_list");
    const mainFile = rows.find((row) => row.name === "main")?.file;
    if (!mainFile) throw new Error("the SQLite database has no file; events need one beside it");
    const file = eventsDatabaseFile(mainFile);
    this.eventsFile = file;

    const worker = new Worker(WRITER_SOURCE, {
      eval: true,
      // It holds only the jobs in flight: a small heap keeps the server's memory down.
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
      workerData: {
        driver: createRequire(import.meta.url).resolve("better-sqlite3"),
        file,
        schema: EVENTS_SCHEMA,
        insertEvent: INSERT_EVENT,
        upsertRollup: UPSERT_ROLLUP,
        busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS,
      },
    });
    // The worker creates the tables, then says it is ready.
    const ready = new Promise<void>((resolve, reject) => {
      worker.once("error", reject);
      worker.on("message", (reply: WriterReply) => {
        if ("ready" in reply) resolve();
        else this.settle(worker, reply);
      });
    });
    worker.on("error", (error) => this.failAll(error));
    worker.on("exit", () => {
      this.failAll(new Error("the events writer stopped"));
      this.started = undefined;
    });
    await ready;
    // Only unanswered writes keep the process alive, not an idle writer.
    worker.unref();
    this.readerDb = new Database(file, {
      readonly: true,
      fileMustExist: true,
      timeout: SQLITE_BUSY_TIMEOUT_MS,
    });
    const reader = this.readerDb.prepare(SELECT_POINTS);
    return { worker, reader };
  }

  private settle(worker: Worker, reply: Exclude<WriterReply, { ready: true }>): void {
    if ("committed" in reply) {
      for (const id of reply.committed) {
        this.waiters.get(id)?.resolve();
        this.waiters.delete(id);
      }
    } else {
      for (const id of reply.failed) {
        this.waiters.get(id)?.reject(new EventsWriteError(reply.message, reply.code));
        this.waiters.delete(id);
      }
    }
    if (this.waiters.size === 0) worker.unref();
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiters.values()) waiter.reject(error);
    this.waiters.clear();
  }
}

import type { Worker } from "node:worker_threads";
import { type Db, eventsDatabaseFile, SQLITE_BUSY_TIMEOUT_MS } from "@keyward/db";
import Database from "better-sqlite3";
import {
  INTERVAL_MS,
  type IngestBatch,
  type IngestStore,
  type MetricsRange,
  type StoredEventRow,
} from "./ingest-store.js";
import {
  sqliteDateTime,
  type WriteJob,
  type WriterData,
  type WriterMessage,
  type WriterReply,
  writeJob,
} from "./sqlite-events.js";
import { startWorker } from "./worker-module.js";

export { sqliteDateTime } from "./sqlite-events.js";

// The answer's points are built as JSON text by SQLite, in index order (no sort, no object per
// row in JavaScript), a piece of at most POINTS_PER_PIECE buckets per query: a month of minutes
// is 44,640 points.
const SELECT_POINTS = `SELECT coalesce(group_concat(point, ','), '') FROM (
    SELECT '{"t":"' || substr("bucketStart", 1, 23) || 'Z","count":' || "count" || '}' AS point
    FROM "MetricRollup"
    WHERE "orgId" = ? AND "eventName" = ? AND "interval" = ? AND "bucketStart" >= ? AND "bucketStart" < ?
    ORDER BY "bucketStart"
  )`;
/** ~45 KB of JSON: each piece a small string, not one 2 MB one per answer. */
const POINTS_PER_PIECE = 1_000;

const SELECT_EVENTS = `SELECT "eventName", "eventAt", "keyId", "properties" FROM "Event"
  WHERE "orgId" = ? AND (? IS NULL OR "eventName" = ?) ORDER BY "eventAt", "id"`;

const WRITE_LAST_USED = `UPDATE "ApiKey" SET "lastUsedAt" = used.value ->> 1
  FROM json_each(?) AS used
  WHERE "ApiKey"."id" = used.value ->> 0
    AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < used.value ->> 1)`;

/** A batch the events writer could not store; `code` is SQLite's (`SQLITE_BUSY`, …) when known. */
export class EventsWriteError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(`storing events failed: ${message}`);
  }
}

/**
 * Jobs go to the writer in one message per turn of the event loop, or as soon as this many have
 * gathered: a message per job cost more main-thread time than the job itself, while waiting for
 * the turn to end left the writer idle (interleaved runs: 4 beat 1 and "end of turn only" by 4–10 %).
 */
const POST_AT_JOBS = 4;

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

interface Writer {
  worker: Worker;
  reader: Database.Database;
  points: Database.Statement;
  events: Database.Statement;
}

/**
 * The SQLite ingest path. Events and roll-ups live in their own database file beside the main
 * one (packages/db's `eventsDatabaseFile`, migrated with it), written by a worker thread: the
 * writes use the second core, and their commits never move the main database on under a Prisma
 * transaction (Prisma's SQLite transactions BEGIN DEFERRED: a read snapshot that another
 * connection's commit overtook cannot be upgraded to a write, SQLITE_BUSY_SNAPSHOT). Metrics are
 * read on the main thread, `lastUsedAt` written through Prisma.
 */
export class SqliteIngestStore implements IngestStore {
  private started: Promise<Writer> | undefined;
  /**
   * The writer once it is open: appends use it without awaiting `started` (measured: awaiting the
   * long-settled promise on every batch kept ~4 MB alive through each young collection, a third
   * of what the request allocated, and tripled the GC threads' CPU; bench/RESULTS.md, session 6).
   */
  private open: Writer | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextJob = 1;
  /** Jobs not yet posted to the writer (see POST_AT_JOBS). */
  private outbox: WriteJob[] = [];

  constructor(private readonly prisma: Db) {}

  async append(batch: IngestBatch): Promise<void> {
    const { worker } = this.open ?? (await this.start());
    const id = this.nextJob++;
    const committed = new Promise<void>((resolve, reject) =>
      this.waiters.set(id, { resolve, reject }),
    );
    const job = writeJob(id, batch);
    if (this.waiters.size === 1) worker.ref();
    this.outbox.push(job);
    if (this.outbox.length >= POST_AT_JOBS) this.flush(worker);
    else if (this.outbox.length === 1) setImmediate(() => this.flush(worker));
    return committed;
  }

  private flush(worker: Worker): void {
    if (this.outbox.length === 0) return;
    const jobs = this.outbox;
    this.outbox = [];
    worker.postMessage(jobs satisfies WriterMessage);
  }

  async metricPointsJson(range: MetricsRange): Promise<string[]> {
    const { points } = await this.start();
    const pieces = ["["];
    const step = POINTS_PER_PIECE * INTERVAL_MS[range.interval];
    for (let from = range.from; from < range.to; from += step) {
      const piece = points.get(
        range.orgId,
        range.eventName,
        range.interval,
        sqliteDateTime(from),
        sqliteDateTime(Math.min(from + step, range.to)),
      ) as string;
      if (piece === "") continue;
      if (pieces.length > 1) pieces.push(",");
      pieces.push(piece);
    }
    pieces.push("]");
    return pieces;
  }

  async writeLastUsed(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    if (lastUsed.size === 0) return;
    const pairs = [...lastUsed].map(([id, at]) => [id, sqliteDateTime(at)]);
    await this.prisma.$executeRawUnsafe(WRITE_LAST_USED, JSON.stringify(pairs));
  }

  async storedEvents(orgId: string, eventName?: string): Promise<StoredEventRow[]> {
    const { events } = await this.start();
    const rows = events.all(orgId, eventName ?? null, eventName ?? null) as (Omit<
      StoredEventRow,
      "eventAt"
    > & { eventAt: string })[];
    return rows.map((row) => ({ ...row, eventAt: new Date(row.eventAt) }));
  }

  async close(): Promise<void> {
    if (!this.started) return;
    const { worker, reader } = await this.started;
    this.started = undefined;
    this.open = undefined;
    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.ref();
    this.flush(worker);
    worker.postMessage("close" satisfies WriterMessage);
    await exited;
    reader.close();
  }

  private start(): Promise<Writer> {
    if (!this.started) {
      const opening = this.openWriter();
      this.started = opening;
      opening.then(
        (writer) => {
          if (this.started === opening) this.open = writer;
        },
        // A writer that could not open (the file locked, unreadable, …) is retried by the next call.
        () => {
          if (this.started === opening) this.started = undefined;
        },
      );
    }
    return this.started;
  }

  private async openWriter(): Promise<Writer> {
    const rows =
      await this.prisma.$queryRawUnsafe<{ name: string; file: string }[]>("PRAGMA database_list");
    const mainFile = rows.find((row) => row.name === "main")?.file;
    if (!mainFile) throw new Error("the SQLite database has no file; events need one beside it");
    const file = eventsDatabaseFile(mainFile);

    const worker = startWorker("sqlite-events-writer", {
      // It holds only the jobs in flight: a small heap keeps the server's memory down.
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 64 },
      workerData: { file, busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS } satisfies WriterData,
    });
    // The worker opens the database, then says it is ready.
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
      this.open = undefined;
    });
    await ready;
    // Only unanswered writes keep the process alive, not an idle writer.
    worker.unref();
    const reader = new Database(file, {
      readonly: true,
      fileMustExist: true,
      timeout: SQLITE_BUSY_TIMEOUT_MS,
    });
    return {
      worker,
      reader,
      points: reader.prepare(SELECT_POINTS).pluck(),
      events: reader.prepare(SELECT_EVENTS),
    };
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
    // Their senders were just refused: a restarted writer must not store them after all.
    this.outbox = [];
  }
}

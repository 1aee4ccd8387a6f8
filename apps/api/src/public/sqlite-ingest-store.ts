import type { Db } from "@keyward/db";
import Database from "better-sqlite3";
import { GroupCommit } from "./group-commit.js";
import {
  type IngestBatch,
  type IngestStore,
  type MetricsRange,
  nextEventId,
  rollupIncrements,
  type StoredEvent,
} from "./ingest-store.js";

/** DateTime as Prisma's SQLite adapter writes it, so both read and compare the same text. */
export function sqliteDateTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+00:00");
}

// Whole groups go in as one JSON parameter each: one statement per table, whatever the size.
const INSERT_EVENTS = `INSERT INTO "Event" ("id", "orgId", "keyId", "eventName", "eventAt", "receivedAt", "properties")
  SELECT e.value ->> 0, e.value ->> 1, e.value ->> 2, e.value ->> 3, e.value ->> 4, e.value ->> 5, e.value -> 6
  FROM json_each(?) AS e`;

const UPSERT_ROLLUPS = `INSERT INTO "MetricRollup" ("orgId", "eventName", "interval", "bucketStart", "count")
  SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, r.value ->> 3, r.value ->> 4
  FROM json_each(?) AS r WHERE true
  ON CONFLICT ("orgId", "eventName", "interval", "bucketStart")
  DO UPDATE SET "count" = "count" + excluded."count"`;

// The answer's points are built as JSON by SQLite: no object per row in JavaScript.
const SELECT_POINTS = `SELECT coalesce(json_group_array(
    json_object('t', substr("bucketStart", 1, 23) || 'Z', 'count', "count") ORDER BY "bucketStart"
  ), '[]')
  FROM "MetricRollup"
  WHERE "orgId" = ? AND "eventName" = ? AND "interval" = ? AND "bucketStart" >= ? AND "bucketStart" < ?`;

const TOUCH_KEYS = `UPDATE "ApiKey" SET "lastUsedAt" = used.value ->> 1
  FROM json_each(?) AS used
  WHERE "ApiKey"."id" = used.value ->> 0
    AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < used.value ->> 1)`;

const MAX_EVENTS_PER_COMMIT = 50_000;

/** One event as a JSON array; ids and dates need no escaping, its properties are JSON already. */
function eventRow(id: string, prefix: string, at: string, event: StoredEvent): string {
  return `["${id}",${prefix},${JSON.stringify(event.name)},"${at}",${event.properties}]`;
}

/**
 * The SQLite ingest path. Writes go through Prisma's own connection, one transaction per group
 * of concurrent batches (group commit), each table written by one statement over a JSON
 * parameter. A second connection would be faster to call, but its commits would break Prisma's
 * interactive transactions (BEGIN DEFERRED: a read snapshot that another connection moved on
 * cannot be upgraded to a write, SQLITE_BUSY_SNAPSHOT). Metric reads, which never conflict, use
 * a read-only better-sqlite3 connection on the same file.
 */
export class SqliteIngestStore implements IngestStore {
  private readonly writer: GroupCommit<IngestBatch>;
  private reader: Promise<Database.Statement<[string, string, string, string, string]>> | undefined;
  private readerDb: Database.Database | undefined;

  constructor(private readonly prisma: Db) {
    this.writer = new GroupCommit(
      (batches) => this.write(batches),
      (batch) => batch.events.length,
      MAX_EVENTS_PER_COMMIT,
    );
  }

  append(batch: IngestBatch): Promise<void> {
    return this.writer.submit(batch);
  }

  async metricPointsJson(range: MetricsRange): Promise<string> {
    const select = await this.openReader();
    return select
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
    await this.writer.idle();
    this.readerDb?.close();
  }

  private async write(batches: IngestBatch[]): Promise<void> {
    const events: string[] = [];
    for (const batch of batches) {
      const receivedAt = sqliteDateTime(batch.receivedAt);
      // Column order: id, orgId, keyId, eventName, eventAt, receivedAt, properties.
      const prefix = JSON.stringify([batch.orgId, batch.keyId]).slice(1, -1);
      for (const event of batch.events) {
        const eventAt = event.at === batch.receivedAt ? receivedAt : sqliteDateTime(event.at);
        events.push(
          eventRow(nextEventId(batch.receivedAt), prefix, `${eventAt}","${receivedAt}`, event),
        );
      }
    }
    const rollups = rollupIncrements(batches).map((row) => [
      row.orgId,
      row.eventName,
      row.interval,
      sqliteDateTime(row.bucketStart),
      row.count,
    ]);
    await this.prisma.$transaction([
      this.prisma.$executeRawUnsafe(INSERT_EVENTS, `[${events.join(",")}]`),
      this.prisma.$executeRawUnsafe(UPSERT_ROLLUPS, JSON.stringify(rollups)),
    ]);
  }

  /** Opened on first use, on the file Prisma's connection has open. */
  private openReader() {
    this.reader ??= this.prisma
      .$queryRawUnsafe<{ name: string; file: string }[]>("PRAGMA database_list")
      .then((rows) => {
        const file = rows.find((row) => row.name === "main")?.file;
        if (!file) throw new Error("the SQLite database has no file to read metrics from");
        this.readerDb = new Database(file, { readonly: true, fileMustExist: true });
        return this.readerDb.prepare<[string, string, string, string, string]>(SELECT_POINTS);
      });
    return this.reader;
  }
}

import type { Db } from "@keyward/db";
import { databaseUnavailableReason } from "../http/database-failures.js";
import { GroupCommit } from "./group-commit.js";
import {
  type IngestBatch,
  type IngestStore,
  type MetricsRange,
  nextEventId,
  rollupIncrements,
  type StoredEventRow,
} from "./ingest-store.js";

// Timestamps go as ISO text cast to timestamp(3): Prisma keeps DateTime as UTC without a zone,
// and PostgreSQL ignores the `Z` when casting to `timestamp`.
const iso = (ms: number) => new Date(ms).toISOString();

const INSERT_EVENTS = `INSERT INTO "Event" ("id", "orgId", "keyId", "eventName", "eventAt", "receivedAt", "properties")
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamp(3)[], $6::timestamp(3)[], $7::text[])`;

const UPSERT_ROLLUPS = `INSERT INTO "MetricRollup" ("orgId", "eventName", "interval", "bucketStart", "count")
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp(3)[], $5::int[])
  ON CONFLICT ("orgId", "eventName", "interval", "bucketStart")
  DO UPDATE SET "count" = "MetricRollup"."count" + EXCLUDED."count"`;

// The answer's points are built as JSON by PostgreSQL: one text value instead of a row per bucket.
const SELECT_POINTS = `SELECT coalesce(json_agg(json_build_object(
    't', to_char("bucketStart", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'count', "count") ORDER BY "bucketStart"
  ), '[]')::text AS points
  FROM "MetricRollup"
  WHERE "orgId" = $1 AND "eventName" = $2 AND "interval" = $3
    AND "bucketStart" >= $4::timestamp(3) AND "bucketStart" < $5::timestamp(3)`;

// Rows are locked in id order first, so two instances touching overlapping keys can't deadlock.
const WRITE_LAST_USED = `WITH locked AS (
    SELECT "id" FROM "ApiKey" WHERE "id" = ANY($1::text[]) ORDER BY "id" FOR UPDATE
  )
  UPDATE "ApiKey" AS k SET "lastUsedAt" = used.at
  FROM unnest($1::text[], $2::timestamp(3)[]) AS used(id, at), locked
  WHERE k."id" = used.id AND locked."id" = k."id"
    AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < used.at)`;

const MAX_EVENTS_PER_COMMIT = 20_000;

/**
 * The PostgreSQL ingest path: one transaction per group of batches, each table written by one
 * multi-row statement (unnest of arrays), roll-ups by INSERT … ON CONFLICT DO UPDATE in key order.
 * One group commits at a time, so concurrent batches never contend for the same roll-up rows.
 */
export class PostgresIngestStore implements IngestStore {
  private readonly writer: GroupCommit<IngestBatch>;

  constructor(private readonly prisma: Db) {
    this.writer = new GroupCommit(
      (batches) => this.write(batches),
      (batch) => batch.events.length,
      MAX_EVENTS_PER_COMMIT,
      (error) => databaseUnavailableReason(error) !== undefined,
    );
  }

  append(batch: IngestBatch): Promise<void> {
    return this.writer.submit(batch);
  }

  async metricPointsJson(range: MetricsRange): Promise<string[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ points: string }[]>(
      SELECT_POINTS,
      range.orgId,
      range.eventName,
      range.interval,
      iso(range.from),
      iso(range.to),
    );
    return [rows[0]?.points ?? "[]"];
  }

  async writeLastUsed(lastUsed: ReadonlyMap<string, number>): Promise<void> {
    if (lastUsed.size === 0) return;
    const ids = [...lastUsed.keys()];
    const ats = [...lastUsed.values()].map(iso);
    await this.prisma.$executeRawUnsafe(WRITE_LAST_USED, ids, ats);
  }

  storedEvents(orgId: string, eventName?: string): Promise<StoredEventRow[]> {
    return this.prisma.event.findMany({
      where: { orgId, ...(eventName === undefined ? {} : { eventName }) },
      orderBy: [{ eventAt: "asc" }, { id: "asc" }],
      select: { eventName: true, eventAt: true, keyId: true, properties: true },
    });
  }

  async close(): Promise<void> {
    await this.writer.idle();
  }

  private async write(batches: IngestBatch[]): Promise<void> {
    const ids: string[] = [];
    const orgIds: string[] = [];
    const keyIds: string[] = [];
    const names: string[] = [];
    const ats: string[] = [];
    const receivedAts: string[] = [];
    const properties: string[] = [];
    for (const batch of batches) {
      const receivedAt = iso(batch.receivedAt);
      for (const event of batch.events) {
        ids.push(nextEventId(batch.receivedAt));
        orgIds.push(batch.orgId);
        keyIds.push(batch.keyId);
        names.push(event.name);
        ats.push(event.at === batch.receivedAt ? receivedAt : iso(event.at));
        receivedAts.push(receivedAt);
        properties.push(event.properties);
      }
    }
    const rollups = rollupIncrements(batches);
    await this.prisma.$transaction([
      this.prisma.$executeRawUnsafe(
        INSERT_EVENTS,
        ids,
        orgIds,
        keyIds,
        names,
        ats,
        receivedAts,
        properties,
      ),
      this.prisma.$executeRawUnsafe(
        UPSERT_ROLLUPS,
        rollups.map((row) => row.orgId),
        rollups.map((row) => row.eventName),
        rollups.map((row) => row.interval),
        rollups.map((row) => iso(row.bucketStart)),
        rollups.map((row) => row.count),
      ),
    ]);
  }
}

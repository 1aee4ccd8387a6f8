import type { Db } from "@keyward/db";
import type { Deps } from "../deps.js";
import type { IngestStore } from "../ingest/ingest-store.js";
import { sqliteDateTime } from "../ingest/sqlite-ingest-store.js";
import type { UsageIncrement, UsageWriter } from "./usage-counter.js";

const COLUMNS = `"keyId", "orgId", "interval", "bucketStart", "valid", "rateLimited", "disabled", "expired", "insufficientPermission"`;
const ADD = (table: string) => `ON CONFLICT ("keyId", "interval", "bucketStart") DO UPDATE SET
    "valid" = ${table}."valid" + excluded."valid",
    "rateLimited" = ${table}."rateLimited" + excluded."rateLimited",
    "disabled" = ${table}."disabled" + excluded."disabled",
    "expired" = ${table}."expired" + excluded."expired",
    "insufficientPermission" = ${table}."insufficientPermission" + excluded."insufficientPermission"`;

const POSTGRES_ADD_USAGE = `INSERT INTO "KeyUsage" (${COLUMNS})
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamp(3)[], $5::int[], $6::int[], $7::int[], $8::int[], $9::int[])
  ${ADD(`"KeyUsage"`)}`;

// `WHERE true`: SQLite's parser otherwise reads ON CONFLICT as part of the SELECT's join.
const SQLITE_ADD_USAGE = `INSERT INTO "KeyUsage" (${COLUMNS})
  SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6, value ->> 7, value ->> 8
  FROM json_each(?) WHERE true
  ${ADD(`"KeyUsage"`)}`;

/**
 * Writes key usage to the main database (KeyUsage, one row per key, interval and bucket, a column
 * per outcome), one statement per batch; `lastUsedAt` through the ingest store's `writeLastUsed`.
 */
export function keyUsageWriter(
  db: Db,
  provider: Deps["provider"],
  ingest: Pick<IngestStore, "writeLastUsed">,
): UsageWriter {
  return {
    async addUsage(rows: readonly UsageIncrement[]) {
      if (rows.length === 0) return;
      if (provider === "postgresql") {
        const column = (i: number) => rows.map((row) => row.counts[i] ?? 0);
        await db.$executeRawUnsafe(
          POSTGRES_ADD_USAGE,
          rows.map((row) => row.keyId),
          rows.map((row) => row.orgId),
          rows.map((row) => row.interval),
          rows.map((row) => new Date(row.bucketStart).toISOString()),
          column(0),
          column(1),
          column(2),
          column(3),
          column(4),
        );
        return;
      }
      const json = rows.map((row) => [
        row.keyId,
        row.orgId,
        row.interval,
        sqliteDateTime(row.bucketStart),
        ...row.counts,
      ]);
      await db.$executeRawUnsafe(SQLITE_ADD_USAGE, JSON.stringify(json));
    },
    touchKeys: (lastUsed) => ingest.writeLastUsed(lastUsed),
    async prune(minutesBefore, hoursBefore) {
      await db.keyUsage.deleteMany({
        where: {
          OR: [
            { interval: "minute", bucketStart: { lt: new Date(minutesBefore) } },
            { interval: "hour", bucketStart: { lt: new Date(hoursBefore) } },
          ],
        },
      });
    },
  };
}

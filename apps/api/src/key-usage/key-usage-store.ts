import type { Db, Dialect } from "@keyward/db";
import type { IngestStore } from "../ingest/ingest-store.js";
import type { UsageIncrement, UsageWriter } from "./usage-counter.js";

/**
 * Writes key usage to the main database (KeyUsage, one row per key, interval and bucket, a column
 * per outcome), one additive statement per batch in the database's dialect; `lastUsedAt` through
 * the ingest store's `writeLastUsed`.
 */
export function keyUsageWriter(
  db: Db,
  dialect: Pick<Dialect, "addKeyUsage">,
  ingest: Pick<IngestStore, "writeLastUsed">,
): UsageWriter {
  return {
    addUsage: (rows: readonly UsageIncrement[]) => dialect.addKeyUsage(db, rows),
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

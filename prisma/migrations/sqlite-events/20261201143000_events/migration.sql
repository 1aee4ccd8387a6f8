-- The events database of SQLite deployments (`keyward.db` → `keyward.events.db`): Event and
-- MetricRollup as in schema.sqlite.prisma, in their own file so that the events writer's commits
-- never contend with the main database. Laid out for ingest speed: clustered by their keys
-- (WITHOUT ROWID: one B-tree, not two), and no (orgId, eventName, eventAt) index on Event, which
-- nothing reads (metrics come from the roll-ups). IF NOT EXISTS: files made before this migration
-- (by the writer itself) are adopted as they are.
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
) WITHOUT ROWID;

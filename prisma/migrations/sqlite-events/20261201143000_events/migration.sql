-- The events database of SQLite deployments (`keyward.db` → `keyward.events.db`), in its own file
-- so that the events writer's commits never contend with the main database.
--
-- Laid out for ingest speed: one row per accepted batch (EventBatch), its events a JSON array of
-- [id, eventName, eventAt or null for receivedAt, properties]; the view "Event" shows one row per
-- event with the columns of schema.sqlite.prisma's Event. A row per event cost about 4 µs of
-- SQLite work each (a B-tree insert of ~250 bytes); a row per batch costs that per 100 events.
-- Event ids are unique by construction (time, a per-thread random tag, a counter: nextEventId).
-- MetricRollup is as in schema.sqlite.prisma, clustered by its key (WITHOUT ROWID).

-- Files written before this migration (by the writer itself) had an Event table: adopted below.
CREATE TABLE IF NOT EXISTS "Event" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "orgId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "eventAt" DATETIME NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "properties" TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE "EventBatch" (
    "seq" INTEGER NOT NULL PRIMARY KEY,
    "orgId" TEXT NOT NULL,
    "keyId" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,
    "events" TEXT NOT NULL
);

INSERT INTO "EventBatch" ("orgId", "keyId", "receivedAt", "events")
    SELECT "orgId", "keyId", "receivedAt",
        json_array(json_array("id", "eventName", "eventAt", json("properties")))
    FROM "Event" ORDER BY "receivedAt", "id";

DROP TABLE "Event";

CREATE VIEW "Event" ("id", "orgId", "keyId", "eventName", "eventAt", "receivedAt", "properties") AS
    SELECT e.value ->> 0, b."orgId", b."keyId", e.value ->> 1, coalesce(e.value ->> 2, b."receivedAt"),
        b."receivedAt", e.value -> 3
    FROM "EventBatch" AS b, json_each(b."events") AS e;

CREATE TABLE IF NOT EXISTS "MetricRollup" (
    "orgId" TEXT NOT NULL,
    "eventName" TEXT NOT NULL,
    "interval" TEXT NOT NULL,
    "bucketStart" DATETIME NOT NULL,
    "count" INTEGER NOT NULL,
    PRIMARY KEY ("orgId", "eventName", "interval", "bucketStart")
) WITHOUT ROWID;

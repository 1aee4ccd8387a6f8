-- Event ids are no longer stored: each event of a batch row is [eventName, eventAt or null for
-- receivedAt, properties], and the view "Event" names it by its batch and its place in it
-- (`evt_<seq>_<index>`: unique, as nothing deletes batch rows). The stored ids were a quarter of
-- each event's bytes, and building them a tenth of the writer's time (bench/RESULTS.md, session 7).

UPDATE "EventBatch" SET "events" = (
    SELECT json_group_array(json_array(e.value ->> 1, e.value -> 2, e.value -> 3) ORDER BY e.key)
    FROM json_each("EventBatch"."events") AS e
);

DROP VIEW "Event";

CREATE VIEW "Event" ("id", "orgId", "keyId", "eventName", "eventAt", "receivedAt", "properties") AS
    SELECT 'evt_' || b."seq" || '_' || e.key, b."orgId", b."keyId", e.value ->> 0,
        coalesce(e.value ->> 1, b."receivedAt"), b."receivedAt", e.value -> 2
    FROM "EventBatch" AS b, json_each(b."events") AS e;

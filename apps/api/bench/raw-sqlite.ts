// The physical reference, run as its own process by bench/run.ts: the benchmark's rows written
// straight through better-sqlite3 (prepared statements, one transaction per 100-event batch,
// the same roll-up upserts), with no HTTP, parsing or validation.
import Database from "better-sqlite3";
import { nextEventId, rollupIncrements, type StoredEvent } from "../src/public/ingest-store.js";
import { sqliteDateTime } from "../src/public/sqlite-ingest-store.js";

const {
  file,
  seconds,
  events: sample,
} = JSON.parse(process.argv[2] ?? "{}") as {
  file: string;
  seconds: number;
  events: Record<string, unknown>[];
};

const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
const insertEvent = db.prepare(
  `INSERT INTO "Event" ("id", "orgId", "keyId", "eventName", "eventAt", "receivedAt", "properties")
   VALUES (?, ?, ?, ?, ?, ?, ?)`,
);
const upsertRollup = db.prepare(
  `INSERT INTO "MetricRollup" ("orgId", "eventName", "interval", "bucketStart", "count") VALUES (?, ?, ?, ?, ?)
   ON CONFLICT ("orgId", "eventName", "interval", "bucketStart") DO UPDATE SET "count" = "count" + excluded."count"`,
);
const writeBatch = db.transaction((receivedAt: number, events: StoredEvent[]) => {
  const at = sqliteDateTime(receivedAt);
  for (const event of events) {
    insertEvent.run(
      nextEventId(receivedAt),
      "org_bench",
      "key_bench",
      event.name,
      at,
      at,
      event.properties,
    );
  }
  for (const row of rollupIncrements([
    { orgId: "org_bench", keyId: "key_bench", receivedAt, events },
  ])) {
    upsertRollup.run(
      row.orgId,
      row.eventName,
      row.interval,
      sqliteDateTime(row.bucketStart),
      row.count,
    );
  }
});

let written = 0;
const started = performance.now();
const deadline = started + seconds * 1000;
while (performance.now() < deadline) {
  const receivedAt = Date.now();
  const events = sample.map(({ eventName, ...properties }) => ({
    name: String(eventName),
    at: receivedAt,
    properties: JSON.stringify(properties),
  }));
  writeBatch(receivedAt, events);
  written += events.length;
}
const elapsed = (performance.now() - started) / 1000;
db.close();
process.stdout.write(
  `${JSON.stringify({ events: written, seconds: elapsed, eventsPerSecond: written / elapsed })}\n`,
);

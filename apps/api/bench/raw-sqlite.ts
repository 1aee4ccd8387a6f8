// The physical reference, run as its own process by bench/run.ts: the benchmark's rows written
// straight through better-sqlite3 into the server's events tables (prepared statements, the same
// roll-up upserts), with no HTTP, parsing, validation or thread hop.
import { migrateEventsDatabase } from "@keyward/db";
import Database from "better-sqlite3";
import { type IngestBatch, nextEventId, rollupIncrements } from "../src/ingest/ingest-store.js";
import {
  eventsJson,
  INSERT_BATCH,
  sqliteDateTime,
  UPSERT_ROLLUP,
} from "../src/ingest/sqlite-events.js";

const {
  file,
  seconds,
  events: sample,
  batchesPerTransaction,
} = JSON.parse(process.argv[2] ?? "{}") as {
  file: string;
  seconds: number;
  events: Record<string, unknown>[];
  batchesPerTransaction: number;
};

migrateEventsDatabase(file);
const db = new Database(file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
const insertBatch = db.prepare(INSERT_BATCH);
const upsertRollup = db.prepare(UPSERT_ROLLUP);
const write = db.transaction((batches: IngestBatch[]) => {
  for (const batch of batches) {
    const ids = batch.events.map(() => nextEventId(batch.receivedAt));
    const names = batch.events.map((event) => event.name);
    const ats = batch.events.map(() => null);
    const properties = batch.events.map((event) => event.properties);
    insertBatch.run(
      batch.orgId,
      batch.keyId,
      sqliteDateTime(batch.receivedAt),
      eventsJson(ids, names, ats, properties),
    );
  }
  for (const row of rollupIncrements(batches)) {
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
  const batches: IngestBatch[] = [];
  for (let b = 0; b < batchesPerTransaction; b++) {
    const receivedAt = Date.now();
    const events = sample.map(({ eventName, ...properties }) => ({
      name: String(eventName),
      at: receivedAt,
      properties: JSON.stringify(properties),
    }));
    batches.push({ orgId: "org_bench", keyId: "key_bench", receivedAt, events });
    written += events.length;
  }
  write(batches);
}
const elapsed = (performance.now() - started) / 1000;
db.close();
process.stdout.write(
  `${JSON.stringify({ events: written, seconds: elapsed, eventsPerSecond: written / elapsed })}\n`,
);

// The physical reference, run as its own process by bench/run.ts: the benchmark's rows written
// straight through better-sqlite3 into the server's events tables by the events writer's own
// transaction (`prepareWrite`), with no HTTP, parsing, validation or thread hop.
import { migrateEventsDatabase } from "@keyward/db";
import Database from "better-sqlite3";
import { prepareWrite, type WriteJob, writeJob } from "../src/ingest/sqlite-events.js";

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
const write = prepareWrite(db);

let written = 0;
const started = performance.now();
const deadline = started + seconds * 1000;
while (performance.now() < deadline) {
  const jobs: WriteJob[] = [];
  for (let b = 0; b < batchesPerTransaction; b++) {
    const receivedAt = Date.now();
    const events = sample.map(({ eventName, ...properties }) => ({
      name: String(eventName),
      at: receivedAt,
      properties: JSON.stringify(properties),
    }));
    jobs.push(writeJob(b, { orgId: "org_bench", keyId: "key_bench", receivedAt, events }));
    written += events.length;
  }
  write(jobs);
}
const elapsed = (performance.now() - started) / 1000;
db.close();
process.stdout.write(
  `${JSON.stringify({ events: written, seconds: elapsed, eventsPerSecond: written / elapsed })}\n`,
);

// The events database's checkpointer, a worker thread started by the events writer: it copies
// committed WAL frames into the database file (and waits out their fsyncs) beside the writer,
// which goes on committing meanwhile. Run by the writer itself, every checkpoint held every
// pending write for 110–210 ms once a second under ingest load (bench/RESULTS.md, session 7).
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import type { CheckpointerData } from "./sqlite-events.js";

if (!parentPort) throw new Error("the events checkpointer runs in a worker thread");
const port = parentPort;
const { file, everyMs } = workerData as CheckpointerData;
const db = new Database(file, { fileMustExist: true });
// As the writer: a checkpoint syncs the WAL before copying it and the database after.
db.pragma("synchronous = NORMAL");

const timer = setInterval(() => {
  try {
    // PASSIVE: copies what no reader still needs, never waits on the writer or blocks it.
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy (another checkpoint runs) or failing: the next tick tries again, and the writer's own
    // checkpoint at its WAL limit bounds the WAL whatever happens here.
  }
}, everyMs);

port.on("message", (message: "close") => {
  if (message !== "close") return;
  clearInterval(timer);
  db.close();
  port.close();
});

// The SQLite events writer, run in a worker thread by SqliteIngestStore: it owns the events
// database's only connection that writes, and commits the jobs that arrived meanwhile in one
// transaction (group commit), answering each only after the commit that holds it.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { databaseUnavailableReason } from "../http/database-failures.js";
import { GroupCommit } from "./group-commit.js";
import {
  type CheckpointerData,
  prepareWrite,
  type WriteJob,
  type WriterData,
  type WriterMessage,
  type WriterReply,
} from "./sqlite-events.js";
import { startWorker } from "./worker-module.js";

const MAX_EVENTS_PER_COMMIT = 20_000;
/** How often the checkpointer copies the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 100;
/**
 * The WAL's limit (pages, 80 MB): beyond it the writer checkpoints itself, as SQLite does by
 * default, should the checkpointer fall behind or stop; it only has the rest to copy.
 */
const WAL_LIMIT_PAGES = 20_000;

if (!parentPort) throw new Error("the events writer runs in a worker thread");
const port = parentPort;
const post = (reply: WriterReply) => port.postMessage(reply);

const { file, busyTimeoutMs } = workerData as WriterData;
const db = new Database(file, { timeout: busyTimeoutMs, fileMustExist: true });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma(`wal_autocheckpoint = ${WAL_LIMIT_PAGES}`);
const write = prepareWrite(db);

const checkpointer = startWorker("sqlite-events-checkpointer", {
  resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
  workerData: { file, everyMs: CHECKPOINT_EVERY_MS } satisfies CheckpointerData,
});
// Without it the writer checkpoints at WAL_LIMIT_PAGES itself: slower, never wrong.
checkpointer.on("error", () => {});
const checkpointerExited = new Promise((resolve) => checkpointer.once("exit", resolve));

// The database itself cannot take writes (locked, read-only, full, I/O): every job would fail the
// same way, so the group fails at once instead of each job waiting out the busy timeout again.
const writer = new GroupCommit<WriteJob>(
  async (jobs) => write(jobs),
  (job) => job.count,
  MAX_EVENTS_PER_COMMIT,
  (error) => databaseUnavailableReason(error) !== undefined,
);

// Answers go out together: one message for all the jobs a commit settled.
let committed: number[] = [];
function answerCommitted(id: number): void {
  committed.push(id);
  if (committed.length === 1) {
    queueMicrotask(() => {
      post({ committed });
      committed = [];
    });
  }
}

function answerFailed(id: number, error: unknown): void {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
  post({
    failed: [id],
    message: String(message),
    ...(typeof code === "string" ? { code } : {}),
  });
}

port.on("message", (message: WriterMessage) => {
  if (message === "close") {
    void writer.idle().then(async () => {
      checkpointer.postMessage("close");
      await checkpointerExited;
      db.close();
      port.close();
    });
    return;
  }
  for (const job of message) {
    writer.submit(job).then(
      () => answerCommitted(job.id),
      (error: unknown) => answerFailed(job.id, error),
    );
  }
});
post({ ready: true });

// The SQLite ingest store on a real, migrated SQLite file with its real writer thread: appends
// after the writer is open take the writer directly, and a writer that stops is replaced by the
// next append (the batch in flight is refused, the next one stored); the checkpointer beside the
// writer copies what it commits into the database file.

import { statSync } from "node:fs";
import type { Worker } from "node:worker_threads";
import { createDb, type Database, eventsDatabaseFile } from "@keyward/db";
import { createSqliteTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { SqliteIngestStore } from "../src/ingest/sqlite-ingest-store.js";

let database: TestDatabase;
let db: Database;
let store: SqliteIngestStore;

beforeAll(async () => {
  database = await createSqliteTestDatabase();
  db = createDb(database.url);
  store = new SqliteIngestStore(db.prisma);
});
afterAll(async () => {
  await store?.close();
  await db?.close();
  await database?.drop();
});

/** The writer the store holds once it is open (a private field, read here only). */
const openWriter = () => (store as unknown as { open?: { worker: Worker } }).open?.worker;

const batch = (name: string) => ({
  orgId: "org_store_test",
  keyId: "key_store_test",
  receivedAt: Date.parse("2026-03-01T10:00:00Z"),
  events: [{ name, at: Date.parse("2026-03-01T10:00:00Z"), properties: "{}" }],
});

describe("SqliteIngestStore", () => {
  it("stores appends made before and after the writer is open", async () => {
    await Promise.all([store.append(batch("first")), store.append(batch("first"))]);
    await store.append(batch("second"));
    expect((await store.storedEvents("org_store_test", "first")).length).toBe(2);
    expect((await store.storedEvents("org_store_test", "second")).length).toBe(1);
  });

  it("replaces a writer that stopped: the next append opens a new one and is stored", async () => {
    await store.append(batch("before"));
    const first = openWriter();
    expect(first).toBeDefined();
    const exited = new Promise((resolve) => first?.once("exit", resolve));
    await first?.terminate();
    await exited;

    expect(openWriter()).toBeUndefined();
    await store.append(batch("after"));
    expect(openWriter()).toBeDefined();
    expect(openWriter()).not.toBe(first);
    expect((await store.storedEvents("org_store_test", "after")).length).toBe(1);
  });

  it("has the committed events copied into the database file without the writer checkpointing", async () => {
    const file = eventsDatabaseFile(database.url.slice("file:".length));
    const sizeBefore = statSync(file).size;
    const big = { ...batch("bulk"), events: [] as ReturnType<typeof batch>["events"] };
    for (let i = 0; i < 2_000; i++) {
      big.events.push({
        name: "bulk",
        at: big.receivedAt,
        properties: `{"n":${i},"pad":"${"x".repeat(200)}"}`,
      });
    }
    await store.append(big);
    // ~0.5 MB: far below the writer's own WAL limit, so only the checkpointer grows the file.
    await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(sizeBefore + 400_000), {
      timeout: 5_000,
      interval: 50,
    });
  });
});

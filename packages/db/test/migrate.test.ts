import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, migrateDatabase } from "../src/index.js";
import { eventsMigrationsDir, migrationsDir } from "../src/paths.js";
import type { TestDatabase } from "../src/testing.js";
import { createEmptyDatabase, prismaMigrate, providers } from "./helpers.js";

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
  logs: string | null;
  applied_steps_count: number | bigint;
};

describe.each(providers)("migrateDatabase on %s", (provider) => {
  const databases: TestDatabase[] = [];
  afterAll(() => Promise.all(databases.map((db) => db.drop())));
  const emptyDatabase = async () => {
    const db = await createEmptyDatabase(provider);
    databases.push(db);
    return db;
  };
  const dir = migrationsDir(provider);
  const namesIn = (folder: string) =>
    readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  const migrationNames = namesIn(dir);
  // On SQLite the events file is migrated too, from its own folder.
  const eventsNames =
    provider === "sqlite" ? namesIn(eventsMigrationsDir()).map((name) => `events/${name}`) : [];

  it("applies every migration once, recorded as prisma migrate deploy does", async () => {
    const { url } = await emptyDatabase();
    expect(await migrateDatabase(url)).toEqual({ applied: [...migrationNames, ...eventsNames] });
    expect(await migrateDatabase(url)).toEqual({ applied: [] });

    const db = createDb(url);
    try {
      const rows = await db.prisma.$queryRawUnsafe<MigrationRow[]>(
        `SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"`,
      );
      expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
      for (const row of rows) {
        const script = readFileSync(join(dir, row.migration_name, "migration.sql"));
        expect(row.checksum).toBe(createHash("sha256").update(script).digest("hex"));
        expect(row.finished_at).not.toBeNull();
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
        expect(Number(row.applied_steps_count)).toBe(1);
      }
    } finally {
      await db.close();
    }
  });

  it("leaves nothing for the Prisma CLI to do", async () => {
    const { url } = await emptyDatabase();
    await migrateDatabase(url);
    const status = prismaMigrate(url, "status");
    expect(status.output).toContain("Database schema is up to date!");
    expect(status.status).toBe(0);
    const deploy = prismaMigrate(url, "deploy");
    expect(deploy.output).toContain("No pending migrations to apply.");
    expect(deploy.status).toBe(0);
  });

  // On SQLite the calls run one after the other (better-sqlite3 is synchronous); across
  // processes, BEGIN IMMEDIATE and a re-check serialise them.
  it("lets instances starting together apply each migration once", async () => {
    const { url } = await emptyDatabase();
    const results = await Promise.all([1, 2, 3, 4].map(() => migrateDatabase(url)));
    expect(results.flatMap((result) => result.applied).sort()).toEqual(
      [...migrationNames, ...eventsNames].sort(),
    );
  });
});

describe("the events migrations", () => {
  it("keep every stored event when its id stops being stored", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyward-events-"));
    const db = new Database(join(dir, "events.db"));
    try {
      const script = (name: string) =>
        readFileSync(join(eventsMigrationsDir(), name, "migration.sql"), "utf8");
      db.exec(script("20261201143000_events"));
      db.prepare(
        `INSERT INTO "EventBatch" ("orgId", "keyId", "receivedAt", "events") VALUES (?, ?, ?, ?)`,
      ).run(
        "org_a",
        "key_a",
        "2026-12-01T10:00:00.000+00:00",
        JSON.stringify([
          ["evt_old1", "signup", null, { plan: "pro" }],
          ["evt_old2", "page_view", "2026-12-01T09:59:00.000+00:00", { path: "/a", n: [1, 2] }],
        ]),
      );
      db.exec(script("20261202010000_event_ids_from_batch"));
      const rows = db
        .prepare(`SELECT "id", "eventName", "eventAt", "properties" FROM "Event" ORDER BY "id"`)
        .all();
      expect(rows).toEqual([
        {
          id: "evt_1_0",
          eventName: "signup",
          eventAt: "2026-12-01T10:00:00.000+00:00",
          properties: '{"plan":"pro"}',
        },
        {
          id: "evt_1_1",
          eventName: "page_view",
          eventAt: "2026-12-01T09:59:00.000+00:00",
          properties: '{"path":"/a","n":[1,2]}',
        },
      ]);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

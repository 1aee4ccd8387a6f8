import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Database, SQLITE_BUSY_TIMEOUT_MS } from "../src/index.js";
import { repoRoot } from "../src/paths.js";
import type { TestDatabase } from "../src/testing.js";
import { createMigratedDatabase, providers } from "./helpers.js";

it("defaults to the SQLite file data/keyward.db", async () => {
  const db = createDb();
  expect(db.provider).toBe("sqlite");
  expect(db.url).toBe(`file:${join(repoRoot(), "data", "keyward.db")}`);
  await db.close();
});

it("opens SQLite in WAL mode with a busy timeout and foreign keys", async () => {
  const testDb = await createMigratedDatabase("sqlite");
  const db = createDb(testDb.url);
  try {
    const pragma = async (name: string) =>
      Object.values(
        (await db.prisma.$queryRawUnsafe<Record<string, unknown>[]>(`PRAGMA ${name}`))[0] ?? {},
      )[0];
    expect(await pragma("journal_mode")).toBe("wal");
    expect(Number(await pragma("busy_timeout"))).toBe(SQLITE_BUSY_TIMEOUT_MS);
    expect(Number(await pragma("foreign_keys"))).toBe(1);
  } finally {
    await db.close();
    await testDb.drop();
  }
});

describe.each(providers.filter((p) => p === "postgresql"))("createDb on %s", () => {
  it("opens PostgreSQL with statement and lock timeouts, so a request cannot hang on the database", async () => {
    const testDb = await createMigratedDatabase("postgresql");
    const db = createDb(testDb.url);
    try {
      const show = async (name: string) =>
        (await db.prisma.$queryRawUnsafe<Record<string, string>[]>(`SHOW ${name}`))[0]?.[name];
      expect(await show("statement_timeout")).toBe("15s");
      expect(await show("lock_timeout")).toBe("10s");
    } finally {
      await db.close();
      await testDb.drop();
    }
  });
});

describe.each(providers)("createDb on %s", (provider) => {
  let testDb: TestDatabase;
  let db: Database;
  const orgId = "org_1";

  beforeAll(async () => {
    testDb = await createMigratedDatabase(provider);
    db = createDb(testDb.url);
    const user = { id: "usr_1", email: "ada@example.com", name: "Ada", passwordHash: "x" };
    await db.prisma.user.create({ data: user });
    // Enough keys, spread over orgs, for the planners to prefer the right index.
    const orgIds = Array.from({ length: 10 }, (_, i) => `org_${i}`);
    await db.prisma.org.createMany({ data: orgIds.map((id) => ({ id, name: id })) });
    await db.prisma.apiKey.createMany({
      data: Array.from({ length: 2000 }, (_, i) => ({
        id: `key_${i}`,
        orgId: orgIds[i % orgIds.length] as string,
        name: `Key ${i}`,
        orgWide: true,
        createdById: user.id,
        canRead: true,
        canWrite: i % 2 === 0,
        enabled: i % 3 !== 0,
        hash: `hash_${i}`,
        start: "kw_abcde",
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000),
      })),
    });
    await db.prisma.$executeRawUnsafe(provider === "sqlite" ? "ANALYZE" : 'ANALYZE "ApiKey"');
  });
  afterAll(async () => {
    await db?.close();
    await testDb?.drop();
  });

  it("reads and writes through the model API", async () => {
    expect(db.provider).toBe(provider);
    const key = await db.prisma.apiKey.findUnique({
      where: { hash: "hash_4" },
      include: { createdBy: true },
    });
    expect(key).toMatchObject({ id: "key_4", enabled: true, createdBy: { name: "Ada" } });
    expect(key?.createdAt).toBeInstanceOf(Date);
  });

  it("enforces foreign keys", async () => {
    const orphan = db.prisma.membership.create({
      data: { orgId: "org_missing", userId: "usr_1", role: "member" },
    });
    await expect(orphan).rejects.toThrow();
  });

  /**
   * The query plan of `sql`, as text. On these small tables PostgreSQL may rightly prefer a scan
   * and a sort; it is told not to, so the plan shows what the indexes can serve.
   */
  async function plan(sql: string, ...params: unknown[]): Promise<string> {
    if (provider === "sqlite") {
      const rows = await db.prisma.$queryRawUnsafe<{ detail: string }[]>(
        `EXPLAIN QUERY PLAN ${sql.replace(/\$\d/g, "?")}`,
        ...params,
      );
      return rows.map((row) => row.detail).join("\n");
    }
    return db.prisma.$transaction(async (tx) => {
      for (const setting of ["enable_seqscan", "enable_bitmapscan", "enable_sort"]) {
        await tx.$executeRawUnsafe(`SET LOCAL ${setting} = off`);
      }
      const rows = await tx.$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
        `EXPLAIN ${sql}`,
        ...params,
      );
      return rows.map((row) => row["QUERY PLAN"]).join("\n");
    });
  }

  it("finds a key by hash through its unique index", async () => {
    const text = await plan(`SELECT * FROM "ApiKey" WHERE "hash" = $1`, "hash_4");
    expect(text).toContain("ApiKey_hash_key");
  });

  it("lists an org's enabled keys, newest first, from the (orgId, enabled, createdAt, id) index", async () => {
    const text = await plan(
      `SELECT * FROM "ApiKey" WHERE "orgId" = $1 AND "enabled" = $2
       ORDER BY "createdAt" DESC, "id" DESC LIMIT 50`,
      orgId,
      true,
    );
    expect(text).toContain("ApiKey_orgId_enabled_createdAt_id_idx");
    expect(text).not.toMatch(/TEMP B-TREE|Sort/);
  });
});

// Faults that a test cannot cause in another process: a full SQLite database (max_page_count is
// per connection) and a PostgreSQL statement that outlives statement_timeout. Real errors from a
// real database, through the real error handler: 503 `unavailable` naming the reason.
import { createDb, type Database } from "@keyward/db";
import express from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUnavailableReason } from "../../src/http/database-failures.js";
import { errorHandler } from "../../src/http/error-handler.js";
import { createLogger } from "../../src/logger.js";
import { type FaultDatabase, faultDatabase } from "./support.js";

let database: FaultDatabase;
let db: Database;

beforeAll(async () => {
  database = await faultDatabase();
  db = createDb(database.url);
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

/** What the API answers for this error. */
async function answerFor(error: unknown) {
  const app = express();
  app.get("/", () => {
    throw error;
  });
  app.use(errorHandler(createLogger("silent")));
  const res = await request(app).get("/");
  return { status: res.status, retryAfter: res.headers["retry-after"], body: res.body };
}

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error("expected the database to refuse");
}

describe("database errors answered 503", () => {
  it("a full database on SQLite (max_page_count reached), a statement past statement_timeout on PostgreSQL", async () => {
    let error: unknown;
    if (database.provider === "sqlite") {
      const [{ page_count: pages } = { page_count: 0 }] =
        await db.prisma.$queryRawUnsafe<{ page_count: number }[]>("PRAGMA page_count");
      await db.prisma.$executeRawUnsafe(`PRAGMA max_page_count = ${Number(pages)}`);
      error = await failure(() =>
        db.prisma.org.create({ data: { id: "org_full", name: "x".repeat(20_000) } }),
      );
      await db.prisma.$executeRawUnsafe("PRAGMA max_page_count = 1073741823");
    } else {
      error = await failure(() =>
        db.prisma.$transaction([
          db.prisma.$executeRawUnsafe("SET LOCAL statement_timeout = 50"),
          db.prisma.$queryRawUnsafe("SELECT pg_sleep(2)"),
        ]),
      );
    }
    const expected = database.provider === "sqlite" ? "database_full" : "database_busy";
    expect(databaseUnavailableReason(error)).toBe(expected);
    const answer = await answerFor(error);
    console.log(
      `[faults] ${database.provider === "sqlite" ? "full SQLite database" : "PostgreSQL statement timeout"}: ` +
        `${answer.status} ${answer.body.error?.code} ${answer.body.error?.details?.reason}`,
    );
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe("unavailable");
    expect(answer.body.error.details.reason).toBe(expected);
    expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    // No SQL, no driver text in the answer.
    expect(JSON.stringify(answer.body)).not.toMatch(/SQLITE|pg_sleep|INSERT|statement_timeout/i);
    // The same connection works again afterwards.
    expect(await db.prisma.org.count()).toBeGreaterThanOrEqual(0);
  });

  it("leaves other errors alone: a unique violation is not an outage", async () => {
    await db.prisma.org.create({ data: { id: "org_unique", name: "one" } });
    const error = await failure(() =>
      db.prisma.org.create({ data: { id: "org_unique", name: "two" } }),
    );
    expect(databaseUnavailableReason(error)).toBeUndefined();
    expect((await answerFor(error)).status).not.toBe(503);
  });
});

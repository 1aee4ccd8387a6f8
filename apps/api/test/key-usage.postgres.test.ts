// Two API processes on one PostgreSQL count the same key: their additive roll-ups add up exactly.
// TEST_DATABASE_URL=postgresql://127.0.0.1:5432/test npx vitest run test/key-usage.postgres.test.ts
import { createPostgresTestDatabase, type TestDatabase } from "@keyward/db/testing";
import { API_KEY_HEADER, type KeyUsageAnswer } from "@keyward/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, sessionCall, signUp } from "./faults/support.js";
import { type ServerProcess, startServer } from "./support/server-process.js";

const POSTGRES = process.env.TEST_DATABASE_URL ?? "postgresql://127.0.0.1:5432/test";

const ALLOWED_ORIGIN = "https://app.example.com";

let database: TestDatabase;
const started: ServerProcess[] = [];

beforeAll(async () => {
  database = await createPostgresTestDatabase(POSTGRES);
  for (let i = 0; i < 2; i++) started.push(await startServer({ databaseUrl: database.url }));
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map((s) => s.kill()));
  await database?.drop();
});

/**
 * Sends `times` requests, 4 at a time, every fifth from an origin the key does not allow; answers
 * how many were 200, 429 and 403.
 */
async function hammer(server: ServerProcess, secret: string, times: number) {
  let sent = 0;
  const statuses = { ok: 0, limited: 0, origin: 0 };
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (sent < times) {
        sent += 1;
        const origin = sent % 5 === 0 ? "https://elsewhere.example" : ALLOWED_ORIGIN;
        const res = await fetch(`${server.url}/v1/key`, {
          headers: { [API_KEY_HEADER]: secret, origin },
        });
        await res.arrayBuffer();
        if (res.status === 200) statuses.ok += 1;
        else if (res.status === 429) statuses.limited += 1;
        else if (res.status === 403) statuses.origin += 1;
        else throw new Error(`unexpected ${res.status}`);
      }
    }),
  );
  return statuses;
}

describe("key usage across instances", () => {
  it("adds two instances' counts of one key exactly, per outcome", async () => {
    const [a, b] = started as [ServerProcess, ServerProcess];
    const session = await signUp(a.url, "usage-scale");
    const key = await createKey(session);
    const restrict = await sessionCall(session, "PATCH", `/keys/${key.id}`, {
      restrictions: { allowedOrigins: [ALLOWED_ORIGIN] },
    });
    expect(restrict.status).toBe(200);
    const [fromA, fromB] = await Promise.all([
      hammer(a, key.secret, 300),
      hammer(b, key.secret, 250),
    ]);
    // SIGTERM writes what each counted last.
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);
    const c = await startServer({ databaseUrl: database.url });
    started.push(c);
    const answer = (await (
      await sessionCall({ ...session, url: c.url }, "GET", `/keys/${key.id}/usage?interval=minute`)
    ).json()) as KeyUsageAnswer;
    expect(answer.totals).toEqual({
      valid: fromA.ok + fromB.ok,
      rate_limited: fromA.limited + fromB.limited,
      disabled: 0,
      expired: 0,
      insufficient_permission: 0,
      origin_not_allowed: fromA.origin + fromB.origin,
      ip_not_allowed: 0,
      event_not_allowed: 0,
    });
    const hours = (await (
      await sessionCall({ ...session, url: c.url }, "GET", `/keys/${key.id}/usage?interval=hour`)
    ).json()) as KeyUsageAnswer;
    expect(hours.totals).toEqual(answer.totals);
    expect(
      answer.totals.valid + answer.totals.rate_limited + answer.totals.origin_not_allowed,
    ).toBe(550);
    expect(answer.totals.origin_not_allowed).toBe(60 + 50);
  });
});

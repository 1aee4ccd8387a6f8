// Two API instances on one PostgreSQL: a restriction set through one instance is enforced by the
// other within the bound a disable has (scale-out.postgres.test.ts), since restrictions are part
// of the cached key and a change to them is published like any other key change.
// TEST_DATABASE_URL=postgresql://127.0.0.1:5432/test npx vitest run test/restrictions.postgres.test.ts
import { API_KEY_HEADER, type KeyWithSecretAnswer } from "@keyward/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { type Session, sessionJson, signUp } from "./faults/support.js";
import { usePostgresInstances, windowAfter } from "./support/postgres-instances.js";
import type { ServerProcess } from "./support/server-process.js";

/** Without the change being heard, B would answer from its cache this long. */
const CACHE_TTL_MS = 30_000;
const REVOCATION_BOUND_MS = 1_000;

const cluster = usePostgresInstances();
let a: ServerProcess;
let b: ServerProcess;
/** Signed up through A; its calls go to A. */
let session: Session;

async function status(server: ServerProcess, secret: string, origin?: string): Promise<number> {
  const res = await fetch(`${server.url}/v1/key`, {
    headers: { [API_KEY_HEADER]: secret, ...(origin ? { origin } : {}) },
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  const instance = () => cluster.start({ KEY_CACHE_TTL_MS: String(CACHE_TTL_MS) });
  [a, b] = await Promise.all([instance(), instance()]);
  session = await signUp(a.url, "restrict");
}, 120_000);

async function newKey() {
  const created = (await sessionJson(session, "POST", "/keys", {
    name: "client",
    orgWide: true,
    permissions: { read: false, write: true },
  })) as KeyWithSecretAnswer;
  return { secret: created.secret, path: `/keys/${created.key.id}` };
}

describe("a restriction change on another instance", () => {
  it("B refuses the key's address within the disable bound once A restricts it", async () => {
    const key = await newKey();
    const ms = await windowAfter(
      () => status(b, key.secret),
      200,
      403,
      () =>
        sessionJson(session, "PATCH", key.path, { restrictions: { allowedIps: ["192.0.2.0/24"] } }),
      10,
    );
    console.log(`[restrictions] B accepted a newly restricted address for ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  });

  it("B grants an origin within the disable bound once A allows it", async () => {
    const key = await newKey();
    const origin = "https://app.example.com";
    const ms = await windowAfter(
      () => status(b, key.secret, origin),
      403,
      200,
      () => sessionJson(session, "PATCH", key.path, { restrictions: { allowedOrigins: [origin] } }),
      10,
    );
    console.log(`[restrictions] B refused a newly allowed origin for ${ms} ms`);
    expect(ms).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  });
});

// Revocation across instances is acknowledged: a disable through instance A answers only once
// every other live instance has dropped its cached entry (or the acknowledgement bound passed),
// so the very next request on any instance is refused. Real server processes on one
// PostgreSQL; the others' cache lifetime is 30 s, so only the notice can explain a refusal.
// TEST_DATABASE_URL=postgresql://127.0.0.1:5432/test npx vitest run test/revocation-ack.postgres.test.ts

import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { API_KEY_HEADER, type KeyWithSecretAnswer } from "@keyward/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { type Session, sessionJson, signUp } from "./faults/support.js";
import { usePostgresInstances } from "./support/postgres-instances.js";
import type { ServerProcess } from "./support/server-process.js";

const TRIALS = 100;
/** KEY_CHANGE_ACK_TIMEOUT_MS's default, which the instances run with. */
const ACK_TIMEOUT_MS = 1_000;
/** What a loaded 2-core machine may add to the bound (scheduling, the PATCH itself). */
const MARGIN_MS = 1_000;

const cluster = usePostgresInstances();
const { started } = cluster;
let a: ServerProcess;
let b: ServerProcess;

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** An instance, once its key-change listener is connected and its heartbeats have been heard. */
async function instance(logLevel = "warn"): Promise<ServerProcess> {
  const server = await cluster.start({ KEY_CACHE_TTL_MS: "30000", LOG_LEVEL: logLevel });
  await until("the listener", async () => (await cluster.listenerBackend(server)) !== null);
  // A publisher trusts its live set once it has listened for the bound.
  await sleep(ACK_TIMEOUT_MS + 300);
  return server;
}

beforeAll(async () => {
  // A logs how long each change waited for acknowledgements (debug).
  [a, b] = await Promise.all([instance("debug"), instance()]);
}, 120_000);

/** Signed up through A; its calls go to A. */
let session: Session;

async function verify(server: ServerProcess, secret: string): Promise<number> {
  const res = await fetch(`${server.url}/v1/key`, { headers: { [API_KEY_HEADER]: secret } });
  await res.arrayBuffer();
  return res.status;
}

/** A key made through A and cached as enabled on each of `others`. */
async function cachedKey(others: ServerProcess[]) {
  const created = (await sessionJson(session, "POST", "/keys", {
    name: "revocation",
    orgWide: true,
    permissions: { read: true, write: true },
  })) as KeyWithSecretAnswer;
  for (const server of others) {
    for (let warm = 0; warm < 2; warm += 1) expect(await verify(server, created.secret)).toBe(200);
  }
  return { secret: created.secret, path: `/keys/${created.key.id}` };
}

async function timedDisable(path: string): Promise<number> {
  const startedAt = performance.now();
  await sessionJson(session, "PATCH", path, { enabled: false });
  return performance.now() - startedAt;
}

/** How long A's last `count` key changes waited for the other instances, from A's debug log. */
function carriedMs(count: number): number[] {
  return a
    .output()
    .split("\n")
    .filter((line) => line.includes('"key change carried"'))
    .slice(-count)
    .map((line) => (JSON.parse(line) as { waitedMs: number }).waitedMs);
}

const summary = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
};
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** TRIALS disables through A; after each answer, the very next request on every other instance. */
async function disableTrials(others: ServerProcess[]) {
  const durations: number[] = [];
  let accepted = 0;
  let refused = 0;
  for (let trial = 0; trial < TRIALS; trial += 1) {
    const key = await cachedKey(others);
    durations.push(await timedDisable(key.path));
    const statuses = await Promise.all(others.map((server) => verify(server, key.secret)));
    for (const status of statuses) {
      if (status === 401) refused += 1;
      else accepted += 1;
    }
  }
  const call = summary(durations);
  // The creations' changes are carried too: every other line is a disable.
  const carried = summary(carriedMs(2 * TRIALS).filter((_, i) => i % 2 === 1));
  console.log(
    `[revocation] ${others.length + 1} instances, ${TRIALS} disables through A: ` +
      `PATCH p50 ${ms(call.p50)}, p99 ${ms(call.p99)}, max ${ms(call.max)}; of which waiting ` +
      `for acknowledgements p50 ${ms(carried.p50)}, p99 ${ms(carried.p99)}, max ${ms(carried.max)}; ` +
      `next request on the others: ${accepted} accepted, ${refused} refused`,
  );
  return { accepted, refused, p50: call.p50 };
}

describe("acknowledged revocation across instances", () => {
  beforeAll(async () => {
    session = await signUp(a.url, "revocation");
  });

  it(`2 instances: after each of ${TRIALS} disables answered on A, B refuses the very next request`, async () => {
    const { accepted, refused, p50 } = await disableTrials([b]);
    expect(accepted).toBe(0);
    expect(refused).toBe(TRIALS);
    // Acknowledged, not waited out: the bound is for instances that cannot answer.
    expect(p50).toBeLessThan(ACK_TIMEOUT_MS / 2);
  }, 180_000);

  it(`3 instances: after each of ${TRIALS} disables answered on A, B and C refuse the very next request`, async () => {
    await instance();
    const c = started.at(-1) as ServerProcess;
    const { accepted, refused, p50 } = await disableTrials([b, c]);
    expect(accepted).toBe(0);
    expect(refused).toBe(2 * TRIALS);
    expect(p50).toBeLessThan(ACK_TIMEOUT_MS / 2);
  }, 180_000);

  it("with C frozen (SIGSTOP), a disable on A answers after the bound; C refuses the key once thawed", async () => {
    const c = started.at(-1) as ServerProcess;
    const key = await cachedKey([b, c]);
    c.child.kill("SIGSTOP");
    let took: number;
    try {
      took = await timedDisable(key.path);
      expect(await verify(b, key.secret)).toBe(401);
    } finally {
      c.child.kill("SIGCONT");
    }
    console.log(`[revocation] C frozen: A's disable answered after ${took.toFixed(1)} ms`);
    expect(took).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(ACK_TIMEOUT_MS + MARGIN_MS);
    // Its cache held the key as enabled for 30 s; it was frozen longer than the bound.
    expect(await verify(c, key.secret)).toBe(401);

    // Thawed, it acknowledges again.
    await sleep(ACK_TIMEOUT_MS);
    const next = await cachedKey([b, c]);
    expect(await timedDisable(next.path)).toBeLessThan(ACK_TIMEOUT_MS / 2);
    expect(await verify(c, next.secret)).toBe(401);
  }, 60_000);

  it("does not wait for an instance that shut down", async () => {
    const c = started.at(-1) as ServerProcess;
    expect(await c.stop()).toBe(0);
    const key = await cachedKey([b]);
    expect(await timedDisable(key.path)).toBeLessThan(ACK_TIMEOUT_MS / 2);
    expect(await verify(b, key.secret)).toBe(401);
  }, 60_000);
});

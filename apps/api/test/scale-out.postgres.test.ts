// Several API instances on one PostgreSQL, as real processes: a key changed through one instance
// stops (or starts) working on another by the time the change answers, through LISTEN/NOTIFY
// and acknowledgements; while that channel is down the change waits out the acknowledgement
// bound and the other instance trusts only recent entries; counts and lastUsedAt
// written by two instances add up. Runs only in the PostgreSQL run (see vitest.config.ts):
// TEST_DATABASE_URL=postgresql://127.0.0.1:5432/test npx vitest run test/scale-out.postgres.test.ts
import { performance } from "node:perf_hooks";
import { pgClientConfig } from "@keyward/db";
import {
  API_KEY_HEADER,
  type KeyWithSecretAnswer,
  type MetricsAnswer,
  type SessionAnswer,
} from "@keyward/shared";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { KEY_CHANGES_CHANNEL } from "../src/key-verification/key-change-channel.js";
import {
  type Session,
  sessionCall,
  sessionHeaders,
  sessionJson,
  signUp,
} from "./faults/support.js";
import { usePostgresInstances, windowAfter } from "./support/postgres-instances.js";
import type { ServerProcess } from "./support/server-process.js";

/** Without a notice, B would answer from its cache this long: a missed notice cannot pass. */
const CACHE_TTL_MS = 30_000;
const FALLBACK_TTL_MS = 200;
const REVOCATION_BOUND_MS = 1_000;
/** KEY_CHANGE_ACK_TIMEOUT_MS's default, which the instances run with. */
const ACK_TIMEOUT_MS = 1_000;

const cluster = usePostgresInstances();
const { started, listenerBackend } = cluster;
let a: ServerProcess;
let b: ServerProcess;

const instance = () =>
  cluster.start({
    KEY_CACHE_TTL_MS: String(CACHE_TTL_MS),
    KEY_CACHE_FALLBACK_TTL_MS: String(FALLBACK_TTL_MS),
  });

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  [a, b] = await Promise.all([instance(), instance()]);
  await Promise.all([a, b].map((s) => until("the listener", () => listenerBackend(s))));
}, 120_000);

async function newKey(server: ServerProcess, org: Session, enabled = true, orgWide = true) {
  const created = (await sessionJson(
    org,
    "POST",
    "/keys",
    { name: "scale", orgWide, enabled, permissions: { read: true, write: true } },
    server.url,
  )) as KeyWithSecretAnswer;
  return { secret: created.secret, path: `/keys/${created.key.id}` };
}

/** The status of a key's request; 429 counts as 200, since the key was accepted first. */
async function verify(server: ServerProcess, secret: string): Promise<number> {
  const res = await fetch(`${server.url}/v1/key`, { headers: { [API_KEY_HEADER]: secret } });
  await res.arrayBuffer();
  return res.status === 429 ? 200 : res.status;
}

/**
 * Sends the key's requests to `server` continuously, makes `change` (through another instance)
 * once the key's answer is cached there, and returns how long after `change` returned the server
 * still answered `from` (see `windowAfter`).
 */
async function windowOn(
  server: ServerProcess,
  secret: string,
  from: number,
  to: number,
  change: () => Promise<unknown>,
  warmUps = 20,
): Promise<{ ms: number }> {
  return { ms: await windowAfter(() => verify(server, secret), from, to, change, warmUps) };
}

function report(what: string, ms: number): void {
  console.log(`[scale-out] ${what}: ${ms} ms after instance A answered`);
}

describe("two API instances on one PostgreSQL", () => {
  let org: Session;

  beforeAll(async () => {
    org = await signUp(a.url, "scale");
  });

  it("shares sessions: signed up on A, recognised on B", async () => {
    const res = await fetch(`${b.url}/api/me`, { headers: { cookie: org.cookie } });
    expect(res.status).toBe(200);
  });

  it("B refuses a key within 1 s of A disabling it", async () => {
    const key = await newKey(a, org);
    const { ms } = await windowOn(b, key.secret, 200, 401, () =>
      sessionJson(org, "PATCH", key.path, { enabled: false }, a.url),
    );
    report("disable: B accepted the disabled key for", ms);
    expect(ms).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  });

  it("B accepts a key within 1 s of A enabling it", async () => {
    const key = await newKey(a, org, false);
    const { ms } = await windowOn(b, key.secret, 401, 200, () =>
      sessionJson(org, "PATCH", key.path, { enabled: true }, a.url),
    );
    report("enable: B refused the enabled key for", ms);
    expect(ms).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  });

  it("B refuses a key within 1 s of A deleting it", async () => {
    const key = await newKey(a, org);
    const { ms } = await windowOn(b, key.secret, 200, 401, () =>
      sessionJson(org, "DELETE", key.path, undefined, a.url),
    );
    report("delete: B accepted the deleted key for", ms);
    expect(ms).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  });

  it("B refuses the old key within 1 s of A rolling it with no grace, and takes the new one", async () => {
    const key = await newKey(a, org);
    let rolled: KeyWithSecretAnswer | undefined;
    const { ms } = await windowOn(b, key.secret, 200, 401, async () => {
      rolled = (await sessionJson(
        org,
        "POST",
        `${key.path}/roll`,
        { graceSeconds: 0 },
        a.url,
      )) as KeyWithSecretAnswer;
    });
    report("roll (grace 0): B accepted the old key for", ms);
    expect(ms).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
    expect(await verify(b, rolled?.secret ?? "")).toBe(200);
  });

  it("B refuses a removed member's personal key within 1 s of A removing the member", async () => {
    const email = `member-${Date.now()}@example.com`;
    const invite = await sessionJson(org, "POST", "/invites", { email, role: "member" }, a.url);
    const { token } = invite as { token: string };
    const accepted = await fetch(`${b.url}/api/invites/${token}/accept`, {
      method: "POST",
      headers: sessionHeaders(""),
      body: JSON.stringify({ name: "Leaving Member", password: "another long password" }),
    });
    expect(accepted.status).toBe(200);
    const member: Session = {
      ...org,
      cookie: (accepted.headers.get("set-cookie") ?? "").split(";")[0] ?? "",
    };
    const { user } = (await accepted.json()) as SessionAnswer;
    const key = await newKey(a, member, true, false);
    const { ms } = await windowOn(b, key.secret, 200, 401, () =>
      sessionJson(org, "DELETE", `/members/${user.id}`, undefined, a.url),
    );
    report("member removed: B accepted their personal key for", ms);
    expect(ms).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  });

  it("waits out the acknowledgement bound while B's listener is down, B refusing from the answer on; then listens again", async () => {
    const key = await newKey(a, org);
    for (let warm = 0; warm < 5; warm += 1) expect(await verify(b, key.secret)).toBe(200);
    const backend = await listenerBackend(b);
    expect(backend).not.toBeNull();
    await cluster.admin.query("SELECT pg_terminate_backend($1)", [backend]);
    await until("B to notice", async () => /key-change listener lost/.test(b.output()));

    // A's notice is sent while nobody on B listens: B cannot acknowledge, so A answers only
    // after the bound, by when B (its heartbeat unheard) trusts no entry read before the change.
    let tookMs = 0;
    const { ms } = await windowOn(
      b,
      key.secret,
      200,
      401,
      async () => {
        const started = performance.now();
        await sessionJson(org, "PATCH", key.path, { enabled: false }, a.url);
        tookMs = performance.now() - started;
      },
      3,
    );
    report(`listener down: A's disable took ${Math.round(tookMs)} ms; B accepted the key for`, ms);
    expect(tookMs).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS - 50);
    expect(ms).toBe(0);
    await until("B to listen again", async () => /key-change listener is back/.test(b.output()));
    await until("B's new listener", () => listenerBackend(b));

    const again = await newKey(a, org);
    const { ms: afterReconnect } = await windowOn(b, again.secret, 200, 401, () =>
      sessionJson(org, "PATCH", again.path, { enabled: false }, a.url),
    );
    report("after B reconnected: B accepted the disabled key for", afterReconnect);
    expect(afterReconnect).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  });

  it("ignores a malformed notice and keeps listening", async () => {
    await cluster.admin.query("SELECT pg_notify($1, $2)", [KEY_CHANGES_CHANNEL, "not a notice"]);
    await until("B to log it", async () => /malformed key-change notice/.test(b.output()));
    const key = await newKey(a, org);
    const { ms } = await windowOn(b, key.secret, 200, 401, () =>
      sessionJson(org, "PATCH", key.path, { enabled: false }, a.url),
    );
    expect(ms).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  });

  it("counts every event ingested through both instances into the same roll-ups", async () => {
    const key = await newKey(a, org);
    const eventName = "scale-out";
    const batches = 40;
    const perBatch = 25;
    const send = async (server: ServerProcess, n: number) => {
      const events = Array.from({ length: perBatch }, (_, i) => ({ eventName, i, n }));
      const res = await fetch(`${server.url}/v1/events`, {
        method: "POST",
        headers: { "content-type": "application/json", [API_KEY_HEADER]: key.secret },
        body: JSON.stringify(events),
      });
      expect(res.status).toBe(200);
    };
    await Promise.all(Array.from({ length: batches }, (_, n) => send(n % 2 ? a : b, n)));

    for (const interval of ["minute", "hour", "day"]) {
      const params = new URLSearchParams({
        eventName,
        interval,
        from: new Date(Date.now() - 86_400_000).toISOString(),
        to: new Date(Date.now() + 86_400_000).toISOString(),
      });
      for (const server of [a, b]) {
        const res = await fetch(`${server.url}/v1/metrics?${params.toString()}`, {
          headers: { [API_KEY_HEADER]: key.secret },
        });
        expect(res.status).toBe(200);
        const points = ((await res.json()) as MetricsAnswer).points;
        expect(points.reduce((sum, p) => sum + p.count, 0)).toBe(batches * perBatch);
      }
    }
  });

  it("keeps the newest lastUsedAt of two instances, and every state outlives both", async () => {
    const key = await newKey(a, org);
    expect(await verify(b, key.secret)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const newest = Date.now();
    expect(await verify(a, key.secret)).toBe(200);
    // A writes the newer use, then B the older one, which must not win.
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);

    const c = await instance();
    const res = await sessionCall(org, "GET", key.path, undefined, c.url);
    expect(res.status).toBe(200);
    const { lastUsedAt } = (await res.json()) as { lastUsedAt: string | null };
    expect(Date.parse(lastUsedAt ?? "")).toBeGreaterThanOrEqual(newest);
    expect(await verify(c, key.secret)).toBe(200);
  });

  it("sends notices on its channel with the key id and hash, never the secret", async () => {
    const c = started.at(-1) as ServerProcess;
    const listener = new pg.Client(pgClientConfig(cluster.database.url));
    await listener.connect();
    const payloads: string[] = [];
    listener.on("notification", (m) => payloads.push(m.payload ?? ""));
    await listener.query(`LISTEN ${KEY_CHANGES_CHANNEL}`);
    try {
      const key = await newKey(c, org);
      await sessionJson(org, "PATCH", key.path, { enabled: false }, c.url);
      await until("two notices", async () => payloads.length >= 2);
      for (const payload of payloads) {
        expect(payload).not.toContain(key.secret);
        expect(JSON.parse(payload)).toMatchObject({ k: key.path.split("/").at(-1) });
      }
    } finally {
      await listener.end();
    }
  });
});

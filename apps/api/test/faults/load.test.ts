// Load: 50 clients ingest for LOAD_SECONDS (default 60) while others create, disable and roll
// keys through the session API. No 5xx; every acknowledged event is counted by /v1/metrics;
// every disable and roll is effective on the very next request. Quick local run:
// `LOAD_SECONDS=10 npx vitest run test/faults/load.test.ts`.
import { createDb } from "@keyward/db";
import type { IngestAnswer, KeyWithSecretAnswer } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import type { ServerProcess } from "../support/server-process.js";
import {
  type CreatedKey,
  countedEvents,
  createKey,
  errorCode,
  ingest,
  type Session,
  sessionCall,
  signUp,
  sleep,
  useFaultDatabase,
} from "./support.js";

const LOAD_SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
if (!(LOAD_SECONDS > 0)) throw new Error("LOAD_SECONDS must be a positive number of seconds");
const INGEST_CLIENTS = 50;
const KEY_CLIENTS = 3;
const INGEST_KEYS = 10;
const BATCH_SIZE = 20;
const EVENT_NAME = "load";

const fault = useFaultDatabase();
let server: ServerProcess | undefined;

interface Tally {
  requests: number;
  acknowledgedEvents: number;
  rateLimited: number;
  serverErrors: string[];
  transportErrors: string[];
  unexpected: string[];
  ingestMs: number[];
  disablesChecked: number;
  rollsChecked: number;
}

const tally: Tally = {
  requests: 0,
  acknowledgedEvents: 0,
  rateLimited: 0,
  serverErrors: [],
  transportErrors: [],
  unexpected: [],
  ingestMs: [],
  disablesChecked: 0,
  rollsChecked: 0,
};

/** Every request of the test goes through here, so none escapes the 5xx count. */
async function call(label: string, send: () => Promise<Response>): Promise<Response | undefined> {
  tally.requests += 1;
  try {
    const res = await send();
    if (res.status >= 500) tally.serverErrors.push(`${label} ${res.status} ${await res.text()}`);
    return res;
  } catch (error) {
    tally.transportErrors.push(`${label}: ${(error as Error).message}`);
    return undefined;
  }
}

/** Sends one batch; counts its events when acknowledged. Answers the status. */
async function ingestBatch(url: string, secret: string, tag: string): Promise<number | undefined> {
  const events = Array.from({ length: BATCH_SIZE }, (_, i) => ({ eventName: EVENT_NAME, tag, i }));
  const started = performance.now();
  const res = await call("ingest", () => ingest(url, secret, events));
  if (!res) return undefined;
  tally.ingestMs.push(performance.now() - started);
  if (res.status === 200) {
    tally.acknowledgedEvents += ((await res.json()) as IngestAnswer).accepted;
  } else if (res.status === 429) {
    tally.rateLimited += 1;
    await res.body?.cancel();
  } else if (res.status < 500) {
    tally.unexpected.push(`ingest ${res.status} ${await res.text()}`);
  }
  return res.status;
}

async function ingestClient(url: string, keys: CreatedKey[], client: number, until: number) {
  const key = keys[client % keys.length] as CreatedKey;
  for (let n = 0; Date.now() < until; n++) {
    await ingestBatch(url, key.secret, `c${client}-${n}`);
  }
}

/** The answer to a request made with a key, as `status code`. */
async function keyAnswer(url: string, secret: string, tag: string): Promise<string> {
  const res = await call("check", () => ingest(url, secret, [{ eventName: EVENT_NAME, tag }]));
  if (!res) return "no answer";
  if (res.status === 200) {
    tally.acknowledgedEvents += ((await res.json()) as IngestAnswer).accepted;
    return "200";
  }
  return `${res.status} ${await errorCode(res)}`;
}

/** Creates a key, uses it, disables it: the next request must be refused. Then a roll. */
async function keyClient(session: Session, client: number, until: number) {
  const expect201 = async (label: string, res: Response | undefined) => {
    if (!res) return undefined;
    if (res.status !== 201) {
      if (res.status < 500) tally.unexpected.push(`${label} ${res.status} ${await res.text()}`);
      return undefined;
    }
    return (await res.json()) as KeyWithSecretAnswer;
  };
  for (let n = 0; Date.now() < until; n++) {
    const body = {
      name: `churn ${client}-${n}`,
      orgWide: true,
      permissions: { read: true, write: true },
    };
    const created = await expect201(
      "create",
      await call("create", () => sessionCall(session, "POST", "/keys", body)),
    );
    if (!created) continue;
    // Used first, so the server has it cached as enabled.
    const first = await keyAnswer(session.url, created.secret, `k${client}-${n}`);
    if (first !== "200") tally.unexpected.push(`new key answered ${first}`);
    const disabled = await call("disable", () =>
      sessionCall(session, "PATCH", `/keys/${created.key.id}`, { enabled: false }),
    );
    if (disabled?.status !== 200) {
      if (disabled && disabled.status < 500) tally.unexpected.push(`disable ${disabled.status}`);
      continue;
    }
    await disabled.body?.cancel();
    const next = await keyAnswer(session.url, created.secret, `k${client}-${n}-after`);
    tally.disablesChecked += 1;
    if (next !== "401 disabled_key")
      tally.unexpected.push(`request after disable answered ${next}`);

    // Roll another key with no grace: the old secret is refused at once, the new one works.
    const rolling = await expect201(
      "create",
      await call("create", () => sessionCall(session, "POST", "/keys", body)),
    );
    if (!rolling) continue;
    const used = await keyAnswer(session.url, rolling.secret, `r${client}-${n}`);
    if (used !== "200") tally.unexpected.push(`key to roll answered ${used}`);
    const rolled = await expect201(
      "roll",
      await call("roll", () =>
        sessionCall(session, "POST", `/keys/${rolling.key.id}/roll`, { graceSeconds: 0 }),
      ),
    );
    if (!rolled) continue;
    const old = await keyAnswer(session.url, rolling.secret, `r${client}-${n}-old`);
    const fresh = await keyAnswer(session.url, rolled.secret, `r${client}-${n}-new`);
    tally.rollsChecked += 1;
    if (old !== "401 expired_key") tally.unexpected.push(`rolled-away key answered ${old}`);
    if (fresh !== "200") tally.unexpected.push(`rolled key answered ${fresh}`);
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

describe("load", () => {
  it(
    `${INGEST_CLIENTS} clients ingest for ${LOAD_SECONDS} s while keys are created, disabled and rolled`,
    async () => {
      server = await fault.start();
      const session = await signUp(server.url, "load");
      // Above the default 1,000 requests per second per key, so the run measures the server,
      // not the limiter (429s are counted apart all the same).
      const direct = createDb(fault.database.url);
      await direct.prisma.org.update({
        where: { id: session.orgId },
        data: { rateLimitPerSecond: 100_000 },
      });
      await direct.close();
      const keys: CreatedKey[] = [];
      for (let i = 0; i < INGEST_KEYS; i++) keys.push(await createKey(session, `ingest ${i}`));

      const url = server.url;
      const started = Date.now();
      const until = started + LOAD_SECONDS * 1000;
      await Promise.all([
        ...Array.from({ length: INGEST_CLIENTS }, (_, c) => ingestClient(url, keys, c, until)),
        ...Array.from({ length: KEY_CLIENTS }, (_, c) => keyClient(session, c, until)),
      ]);
      const seconds = (Date.now() - started) / 1000;

      // An acknowledged event is counted within a second.
      await sleep(1_100);
      const counted = await countedEvents(url, keys[0]?.secret ?? "", EVENT_NAME);
      console.log(
        `[load] ${fault.database.provider}, ${INGEST_CLIENTS} ingest clients (batches of ${BATCH_SIZE}) + ${KEY_CLIENTS} key clients for ${seconds.toFixed(1)} s: ` +
          `${tally.requests} requests (${Math.round(tally.requests / seconds)}/s), ` +
          `ingest p50 ${percentile(tally.ingestMs, 50).toFixed(0)} ms p99 ${percentile(tally.ingestMs, 99).toFixed(0)} ms; ` +
          `5xx ${tally.serverErrors.length}, 429 ${tally.rateLimited}, transport errors ${tally.transportErrors.length}`,
      );
      console.log(
        `[load] events acknowledged ${tally.acknowledgedEvents}, counted by /v1/metrics ${counted}; ` +
          `disables checked ${tally.disablesChecked}, rolls checked ${tally.rollsChecked}, ` +
          `unexpected answers ${tally.unexpected.length}`,
      );

      expect(tally.serverErrors.slice(0, 5)).toEqual([]);
      expect(tally.transportErrors.slice(0, 5)).toEqual([]);
      expect(tally.unexpected.slice(0, 5)).toEqual([]);
      expect(tally.acknowledgedEvents).toBeGreaterThan(0);
      expect(counted).toBe(tally.acknowledgedEvents);
      expect(tally.disablesChecked).toBeGreaterThan(0);
      expect(tally.rollsChecked).toBeGreaterThan(0);
      expect(server.child.exitCode).toBeNull();
    },
    (LOAD_SECONDS + 120) * 1000,
  );
});

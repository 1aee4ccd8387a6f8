// @keyward/client against the real, built API: batching boundaries, retries, typed errors and a
// round trip through /v1/metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createKeyward,
  type KeywardError,
  type KeywardEvent,
  type KeywardOptions,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
} from "../src/index.js";
import { type ApiServer, startApiServer } from "./api-server.js";

let server: ApiServer;
let writeKey: string;
let readKey: string;
beforeAll(async () => {
  server = await startApiServer();
  writeKey = await server.createKey({ read: true, write: true });
  readKey = await server.createKey({ read: true, write: false });
});
afterAll(async () => {
  await server?.stop();
});

interface Sent {
  status: number;
  bytes: number;
  events: number;
  at: number;
}

/** The global fetch, recording each request the client makes and the status it got. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.method === "POST" ? await request.clone().text() : "";
    const response = await fetch(request);
    sent.push({
      status: response.status,
      bytes: new TextEncoder().encode(body).length,
      events: body ? (JSON.parse(body) as unknown[]).length : 0,
      at: Date.now(),
    });
    return response;
  };
}

/** A client of the test server (with the write key unless given) that records into `sent`. */
function recordingClient(options: KeywardOptions = {}) {
  const sent: Sent[] = [];
  const client = createKeyward({
    apiKey: writeKey,
    baseUrl: server.url,
    fetch: recordingFetch(sent),
    ...options,
  });
  return { client, sent };
}

let nameCounter = 0;
const uniqueName = (label: string) => `${label}-${Date.now()}-${++nameCounter}`;

/** `count` events whose JSON array is exactly `bytes` long. */
function eventsOfTotalBytes(count: number, bytes: number, eventName: string): KeywardEvent[] {
  const base = JSON.stringify({ eventName, pad: "" }).length;
  const perEvent = Math.floor((bytes - 2 - (count - 1)) / count);
  const events = Array.from({ length: count }, () => ({
    eventName,
    pad: "x".repeat(perEvent - base),
  }));
  const extra = bytes - (2 + (count - 1) + perEvent * count);
  const last = events[count - 1];
  if (last) last.pad += "x".repeat(extra);
  expect(JSON.stringify(events).length).toBe(bytes);
  return events;
}

describe("events.send batching", () => {
  it("sends 10,000 events in one batch and the 10,001st in the next", async () => {
    const { client, sent } = recordingClient();
    const eventName = uniqueName("count-boundary");
    await client.events.send(Array.from({ length: MAX_BATCH_EVENTS + 1 }, () => ({ eventName })));
    expect(sent.map((s) => [s.status, s.events])).toEqual([
      [200, MAX_BATCH_EVENTS],
      [200, 1],
    ]);
    await client.close();
  });

  it("fills a batch to exactly 1 MB, which the API accepts, and cuts before one byte more", async () => {
    const { client, sent } = recordingClient();
    const exact = eventsOfTotalBytes(100, MAX_BATCH_BYTES, uniqueName("exact-mb"));
    await client.events.send(exact);
    expect(sent.map((s) => [s.status, s.bytes, s.events])).toEqual([[200, MAX_BATCH_BYTES, 100]]);

    sent.length = 0;
    const over = eventsOfTotalBytes(100, MAX_BATCH_BYTES + 1, uniqueName("over-mb"));
    await client.events.send(over);
    expect(sent.map((s) => [s.status, s.events])).toEqual([
      [200, 99],
      [200, 1],
    ]);
    expect(Math.max(...sent.map((s) => s.bytes))).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    await client.close();
  });

  it("flushes what is buffered after the interval, one request for several sends", async () => {
    const { client, sent } = recordingClient({ flushIntervalMs: 300 });
    const eventName = uniqueName("interval");
    const started = Date.now();
    const first = client.events.send({ eventName });
    const second = client.events.send([{ eventName }, { eventName }]);
    await Promise.all([first, second]);
    expect(sent.map((s) => [s.status, s.events])).toEqual([[200, 3]]);
    expect((sent[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(290);
    await client.close();
  });

  it("refuses an event larger than a batch without sending it", async () => {
    const { client, sent } = recordingClient();
    const huge = { eventName: "huge", pad: "x".repeat(MAX_BATCH_BYTES) };
    await expect(client.events.send(huge)).rejects.toMatchObject({
      name: "KeywardError",
      code: "payload_too_large",
      status: null,
    });
    await client.events.flush();
    expect(sent).toEqual([]);
  });
});

describe("retries", () => {
  it("retries a 429 after its Retry-After, then succeeds", async () => {
    const key = await server.createKey({ read: false, write: true });
    const { client, sent } = recordingClient({ apiKey: key });
    await server.setRateLimit(1);
    try {
      const eventName = uniqueName("limited");
      // Two batches at once: the second is over the limit of one request per second.
      const first = client.events.send({ eventName });
      await client.events.flush();
      const second = client.events.send({ eventName });
      await client.events.flush();
      await Promise.all([first, second]);
      const statuses = sent.map((s) => s.status);
      expect(statuses[0]).toBe(200);
      expect(statuses.at(-1)).toBe(200);
      const limited = sent.findIndex((s) => s.status === 429);
      expect(limited).toBeGreaterThan(0);
      const retried = sent[limited + 1];
      // The API's Retry-After is whole seconds: at least 1.
      expect((retried?.at ?? 0) - (sent[limited]?.at ?? 0)).toBeGreaterThanOrEqual(950);
    } finally {
      await server.setRateLimit(1000);
    }
  });

  it("retries a 503 with a jittered backoff, and gives up after `retries`", async () => {
    const sent: Sent[] = [];
    let unavailable = 2;
    const flaky: typeof fetch = async (input, init) => {
      if (unavailable-- > 0) {
        sent.push({ status: 503, bytes: 0, events: 0, at: Date.now() });
        return Response.json(
          { error: { code: "unavailable", message: "m", requestId: "r" } },
          {
            status: 503,
          },
        );
      }
      return recordingFetch(sent)(input, init);
    };
    const retry = { baseDelayMs: 50 };
    const client = createKeyward({ apiKey: writeKey, baseUrl: server.url, fetch: flaky, retry });
    await client.events.send({ eventName: uniqueName("flaky") });
    expect(sent.map((s) => s.status)).toEqual([503, 503, 200]);

    unavailable = 10;
    const impatient = createKeyward({
      apiKey: writeKey,
      baseUrl: server.url,
      fetch: flaky,
      retry: { ...retry, retries: 2 },
    });
    await expect(impatient.key.get()).rejects.toMatchObject({ code: "unavailable", status: 503 });
  });

  it.each([
    ["400 invalid_request", (): string => writeKey, [{ eventName: "" }], 400, "invalid_request"],
    [
      "401 invalid_key",
      (): string => "kw_000000000000000000000000000000000000000",
      [{ eventName: "x" }],
      401,
      "invalid_key",
    ],
    [
      "403 insufficient_permission",
      (): string => readKey,
      [{ eventName: "x" }],
      403,
      "insufficient_permission",
    ],
  ] as const)(
    "does not retry %s, and rejects with its code",
    async (_label, key, events, status, code) => {
      const { client, sent } = recordingClient({ apiKey: key() });
      const error = (await client.events
        .send([...events])
        .catch((e: unknown) => e)) as KeywardError;
      expect(error).toMatchObject({ name: "KeywardError", status, code });
      expect(error.requestId).toMatch(/^req_/);
      expect(sent.map((s) => s.status)).toEqual([status]);
    },
  );
});

describe("a round trip", () => {
  it("reads the key from KEYWARD_API_KEY; what send stored, /v1/metrics counts", async () => {
    process.env.KEYWARD_API_KEY = writeKey;
    try {
      const client = createKeyward({ baseUrl: server.url });
      const eventName = uniqueName("round-trip");
      await client.events.send(Array.from({ length: 25 }, () => ({ eventName })));
      await client.close();
      const info = await client.key.get();
      expect(info.permissions).toEqual({ read: true, write: true });
      const metrics = await client.metrics.get({ eventName, interval: "day" });
      expect(metrics.points.reduce((sum, p) => sum + p.count, 0)).toBe(25);
    } finally {
      delete process.env.KEYWARD_API_KEY;
    }
  });

  it("without a key anywhere, refuses to start", () => {
    expect(() => createKeyward({ baseUrl: server.url })).toThrow(/KEYWARD_API_KEY/);
  });
});

import type { MetricsAnswer } from "@keyward/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { machine, newKey, type TestKey, useV1 } from "./v1-fixtures.js";

const v1 = useV1();
let key: TestKey;
beforeAll(async () => {
  key = await newKey(v1, { read: true, write: true });
  await machine(v1.h, key.secret)
    .post("/v1/events", [
      { eventName: "checkout", eventTimestamp: "2026-03-01T10:15:10Z" },
      { eventName: "checkout", eventTimestamp: "2026-03-01T10:15:50Z" },
      { eventName: "checkout", eventTimestamp: "2026-03-01T10:47:00Z" },
      { eventName: "checkout", eventTimestamp: "2026-03-01T13:00:00Z" },
      { eventName: "checkout", eventTimestamp: "2026-03-02T00:00:00Z" },
      { eventName: "other", eventTimestamp: "2026-03-01T10:15:10Z" },
    ])
    .expect(200);
});

async function metrics(query: Record<string, string>, secret = key.secret): Promise<MetricsAnswer> {
  const res = await machine(v1.h, secret).get(
    `/v1/metrics?${new URLSearchParams(query).toString()}`,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as MetricsAnswer;
}

const march = { from: "2026-03-01T00:00:00Z", to: "2026-03-03T00:00:00Z" };

describe("GET /v1/metrics", () => {
  it("counts per minute, hour and day; empty buckets omitted", async () => {
    expect(await metrics({ eventName: "checkout", interval: "minute", ...march })).toEqual({
      eventName: "checkout",
      interval: "minute",
      points: [
        { t: "2026-03-01T10:15:00.000Z", count: 2 },
        { t: "2026-03-01T10:47:00.000Z", count: 1 },
        { t: "2026-03-01T13:00:00.000Z", count: 1 },
        { t: "2026-03-02T00:00:00.000Z", count: 1 },
      ],
    });
    expect((await metrics({ eventName: "checkout", ...march })).points).toEqual([
      { t: "2026-03-01T10:00:00.000Z", count: 3 },
      { t: "2026-03-01T13:00:00.000Z", count: 1 },
      { t: "2026-03-02T00:00:00.000Z", count: 1 },
    ]);
    expect((await metrics({ eventName: "checkout", interval: "day", ...march })).points).toEqual([
      { t: "2026-03-01T00:00:00.000Z", count: 4 },
      { t: "2026-03-02T00:00:00.000Z", count: 1 },
    ]);
  });

  it("to is exclusive; from takes the whole bucket it falls in", async () => {
    const points = (
      await metrics({
        eventName: "checkout",
        from: "2026-03-01T10:30:00Z",
        to: "2026-03-02T00:00:00Z",
      })
    ).points;
    expect(points).toEqual([
      { t: "2026-03-01T10:00:00.000Z", count: 3 },
      { t: "2026-03-01T13:00:00.000Z", count: 1 },
    ]);
  });

  it("defaults to the last 24 hours, hourly, and counts an event as soon as it was accepted", async () => {
    const name = `now-${Date.now()}`;
    await machine(v1.h, key.secret)
      .post("/v1/events", [{ eventName: name }, { eventName: name }])
      .expect(200);
    const answer = await metrics({ eventName: name });
    expect(answer.interval).toBe("hour");
    expect(answer.points.reduce((sum, p) => sum + p.count, 0)).toBe(2);
    const old = await metrics({ eventName: "checkout" });
    expect(old.points).toEqual([]);
  });

  it("answers only the key's org", async () => {
    const stranger = await v1.h.signup({ name: "Sam Stranger", orgName: "Other Org" });
    const strangerKey = await newKey({
      admin: stranger,
      keysPath: `/api/orgs/${stranger.orgId}/keys`,
    });
    expect((await metrics({ eventName: "checkout", ...march }, strangerKey.secret)).points).toEqual(
      [],
    );
  });

  it("answers a month of minute data quickly", async () => {
    const name = "month";
    const start = Date.parse("2026-01-01T00:00:00Z");
    const minutes = 31 * 24 * 60;
    for (let offset = 0; offset < minutes; offset += 10_000) {
      const events = [];
      for (let m = offset; m < Math.min(minutes, offset + 10_000); m++) {
        events.push({ name, at: start + m * 60_000, properties: "{}" });
      }
      await v1.api.store.append({
        orgId: v1.admin.orgId,
        keyId: key.id,
        receivedAt: Date.now(),
        events,
      });
    }
    const query = { eventName: name, from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" };
    for (const interval of ["minute", "hour", "day"]) {
      await metrics({ ...query, interval }); // warm
      const started = performance.now();
      const answer = await metrics({ ...query, interval });
      const elapsed = performance.now() - started;
      const expected = interval === "minute" ? minutes : interval === "hour" ? 31 * 24 : 31;
      expect(answer.points).toHaveLength(expected);
      // Every bucket once, in order (the answer is sent in pieces of 1,000 points).
      const size = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }[interval] ?? 0;
      const perBucket = size / 60_000;
      const misplaced = answer.points.findIndex(
        (point, i) =>
          point.t !== new Date(start + i * size).toISOString() || point.count !== perBucket,
      );
      expect(misplaced).toBe(-1);
      console.log(
        `metrics: a month at ${interval} granularity (${expected} points) in ${elapsed.toFixed(1)} ms`,
      );
      // The goal (< 50 ms, server side) is measured by `pnpm bench`; this bound only catches a
      // scan of raw events, as this timing includes the client and a shared, busy machine.
      expect(elapsed).toBeLessThan(interval === "minute" ? 3_000 : 500);
    }
  });

  it("400 for a missing or bad parameter, an empty range, too many buckets or an unknown parameter", async () => {
    const bad = async (query: Record<string, string>, field: string) => {
      const res = await machine(v1.h, key.secret).get(
        `/v1/metrics?${new URLSearchParams(query).toString()}`,
      );
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.code).toBe("invalid_request");
      expect(res.body.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
    };
    await bad({}, "eventName");
    await bad({ eventName: "" }, "eventName");
    await bad({ eventName: "x", interval: "week" }, "interval");
    await bad({ eventName: "x", from: "yesterday" }, "from");
    await bad({ eventName: "x", to: "2026-01-01" }, "to");
    await bad({ eventName: "x", from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z" }, "from");
    await bad({ eventName: "x", from: "2026-03-01T00:00:00Z", to: "2026-03-01T00:00:00Z" }, "from");
    await bad(
      {
        eventName: "x",
        interval: "minute",
        from: "2026-01-01T00:00:00Z",
        to: "2026-03-01T00:00:00Z",
      },
      "from",
    );
    await bad({ eventName: "x", limit: "5" }, "limit");
  });
});

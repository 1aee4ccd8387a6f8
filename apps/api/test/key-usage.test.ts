// Key usage: every /v1 request with an existing key counted by outcome, written in batches every
// second; the usage API and the keys table's summaries follow the key's visibility.
import { setTimeout as sleep } from "node:timers/promises";
import {
  emptyOutcomeCounts,
  type KeyAnswer,
  type KeyUsageAnswer,
  type KeyUsageSummariesAnswer,
  type OutcomeCounts,
} from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { expectError } from "./hardening/support.js";
import { burst, machine, newKey, useV1, withOrgRateLimit } from "./v1-fixtures.js";

const v1 = useV1();

const usagePath = (keyId: string, query: Record<string, string> = {}) =>
  `${v1.keysPath}/${keyId}/usage?${new URLSearchParams(query).toString()}`;

async function usageOf(keyId: string, query: Record<string, string> = {}) {
  return (await v1.admin.client.get(usagePath(keyId, query)).expect(200)).body as KeyUsageAnswer;
}

const counts = (partial: Partial<OutcomeCounts>): OutcomeCounts => ({
  ...emptyOutcomeCounts(),
  ...partial,
});

async function unattributed() {
  const res = await machine(v1.h).get("/healthz").expect(200);
  return res.body.unattributed as Record<string, number>;
}

describe("outcome counters", () => {
  it("count each outcome of a sequence of requests exactly", async () => {
    const reader = await newKey(v1, { read: true, write: false });
    const client = machine(v1.h, reader.secret);
    for (let i = 0; i < 3; i++) await client.get("/v1/key").expect(200);
    await client.get("/v1/metrics?eventName=x").expect(200);
    // Handler errors after the gates are still valid requests.
    await client.get("/v1/metrics").expect(400);
    for (let i = 0; i < 2; i++) await client.post("/v1/events", [{ eventName: "e" }]).expect(403);

    const disabled = await newKey(v1, undefined, { enabled: false });
    for (let i = 0; i < 2; i++) await machine(v1.h, disabled.secret).get("/v1/key").expect(401);

    const expiring = await newKey(v1, undefined, {
      expiresAt: new Date(Date.now() + 1_000).toISOString(),
    });
    await sleep(1_100);
    for (let i = 0; i < 3; i++) await machine(v1.h, expiring.secret).get("/v1/key").expect(401);

    await v1.api.usage.flush();
    const answer = await usageOf(reader.id);
    expect(answer.keyId).toBe(reader.id);
    expect(answer.interval).toBe("hour");
    expect(answer.totals).toEqual(counts({ valid: 5, insufficient_permission: 2 }));
    expect((await usageOf(disabled.id)).totals).toEqual(counts({ disabled: 2 }));
    expect((await usageOf(expiring.id)).totals).toEqual(counts({ expired: 3 }));
  });

  it("count rate-limited requests as their answers say", async () => {
    await withOrgRateLimit(v1, 3, async () => {
      const key = await newKey(v1);
      const answers = await burst(machine(v1.h, key.secret), 10);
      const ok = answers.filter((res) => res.status === 200).length;
      const limited = answers.filter((res) => res.status === 429).length;
      expect(ok + limited).toBe(10);
      expect(limited).toBeGreaterThan(0);
      await v1.api.usage.flush();
      expect((await usageOf(key.id)).totals).toEqual(counts({ valid: ok, rate_limited: limited }));
    });
  });

  it("count each restriction refusal by its own outcome, once per request", async () => {
    const allowed = "https://app.example.com";
    const key = await newKey(
      v1,
      { read: true, write: true },
      {
        restrictions: {
          allowedOrigins: [allowed],
          allowedIps: ["127.0.0.1", "::1"],
          allowedEventNames: ["app.*"],
        },
      },
    );
    const client = machine(v1.h, key.secret);
    const post = (body: unknown, origin = allowed) =>
      client.post("/v1/events", body as object).set("Origin", origin);
    // An allowed origin, address and event name: valid.
    for (let i = 0; i < 2; i++) await post([{ eventName: "app.open" }]).expect(200);
    await client.get("/v1/key").expect(200);
    // Another origin: refused before the body is read.
    for (let i = 0; i < 3; i++) {
      const res = await post([{ eventName: "app.open" }], "https://evil.example").expect(403);
      expect(res.body.error.code).toBe("origin_not_allowed");
    }
    await client
      .get("/v1/metrics?eventName=app.open")
      .set("Origin", "https://evil.example")
      .expect(403);
    // An event name the key may not send, decided once the body has arrived: that, not valid.
    await post([{ eventName: "other" }]).expect(403);
    await post({ events: [{ eventName: "app.ok" }, { eventName: "admin.drop" }] }).expect(403);
    // A batch that does not parse, or does not validate, is still a valid request.
    await post("[not json").type("json").expect(400);
    await post([{ eventName: "" }]).expect(400);

    const elsewhere = await newKey(v1, undefined, { restrictions: { allowedIps: ["10.0.0.0/8"] } });
    for (let i = 0; i < 2; i++) {
      const res = await machine(v1.h, elsewhere.secret)
        .post("/v1/events", [{ eventName: "e" }])
        .expect(403);
      expect(res.body.error.code).toBe("ip_not_allowed");
    }
    await machine(v1.h, elsewhere.secret).get("/v1/key").expect(403);

    await v1.api.usage.flush();
    const expected = counts({ valid: 5, origin_not_allowed: 4, event_not_allowed: 2 });
    for (const interval of ["minute", "hour", "day"]) {
      expect((await usageOf(key.id, { interval })).totals, interval).toEqual(expected);
    }
    expect((await usageOf(elsewhere.id)).totals).toEqual(counts({ ip_not_allowed: 3 }));
    const res = await v1.admin.client
      .get(`${v1.keysPath}/usage?ids=${key.id},${elsewhere.id}`)
      .expect(200);
    const byId = new Map(
      (res.body as KeyUsageSummariesAnswer).items.map((item) => [item.keyId, item]),
    );
    expect(byId.get(key.id)).toMatchObject({ total: 11, refused: 6, totals: expected });
    expect(byId.get(key.id)?.points.reduce((sum, p) => sum + p.refused, 0)).toBe(6);
    expect(byId.get(elsewhere.id)).toMatchObject({
      total: 3,
      refused: 3,
      totals: counts({ ip_not_allowed: 3 }),
    });
  });

  it("count the key's own rate's refusals as rate_limited", async () => {
    const key = await newKey(v1, undefined, { restrictions: { rateLimitPerSecond: 2 } });
    const client = machine(v1.h, key.secret);
    const answers = await Promise.all(Array.from({ length: 12 }, () => client.get("/v1/key")));
    const ok = answers.filter((res) => res.status === 200).length;
    const limited = answers.filter((res) => res.status === 429);
    expect(ok + limited.length).toBe(12);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.body.error.details).toMatchObject({ limitPerSecond: 2 });
    await v1.api.usage.flush();
    expect((await usageOf(key.id)).totals).toEqual(
      counts({ valid: ok, rate_limited: limited.length }),
    );
  });

  it("count requests no key can be charged with on /healthz, per instance", async () => {
    const before = await unattributed();
    await machine(v1.h).get("/v1/key").expect(401);
    await machine(v1.h, "kw_not-a-key").get("/v1/key").expect(401);
    const unknown = await newKey(v1);
    await v1.admin.client.delete(`${v1.keysPath}/${unknown.id}`).expect(204);
    await machine(v1.h, unknown.secret).get("/v1/key").expect(401);
    await machine(v1.h, unknown.secret).get("/v1/key").expect(401);
    const after = await unattributed();
    expect(after).toEqual({
      missing_key: (before.missing_key ?? 0) + 1,
      malformed_key: (before.malformed_key ?? 0) + 1,
      invalid_key: (before.invalid_key ?? 0) + 2,
    });
  });

  it("are written every second without an explicit flush, with lastUsedAt", async () => {
    const key = await newKey(v1);
    const usedAt = Date.now();
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
    const deadline = Date.now() + 1_500;
    let row = await v1.h.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    while (row.lastUsedAt === null && Date.now() < deadline) {
      await sleep(50);
      row = await v1.h.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    }
    expect(row.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(usedAt - 1);
    expect(row.lastUsedAt?.getTime()).toBeLessThanOrEqual(Date.now());
    const stored = await v1.h.deps.db.keyUsage.findMany({ where: { keyId: key.id } });
    expect(stored.map((r) => [r.interval, r.valid]).sort()).toEqual([
      ["hour", 1],
      ["minute", 1],
    ]);
  });

  it("show a use at once in the key's answer on the same instance", async () => {
    const key = await newKey(v1);
    const usedAt = Date.now();
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
    const answer = (await v1.admin.client.get(`${v1.keysPath}/${key.id}`).expect(200))
      .body as KeyAnswer;
    expect(Date.parse(answer.lastUsedAt ?? "")).toBeGreaterThanOrEqual(usedAt - 1);
  });

  it("prune minute buckets after 48 hours and hour buckets after 90 days", async () => {
    const key = await newKey(v1);
    const now = Date.parse("2030-06-01T12:00:00Z");
    const ref = { id: key.id, orgId: v1.admin.orgId };
    v1.api.usage.count(ref, "valid", now - 47 * 3_600_000);
    v1.api.usage.count(ref, "valid", now - 49 * 3_600_000);
    v1.api.usage.count(ref, "valid", now - 89 * 86_400_000);
    v1.api.usage.count(ref, "valid", now - 91 * 86_400_000);
    await v1.api.usage.flush();
    await v1.api.usage.prune(now);
    const rows = await v1.h.deps.db.keyUsage.findMany({
      where: { keyId: key.id },
      orderBy: [{ interval: "asc" }, { bucketStart: "asc" }],
    });
    expect(rows.map((r) => [r.interval, r.bucketStart.toISOString()])).toEqual([
      ["hour", "2030-03-04T12:00:00.000Z"],
      ["hour", "2030-05-30T11:00:00.000Z"],
      ["hour", "2030-05-30T13:00:00.000Z"],
      ["minute", "2030-05-30T13:00:00.000Z"],
    ]);
  });
});

describe("GET /api/orgs/:orgId/keys/:keyId/usage", () => {
  it("answers minute, hour and day buckets, oldest first, empty ones omitted", async () => {
    const key = await newKey(v1);
    const ref = { id: key.id, orgId: v1.admin.orgId };
    const now = Date.now();
    const hourAgo = now - 3_600_000;
    v1.api.usage.count(ref, "valid", hourAgo);
    v1.api.usage.count(ref, "expired", hourAgo);
    v1.api.usage.count(ref, "valid", now);
    v1.api.usage.count(ref, "valid", now);
    await v1.api.usage.flush();
    const from = new Date(now - 2 * 3_600_000).toISOString();
    const to = new Date(now + 1).toISOString();

    const minutes = await usageOf(key.id, { interval: "minute", from, to });
    expect(minutes.points.map((p) => [p.valid, p.expired])).toEqual([
      [1, 1],
      [2, 0],
    ]);
    expect(minutes.points[0]?.t).toBe(new Date(hourAgo - (hourAgo % 60_000)).toISOString());
    for (const interval of ["minute", "hour", "day"]) {
      const answer = await usageOf(key.id, { interval, from, to });
      expect(answer.interval).toBe(interval);
      expect(answer.totals).toEqual(counts({ valid: 3, expired: 1 }));
      const sum = answer.points.reduce((total, p) => total + p.valid + p.expired, 0);
      expect(sum).toBe(4);
    }
    // `to` is exclusive.
    const before = await usageOf(key.id, {
      interval: "minute",
      from,
      to: new Date(hourAgo - (hourAgo % 60_000)).toISOString(),
    });
    expect(before.points).toEqual([]);
  });

  it("refuses bad ranges with 400 naming the field", async () => {
    const key = await newKey(v1);
    const now = Date.now();
    const cases: [Record<string, string>, string][] = [
      [{ from: "yesterday" }, "from"],
      [{ to: "2026-13-01T00:00:00Z" }, "to"],
      [{ from: new Date(now).toISOString(), to: new Date(now - 1).toISOString() }, "from"],
      [{ from: new Date(now).toISOString(), to: new Date(now).toISOString() }, "from"],
      [{ interval: "minute", from: new Date(now - 8 * 86_400_000).toISOString() }, "from"],
      [{ interval: "week" }, "interval"],
      [{ limit: "5" }, "limit"],
    ];
    for (const [query, field] of cases) {
      const res = await v1.admin.client.get(usagePath(key.id, query));
      expectError(res, 400, "invalid_request", JSON.stringify(query));
      const fields = (res.body.error.details as { field: string }[]).map((d) => d.field);
      expect(fields, JSON.stringify(query)).toContain(field);
    }
  });

  it("is visible exactly to those who can see the key (404 otherwise)", async () => {
    const member = await v1.h.member(v1.admin, { name: "Mo Member" });
    const personal = await newKey(v1, undefined, { orgWide: false });
    const orgWide = await newKey(v1);
    await machine(v1.h, personal.secret).get("/v1/key").expect(200);
    await v1.api.usage.flush();

    expectError(await member.client.get(usagePath(personal.id)), 404, "not_found");
    await member.client.get(usagePath(orgWide.id)).expect(200);
    expect((await usageOf(personal.id)).totals.valid).toBe(1);
    expectError(await v1.admin.client.get(usagePath("key_nope")), 404, "not_found");

    const outsider = await v1.h.signup({ orgName: "Elsewhere" });
    expectError(
      await outsider.client.get(usagePath(orgWide.id).replace(v1.admin.orgId, outsider.orgId)),
      404,
      "not_found",
    );
    expectError(await outsider.client.get(usagePath(orgWide.id)), 404, "not_found");

    const ids = `${personal.id},${orgWide.id},key_nope`;
    const mine = (await v1.admin.client.get(`${v1.keysPath}/usage?ids=${ids}`).expect(200))
      .body as KeyUsageSummariesAnswer;
    expect(mine.items.map((i) => i.keyId).sort()).toEqual([personal.id, orgWide.id].sort());
    const theirs = (await member.client.get(`${v1.keysPath}/usage?ids=${ids}`).expect(200))
      .body as KeyUsageSummariesAnswer;
    expect(theirs.items.map((i) => i.keyId)).toEqual([orgWide.id]);
  });
});

describe("GET /api/orgs/:orgId/keys/usage", () => {
  it("answers each key's last 24 hours, hourly, with refused requests and recent traffic", async () => {
    const key = await newKey(v1, { read: true, write: false });
    const idle = await newKey(v1);
    const client = machine(v1.h, key.secret);
    await client.get("/v1/key").expect(200);
    await client.get("/v1/key").expect(200);
    await client.post("/v1/events", [{ eventName: "e" }]).expect(403);
    const ref = { id: key.id, orgId: v1.admin.orgId };
    v1.api.usage.count(ref, "valid", Date.now() - 30 * 60_000);
    v1.api.usage.count(ref, "valid", Date.now() - 25 * 3_600_000);
    await v1.api.usage.flush();

    const res = await v1.admin.client
      .get(`${v1.keysPath}/usage?ids=${key.id},${idle.id}`)
      .expect(200);
    const byId = new Map(
      (res.body as KeyUsageSummariesAnswer).items.map((item) => [item.keyId, item]),
    );
    const summary = byId.get(key.id);
    expect(summary).toMatchObject({ total: 4, refused: 1, last15Minutes: 3, lastHour: 4 });
    expect(summary?.points.reduce((sum, p) => sum + p.total, 0)).toBe(4);
    expect(byId.get(idle.id)).toEqual({
      keyId: idle.id,
      total: 0,
      refused: 0,
      totals: counts({}),
      points: [],
      last15Minutes: 0,
      lastHour: 0,
    });
  });

  it("refuses a missing or too long list of ids", async () => {
    expectError(await v1.admin.client.get(`${v1.keysPath}/usage`), 400, "invalid_request");
    expectError(await v1.admin.client.get(`${v1.keysPath}/usage?ids=`), 400, "invalid_request");
    const many = Array.from({ length: 101 }, (_, i) => `key_${i}`).join(",");
    const res = await v1.admin.client.get(`${v1.keysPath}/usage?ids=${many}`);
    expectError(res, 400, "invalid_request");
    expect(res.body.error.details).toEqual([{ field: "ids", message: expect.any(String) }]);
  });
});

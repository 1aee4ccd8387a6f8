// Key restrictions on /v1: client address (with and without TRUST_PROXY), browser origin and
// CORS, event names, the key's own rate; and how they are set: validated, audited, authorized.
import {
  type AuditEventAnswer,
  type ErrorBody,
  emptyOutcomeCounts,
  type KeyAnswer,
  type KeyUsageAnswer,
  type OutcomeCounts,
  type Page,
} from "@keyward/shared";
import supertest from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import type { Team } from "./harness.js";
import { createKey, setPolicy } from "./keys-fixtures.js";
import { machine, newKey, storedEvents, useV1, type V1 } from "./v1-fixtures.js";

const write = { read: false, write: true };

const restricted = (v1: V1, restrictions: Record<string, unknown>, permissions = write) =>
  newKey(v1, permissions, { restrictions });

const event = (eventName: string) => ({ eventName });

/** The key's requests by outcome so far, written first: each refusal is counted as what it is. */
async function outcomesOf(v1: V1, keyId: string): Promise<OutcomeCounts> {
  await v1.api.usage.flush();
  const res = await v1.admin.client.get(`${v1.keysPath}/${keyId}/usage`).expect(200);
  return (res.body as KeyUsageAnswer).totals;
}
const counted = (partial: Partial<OutcomeCounts>): OutcomeCounts => ({
  ...emptyOutcomeCounts(),
  ...partial,
});

describe("client address, TRUST_PROXY off", () => {
  const v1 = useV1();

  it("matches the socket's address (IPv4-mapped as IPv4) and ignores X-Forwarded-For", async () => {
    const local = await restricted(v1, { allowedIps: ["127.0.0.1"] });
    await machine(v1.h, local.secret)
      .post("/v1/events", [event("a")])
      .expect(200);
    await machine(v1.h, local.secret)
      .post("/v1/events", [event("a")])
      .set("X-Forwarded-For", "10.1.2.3")
      .expect(200);

    const tenNet = await restricted(v1, { allowedIps: ["10.0.0.0/8"] });
    const res = await machine(v1.h, tenNet.secret)
      .post("/v1/events", [event("a")])
      .set("X-Forwarded-For", "10.1.2.3")
      .expect(403);
    expect((res.body as ErrorBody).error.code).toBe("ip_not_allowed");
    await machine(v1.h, tenNet.secret).get("/v1/key").expect(403);
    expect(await outcomesOf(v1, local.id)).toEqual(counted({ valid: 2 }));
    expect(await outcomesOf(v1, tenNet.id)).toEqual(counted({ ip_not_allowed: 2 }));
  });

  it("matches a loopback range written as a CIDR", async () => {
    const key = await restricted(v1, { allowedIps: ["127.0.0.0/8", "::1"] });
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
  });
});

describe("client address, TRUST_PROXY on", () => {
  const v1 = useV1({ TRUST_PROXY: "true" });

  const from = (secret: string, address: string) =>
    machine(v1.h, secret).get("/v1/key").set("X-Forwarded-For", address);

  it("matches IPv4 addresses and ranges by the proxy's X-Forwarded-For", async () => {
    const key = await restricted(v1, { allowedIps: ["10.0.0.0/8", "192.0.2.7"] });
    await from(key.secret, "10.200.3.4").expect(200);
    await from(key.secret, "192.0.2.7").expect(200);
    await from(key.secret, "::ffff:10.9.9.9").expect(200);
    const refused = await from(key.secret, "192.0.2.8").expect(403);
    expect(refused.body.error).toMatchObject({
      code: "ip_not_allowed",
      details: { ip: "192.0.2.8" },
    });
    await from(key.secret, "11.0.0.1").expect(403);
    expect(await outcomesOf(v1, key.id)).toEqual(counted({ valid: 3, ip_not_allowed: 2 }));
  });

  it("matches IPv6 addresses and ranges, never across families", async () => {
    const key = await restricted(v1, { allowedIps: ["2001:db8::/32", "2001:0db8:ffff::0001"] });
    await from(key.secret, "2001:db8:1234::5").expect(200);
    await from(key.secret, "2001:db9::1").expect(403);
    const v4 = await restricted(v1, { allowedIps: ["0.0.0.0/0"] });
    await from(v4.secret, "2001:db8::1").expect(403);
    await from(v4.secret, "203.0.113.9").expect(200);
  });

  it("answers the normalised entries on the key and in GET /v1/key", async () => {
    const key = await restricted(v1, { allowedIps: ["10.1.2.3/8", "2001:0DB8::1"] });
    const info = await from(key.secret, "10.0.0.1").expect(200);
    expect(info.body.restrictions).toEqual({
      allowedOrigins: [],
      allowedIps: ["10.0.0.0/8", "2001:db8::1"],
      allowedEventNames: [],
      rateLimitPerSecond: null,
    });
  });
});

describe("browser origins and CORS", () => {
  const v1 = useV1();

  it("answers preflights for any origin, without a key", async () => {
    for (const [path, method] of [
      ["/v1/events", "POST"],
      ["/v1/metrics", "GET"],
      ["/v1/key", "GET"],
    ] as const) {
      const res = await supertest(v1.h.app)
        .options(path)
        .set("Origin", "https://anywhere.example")
        .set("Access-Control-Request-Method", method)
        .set("Access-Control-Request-Headers", "x-api-token, content-type")
        .expect(204);
      expect(res.headers["access-control-allow-origin"]).toBe("https://anywhere.example");
      expect(res.headers["access-control-allow-methods"]).toBe(method);
      expect(res.headers["access-control-allow-headers"]).toBe(
        "x-api-token, content-type, authorization",
      );
      expect(Number(res.headers["access-control-max-age"])).toBeGreaterThan(0);
      expect(res.headers.vary).toContain("Origin");
    }
  });

  it("grants the key's allowed origins, exact and by wildcard subdomain", async () => {
    const key = await restricted(v1, {
      allowedOrigins: [
        "https://App.Example.com:443/",
        "http://localhost:5173",
        "https://*.shop.test",
      ],
    });
    for (const origin of [
      "https://app.example.com",
      "http://localhost:5173",
      "https://eu.a.shop.test",
    ]) {
      const res = await machine(v1.h, key.secret)
        .post("/v1/events", [event("page_view")])
        .set("Origin", origin)
        .expect(200);
      expect(res.headers["access-control-allow-origin"]).toBe(origin);
      expect(res.headers.vary).toBe("Origin");
    }
    for (const origin of [
      "https://shop.test",
      "http://app.example.com",
      "https://evil.test",
      "null",
    ]) {
      const res = await machine(v1.h, key.secret)
        .post("/v1/events", [event("page_view")])
        .set("Origin", origin)
        .expect(403);
      expect(res.body.error.code).toBe("origin_not_allowed");
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
      expect(res.headers.vary).toBe("Origin");
    }
    expect(await storedEvents(v1, "page_view")).toHaveLength(3);
    expect(await outcomesOf(v1, key.id)).toEqual(counted({ valid: 3, origin_not_allowed: 4 }));
  });

  it("refuses every browser origin for a key without allowed origins, saying how to allow one", async () => {
    const key = await newKey(v1, write);
    const res = await machine(v1.h, key.secret)
      .get("/v1/key")
      .set("Origin", "https://app.example.com")
      .expect(403);
    expect(res.body.error.code).toBe("origin_not_allowed");
    expect(res.body.error.message).toContain("allowedOrigins");
    expect(res.body.error.message).toContain("https://app.example.com");
    // Servers send no Origin: unaffected.
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
    expect(await outcomesOf(v1, key.id)).toEqual(counted({ valid: 1, origin_not_allowed: 1 }));
  });

  it("keeps the session API same-origin: no CORS grant there", async () => {
    const path = `/api/orgs/${v1.admin.orgId}/keys`;
    const read = await v1.admin.client.get(path).set("Origin", "https://evil.test");
    expect(read.headers["access-control-allow-origin"]).toBeUndefined();
    const preflight = await supertest(v1.h.app)
      .options(path)
      .set("Origin", "https://evil.test")
      .set("Access-Control-Request-Method", "POST");
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("event names", () => {
  const v1 = useV1();

  it("accepts exact names and prefixes, refuses the whole batch at the first other name", async () => {
    const key = await restricted(v1, { allowedEventNames: ["page_view", "checkout_*"] });
    await machine(v1.h, key.secret)
      .post("/v1/events", [event("page_view"), event("checkout_"), event("checkout_paid")])
      .expect(200);
    const res = await machine(v1.h, key.secret)
      .post("/v1/events", {
        events: [event("checkout_started"), event("page_view"), event("page_views"), event("x")],
      })
      .expect(403);
    expect(res.body.error).toMatchObject({
      code: "event_not_allowed",
      details: { index: 2, eventName: "page_views" },
    });
    expect(res.body.error.message).toContain("events[2]");
    expect(await storedEvents(v1, "checkout_started")).toHaveLength(0);
    expect((await storedEvents(v1)).map((e) => e.eventName).sort()).toEqual([
      "checkout_",
      "checkout_paid",
      "page_view",
    ]);
    // Counted once, as what it was: the refusal, not also a valid request.
    expect(await outcomesOf(v1, key.id)).toEqual(counted({ valid: 1, event_not_allowed: 1 }));
  });

  it("applies to keys with the write permission only", async () => {
    const res = await v1.admin.client
      .post(v1.keysPath, {
        name: "reader",
        orgWide: true,
        permissions: { read: true, write: false },
        restrictions: { allowedEventNames: ["a"] },
      })
      .expect(400);
    expect(res.body.error.details).toEqual([
      { field: "restrictions.allowedEventNames", message: expect.any(String) },
    ]);
  });
});

describe("the key's own rate", () => {
  const v1 = useV1();

  it("limits the key below its org's limit, leaving the org's other keys alone", async () => {
    const slow = await restricted(v1, { rateLimitPerSecond: 3 });
    const free = await newKey(v1, write);
    const burst = (secret: string) =>
      Promise.all(Array.from({ length: 10 }, () => machine(v1.h, secret).get("/v1/key")));
    const slowAnswers = await burst(slow.secret);
    const accepted = slowAnswers.filter((res) => res.status === 200).length;
    // One burst may straddle a one-second window: at most two windows' worth.
    expect(accepted).toBeGreaterThanOrEqual(3);
    expect(accepted).toBeLessThanOrEqual(6);
    const limited = slowAnswers.find((res) => res.status === 429);
    expect(limited?.body.error).toMatchObject({
      code: "rate_limited",
      details: { limitPerSecond: 3 },
    });
    expect(limited?.headers["retry-after"]).toBeDefined();
    expect((await burst(free.secret)).every((res) => res.status === 200)).toBe(true);
    expect(await outcomesOf(v1, slow.id)).toEqual(
      counted({ valid: accepted, rate_limited: 10 - accepted }),
    );
    expect(await outcomesOf(v1, free.id)).toEqual(counted({ valid: 10 }));
  });

  it("may not exceed the org's limit", async () => {
    const res = await v1.admin.client
      .post(v1.keysPath, {
        name: "fast",
        orgWide: true,
        permissions: write,
        restrictions: { rateLimitPerSecond: 1001 },
      })
      .expect(400);
    expect(res.body.error.details[0].field).toBe("restrictions.rateLimitPerSecond");
    await v1.admin.client
      .post(v1.keysPath, {
        name: "at the limit",
        orgWide: true,
        permissions: write,
        restrictions: { rateLimitPerSecond: 1000 },
      })
      .expect(201);
  });
});

describe("setting restrictions", () => {
  const v1 = useV1();

  const badCreate = async (restrictions: unknown) => {
    const res = await v1.admin.client
      .post(v1.keysPath, { name: "bad", orgWide: true, permissions: write, restrictions })
      .expect(400);
    return (res.body as ErrorBody).error;
  };

  it("names the field and index of a bad value", async () => {
    const ips = await badCreate({ allowedIps: ["10.0.0.1", "::1", "10.0.0.0/8", "10.0.0.0/33"] });
    expect(ips.details).toEqual([
      { field: "restrictions.allowedIps.3", message: expect.any(String) },
    ]);
    for (const [restrictions, field] of [
      [{ allowedIps: ["127.1"] }, "restrictions.allowedIps.0"],
      [{ allowedIps: ["fe80::1%eth0"] }, "restrictions.allowedIps.0"],
      [
        { allowedOrigins: ["https://a.test", "https://a.test/path"] },
        "restrictions.allowedOrigins.1",
      ],
      [{ allowedOrigins: ["ftp://a.test"] }, "restrictions.allowedOrigins.0"],
      [{ allowedOrigins: ["https://*.com"] }, "restrictions.allowedOrigins.0"],
      [{ allowedOrigins: ["https://user:pw@a.test"] }, "restrictions.allowedOrigins.0"],
      [{ allowedEventNames: ["ok", "a*b"] }, "restrictions.allowedEventNames.1"],
      [{ allowedEventNames: ["*"] }, "restrictions.allowedEventNames.0"],
      [
        { allowedOrigins: Array.from({ length: 21 }, (_, i) => `https://a${i}.test`) },
        "restrictions.allowedOrigins",
      ],
      [{ allowedIps: [7] }, "restrictions.allowedIps.0"],
      [{ rateLimitPerSecond: 0 }, "restrictions.rateLimitPerSecond"],
      [{ rateLimitPerSecond: 1.5 }, "restrictions.rateLimitPerSecond"],
      [{ unknown: [] }, "unknown"],
    ] as const) {
      const error = await badCreate(restrictions);
      expect(error.code, JSON.stringify(restrictions)).toBe("invalid_request");
      expect((error.details as { field: string }[])[0]?.field, JSON.stringify(restrictions)).toBe(
        field,
      );
    }
  });

  it("replaces the fields a PATCH gives, clears them with null, and audits the change", async () => {
    const key = await restricted(v1, { allowedIps: ["10.0.0.0/8"], rateLimitPerSecond: 5 });
    const path = `${v1.keysPath}/${key.id}`;
    const patched = await v1.admin.client
      .patch(path, { restrictions: { allowedOrigins: ["https://a.test"], allowedIps: null } })
      .expect(200);
    expect((patched.body as KeyAnswer).restrictions).toEqual({
      allowedOrigins: ["https://a.test"],
      allowedIps: [],
      allowedEventNames: [],
      rateLimitPerSecond: 5,
    });
    const audit = await v1.admin.client.get(`/api/orgs/${v1.admin.orgId}/audit?keyId=${key.id}`);
    const [updated, created] = (audit.body as Page<AuditEventAnswer>).items;
    expect(created?.changes.restrictions).toEqual([
      null,
      {
        allowedOrigins: [],
        allowedIps: ["10.0.0.0/8"],
        allowedEventNames: [],
        rateLimitPerSecond: 5,
      },
    ]);
    expect(updated?.action).toBe("key.updated");
    expect(updated?.changes.restrictions?.[1]).toMatchObject({
      allowedOrigins: ["https://a.test"],
    });

    const cleared = await v1.admin.client.patch(path, { restrictions: null }).expect(200);
    expect((cleared.body as KeyAnswer).restrictions.rateLimitPerSecond).toBeNull();
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
  });

  it("takes effect on this instance's next request", async () => {
    const key = await newKey(v1, write);
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
    await v1.admin.client
      .patch(`${v1.keysPath}/${key.id}`, { restrictions: { allowedIps: ["192.0.2.1"] } })
      .expect(200);
    await machine(v1.h, key.secret).get("/v1/key").expect(403);
  });

  it("keeps a key's restrictions through a roll", async () => {
    const key = await restricted(v1, { allowedEventNames: ["a_*"] });
    const rolled = await v1.admin.client
      .post(`${v1.keysPath}/${key.id}/roll`, { graceSeconds: 0 })
      .expect(201);
    expect(rolled.body.key.restrictions.allowedEventNames).toEqual(["a_*"]);
  });
});

describe("who may set restrictions", () => {
  const v1 = useV1();
  let team: Team;
  beforeAll(async () => {
    team = await v1.h.team();
  });

  it("whoever may edit the key, no one else", async () => {
    const orgKey = await createKey(team.admin.client, team.keysPath, { orgWide: true });
    const path = `${team.keysPath}/${orgKey.key.id}`;
    const body = { restrictions: { allowedIps: ["10.0.0.0/8"] } };
    await setPolicy(team, "restricted");
    const refused = await team.users.member.client.patch(path, body).expect(403);
    expect(refused.body.error.details).toEqual({ reason: "org_keys_restricted" });
    await team.users.member.client.patch(path, { name: "renamed" }).expect(403);
    await team.users.orgKeysMember.client.patch(path, body).expect(200);

    const personal = await createKey(team.users.member.client, team.keysPath, {
      permissions: write,
    });
    const personalPath = `${team.keysPath}/${personal.key.id}`;
    await team.bystander.client.patch(personalPath, body).expect(404);
    await team.users.orgKeysMember.client.patch(personalPath, body).expect(404);
    await team.users.personalKeysMember.client.patch(personalPath, body).expect(200);
    await team.users.member.client.patch(personalPath, body).expect(200);
  });
});

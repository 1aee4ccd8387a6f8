import { setTimeout as sleep } from "node:timers/promises";
import { generateKeySecret } from "@keyward/shared/node";
import { describe, expect, it, vi } from "vitest";
import { expectError } from "./hardening/support.js";
import { burst, machine, newKey, useV1, withOrgRateLimit } from "./v1-fixtures.js";

const v1 = useV1();

describe("401: the key is missing, malformed, unknown, disabled or expired", () => {
  it("missing_key without a key, on every route", async () => {
    for (const res of [
      await machine(v1.h).get("/v1/key"),
      await machine(v1.h).get("/v1/metrics?eventName=x"),
      await machine(v1.h).post("/v1/events", [{ eventName: "x" }]),
    ]) {
      expectError(res, 401, "missing_key");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    }
  });

  it("missing_key for an Authorization header that is not Bearer", async () => {
    const key = await newKey(v1);
    const res = await machine(v1.h)
      .get("/v1/key")
      .set("Authorization", `Basic ${Buffer.from(`x:${key.secret}`).toString("base64")}`);
    expectError(res, 401, "missing_key");
  });

  it("invalid_key for a malformed key or a wrong checksum, without a lookup", async () => {
    const lookup = vi.spyOn(v1.api.verifier, "lookup");
    const findUnique = vi.spyOn(v1.h.deps.db.apiKey, "findUnique");
    const good = generateKeySecret();
    const last = good.at(-1) === "0" ? "1" : "0";
    for (const secret of [
      "nope",
      `${good}x`,
      good.slice(0, -1) + last,
      good.replace("kw_", "kx_"),
    ]) {
      expectError(await machine(v1.h, secret).get("/v1/key"), 401, "invalid_key");
    }
    // Twice each: a refused malformed key is not remembered as "unknown" either.
    for (const secret of [good.slice(0, -1) + last, good.replace("kw_", "kx_")]) {
      expectError(await machine(v1.h, secret).get("/v1/key"), 401, "invalid_key");
    }
    expect(lookup).not.toHaveBeenCalled();
    expect(findUnique).not.toHaveBeenCalled();
    lookup.mockRestore();
    findUnique.mockRestore();
  });

  it("invalid_key for a well-formed key that does not exist; repeats cost no query", async () => {
    const secret = generateKeySecret();
    const findUnique = vi.spyOn(v1.h.deps.db.apiKey, "findUnique");
    expectError(await machine(v1.h, secret).get("/v1/key"), 401, "invalid_key");
    expectError(await machine(v1.h, secret).get("/v1/key"), 401, "invalid_key");
    expectError(
      await machine(v1.h).get("/v1/key").set("Authorization", `Bearer ${secret}`),
      401,
      "invalid_key",
    );
    expect(findUnique).toHaveBeenCalledTimes(1);
    findUnique.mockRestore();
  });

  it("disabled_key for a key created disabled", async () => {
    const key = await newKey(v1, { read: true, write: true }, { enabled: false });
    expectError(await machine(v1.h, key.secret).get("/v1/key"), 401, "disabled_key");
  });

  it("expired_key once expiresAt has passed, even from the cache", async () => {
    const key = await newKey(
      v1,
      { read: true, write: true },
      { expiresAt: new Date(Date.now() + 1_500).toISOString() },
    );
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
    await sleep(1_600);
    expectError(await machine(v1.h, key.secret).get("/v1/key"), 401, "expired_key");
  });
});

describe("403: the key lacks the permission", () => {
  it("a read-only key may not send events", async () => {
    const key = await newKey(v1, { read: true, write: false });
    const res = await machine(v1.h, key.secret).post("/v1/events", [{ eventName: "x" }]);
    expectError(res, 403, "insufficient_permission");
    expect(res.body.error.details).toEqual({ permission: "write" });
    expect(res.body.error.message).toContain("write");
  });

  it("a write-only key may not read metrics", async () => {
    const key = await newKey(v1, { read: false, write: true });
    const res = await machine(v1.h, key.secret).get("/v1/metrics?eventName=x");
    expectError(res, 403, "insufficient_permission");
    expect(res.body.error.details).toEqual({ permission: "read" });
  });

  it("any enabled key may introspect itself", async () => {
    const key = await newKey(v1, { read: false, write: true });
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
  });
});

describe("a change through the session API applies to the very next request", () => {
  it("disable, enable, permissions, delete", async () => {
    const key = await newKey(v1);
    const client = machine(v1.h, key.secret);
    const keyPath = `${v1.keysPath}/${key.id}`;
    await client.get("/v1/key").expect(200); // now cached

    await v1.admin.client.patch(keyPath, { enabled: false }).expect(200);
    expectError(await client.get("/v1/key"), 401, "disabled_key");
    await v1.admin.client.patch(keyPath, { enabled: true }).expect(200);
    await client.get("/v1/key").expect(200);

    await client.post("/v1/events", [{ eventName: "perm" }]).expect(200);
    await v1.admin.client.patch(keyPath, { permissions: { read: true, write: false } }).expect(200);
    expectError(
      await client.post("/v1/events", [{ eventName: "perm" }]),
      403,
      "insufficient_permission",
    );

    await v1.admin.client.delete(keyPath).expect(204);
    expectError(await client.get("/v1/key"), 401, "invalid_key");
  });

  it("rolling with no grace expires the old key at once; the new one works", async () => {
    const key = await newKey(v1);
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
    const rolled = await v1.admin.client
      .post(`${v1.keysPath}/${key.id}/roll`, { graceSeconds: 0 })
      .expect(201);
    expectError(await machine(v1.h, key.secret).get("/v1/key"), 401, "expired_key");
    await machine(v1.h, rolled.body.secret).get("/v1/key").expect(200);
  });

  it("under concurrent load, no request sent after the disable returned is accepted", async () => {
    const key = await newKey(v1);
    const client = machine(v1.h, key.secret);
    let disabledAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const acceptedAfter: number[] = [];
    let total = 0;
    const worker = async () => {
      while (!stop) {
        const sentAt = performance.now();
        const res = await client.get("/v1/key");
        total += 1;
        if (res.status === 200 && sentAt > disabledAt) acceptedAfter.push(sentAt - disabledAt);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await sleep(300);
    await v1.admin.client.patch(`${v1.keysPath}/${key.id}`, { enabled: false }).expect(200);
    disabledAt = performance.now();
    await sleep(300);
    stop = true;
    await Promise.all(workers);
    expect(total).toBeGreaterThan(20);
    expect(acceptedAfter).toEqual([]);
  });
});

describe("429: rate limit per key", () => {
  it("refuses beyond the org's requests per second, with Retry-After", async () => {
    await withOrgRateLimit(v1, 5, async () => {
      const key = await newKey(v1);
      const client = machine(v1.h, key.secret);
      const answers = await burst(client, 12);
      const statuses = answers.map((res) => res.status);
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(5);
      const limited = answers.filter((res) => res.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(7);
      for (const res of limited) {
        expectError(res, 429, "rate_limited");
        expect(Number(res.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      }
      // Another key of the same org has its own budget.
      const other = await newKey(v1);
      await machine(v1.h, other.secret).get("/v1/key").expect(200);
      await sleep(1_100);
      await client.get("/v1/key").expect(200);
    });
  });
});

describe("unknown routes", () => {
  it("answer 404 in the error body", async () => {
    for (const res of [
      await machine(v1.h).get("/v1/events"),
      await machine(v1.h).get("/v1/nope"),
    ]) {
      expectError(res, 404, "not_found");
    }
  });
});

describe("secrets stay out of logs and URLs", () => {
  it("never logs the key, whichever header carried it", async () => {
    const key = await newKey(v1);
    await machine(v1.h, key.secret).get("/v1/key").expect(200);
    await machine(v1.h).get("/v1/key").set("Authorization", `Bearer ${key.secret}`).expect(200);
    await machine(v1.h, key.secret)
      .post("/v1/events", [{ eventName: "logged" }])
      .expect(200);
    await v1.api.usage.flush();
    expect(v1.h.logLines.length).toBeGreaterThan(0);
    expect(v1.h.logLines.join("\n")).not.toContain(key.secret);
  });

  it("does not accept the key in the query string", async () => {
    const key = await newKey(v1);
    const res = await machine(v1.h).get(`/v1/key?key=${key.secret}`);
    expectError(res, 401, "missing_key");
  });
});

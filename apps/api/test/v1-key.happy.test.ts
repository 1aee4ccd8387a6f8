import { hash } from "node:crypto";
import { type KeyAnswer, NO_RESTRICTIONS } from "@keyward/shared";
import { generateKeySecret, hashKeySecret } from "@keyward/shared/node";
import { describe, expect, it, vi } from "vitest";
import { machine, newKey, useV1 } from "./v1-fixtures.js";

const v1 = useV1();

describe("GET /v1/key", () => {
  it("answers what the key is and may do", async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const key = await newKey(
      v1,
      { read: true, write: false },
      { name: "Reporter", orgWide: false, expiresAt },
    );
    const res = await machine(v1.h, key.secret).get("/v1/key").expect(200);
    expect(res.body).toEqual({
      id: key.id,
      name: "Reporter",
      orgId: v1.admin.orgId,
      orgWide: false,
      permissions: { read: true, write: false },
      expiresAt,
      restrictions: NO_RESTRICTIONS,
    });
    const noExpiry = await newKey(v1);
    const other = await machine(v1.h)
      .get("/v1/key")
      .set("Authorization", `Bearer ${noExpiry.secret}`)
      .expect(200);
    expect(other.body.expiresAt).toBeNull();
    expect(other.body.orgWide).toBe(true);
  });

  it("looks keys up by the same hash the keys service stores", () => {
    const secret = generateKeySecret();
    expect(hash("sha256", secret, "hex")).toBe(hashKeySecret(secret));
  });

  it("serves a hot key from the cache, without a query per request", async () => {
    const key = await newKey(v1);
    const findUnique = vi.spyOn(v1.h.deps.db.apiKey, "findUnique");
    await Promise.all(
      Array.from({ length: 20 }, () => machine(v1.h, key.secret).get("/v1/key").expect(200)),
    );
    expect(findUnique).toHaveBeenCalledTimes(1);
    findUnique.mockRestore();
  });
});

describe("lastUsedAt", () => {
  it("is answered at once from this instance, written in batches, and leaves updatedAt alone", async () => {
    const key = await newKey(v1);
    const keyPath = `${v1.keysPath}/${key.id}`;
    const before = (await v1.admin.client.get(keyPath).expect(200)).body as KeyAnswer;
    expect(before.lastUsedAt).toBeNull();

    const executeRaw = vi.spyOn(v1.h.deps.db, "$executeRawUnsafe");
    const usedAt = Date.now();
    for (let i = 0; i < 20; i++) await machine(v1.h, key.secret).get("/v1/key").expect(200);
    // Not yet written, or written by a batch: either way this instance answers it.
    const pending = (await v1.admin.client.get(keyPath).expect(200)).body as KeyAnswer;
    expect(Date.parse(pending.lastUsedAt ?? "")).toBeGreaterThanOrEqual(usedAt);

    await v1.api.usage.flush();
    // Each batch is two statements (counts, lastUsedAt); 20 requests took at most two batches.
    expect(executeRaw.mock.calls.length).toBeLessThanOrEqual(4);
    executeRaw.mockRestore();
    const row = await v1.h.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(usedAt);
    const after = (await v1.admin.client.get(keyPath).expect(200)).body as KeyAnswer;
    expect(Math.abs(new Date(after.lastUsedAt ?? 0).getTime() - usedAt)).toBeLessThan(5_000);
    expect(after.updatedAt).toBe(before.updatedAt);
  });

  it("never moves backwards", async () => {
    const key = await newKey(v1);
    v1.api.usage.markUsed(key.id, Date.parse("2030-01-01T00:00:00Z"));
    await v1.api.usage.flush();
    v1.api.usage.markUsed(key.id, Date.parse("2029-01-01T00:00:00Z"));
    await v1.api.usage.flush();
    const answer = (await v1.admin.client.get(`${v1.keysPath}/${key.id}`).expect(200))
      .body as KeyAnswer;
    expect(answer.lastUsedAt).toBe("2030-01-01T00:00:00.000Z");
  });
});

describe("API reference", () => {
  it("serves the OpenAPI 3.1 document and a reference page", async () => {
    const doc = await machine(v1.h)
      .get("/api/openapi.json")
      .expect(200)
      .expect("content-type", /json/);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/v1/events", "/v1/metrics", "/v1/key", "/api/orgs/{orgId}/keys"]),
    );
    expect(doc.body.components.securitySchemes.apiKey).toMatchObject({
      in: "header",
      name: "x-api-token",
    });
    const page = await machine(v1.h).get("/docs").expect(200).expect("content-type", /html/);
    expect(page.text).toContain("/v1/events");
    expect(page.text).toContain("curl");
    expect(page.text).not.toContain("<script");
  });
});

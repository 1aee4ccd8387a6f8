// A key's life end to end, through the session API and the public API: rolling with a grace
// period, the org's maximum key lifetime (set through PATCH /api/orgs/:orgId), and expiry.
import { setTimeout as sleep } from "node:timers/promises";
import type { AuditEventAnswer, KeyAnswer, KeyWithSecretAnswer, Page } from "@keyward/shared";
import { beforeAll, describe, expect, it } from "vitest";
import type { Member } from "./harness.js";
import { listAll } from "./keys-fixtures.js";
import { expectInvalid } from "./support/error-answers.js";
import { machine, newKey, type TestKey, useV1 } from "./v1-fixtures.js";

const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

const v1 = useV1();

async function auditOf(keyId: string): Promise<AuditEventAnswer[]> {
  const res = await v1.admin.client
    .get(`/api/orgs/${v1.admin.orgId}/audit?keyId=${keyId}`)
    .expect(200);
  return (res.body as Page<AuditEventAnswer>).items;
}

async function roll(keyId: string, graceSeconds: number): Promise<KeyWithSecretAnswer> {
  const res = await v1.admin.client.post(`${v1.keysPath}/${keyId}/roll`, { graceSeconds });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as KeyWithSecretAnswer;
}

/** What /v1/key and /v1/events answer for a secret: status and error code of each. */
async function publicAnswers(secret: string) {
  const key = await machine(v1.h, secret).get("/v1/key");
  const events = await machine(v1.h, secret).post("/v1/events", [{ eventName: "lifecycle" }]);
  return [
    { status: key.status, code: key.body.error?.code },
    { status: events.status, code: events.body.error?.code },
  ];
}
const ACCEPTED = [{ status: 200 }, { status: 200 }];
const EXPIRED = [
  { status: 401, code: "expired_key" },
  { status: 401, code: "expired_key" },
];

describe("roll with a grace period", () => {
  it("both secrets work during the grace, only the new one after it, and the audit log shows the roll", async () => {
    const old = await newKey(v1);
    expect(await publicAnswers(old.secret)).toMatchObject(ACCEPTED);

    const rolled = await roll(old.id, 2);
    const fresh: TestKey = { id: rolled.key.id, secret: rolled.secret };
    const oldNow = (await v1.admin.client.get(`${v1.keysPath}/${old.id}`).expect(200))
      .body as KeyAnswer;
    const graceEnd = new Date(oldNow.expiresAt ?? 0).getTime();
    expect(graceEnd - Date.now()).toBeGreaterThan(1_000);
    expect(graceEnd - Date.now()).toBeLessThanOrEqual(2_000);
    expect(rolled.key.expiresAt).toBeNull();

    // During the grace (the old key was cached before the roll: the cache must not outlive it).
    expect(await publicAnswers(old.secret)).toMatchObject(ACCEPTED);
    expect(await publicAnswers(fresh.secret)).toMatchObject(ACCEPTED);
    expect(Date.now()).toBeLessThan(graceEnd);

    await sleep(graceEnd - Date.now() + 100);
    expect(await publicAnswers(old.secret)).toMatchObject(EXPIRED);
    expect(await publicAnswers(fresh.secret)).toMatchObject(ACCEPTED);
    const info = await machine(v1.h, fresh.secret).get("/v1/key").expect(200);
    expect(info.body).toMatchObject({ id: fresh.id, expiresAt: null });

    // Both are listed, the old one with its new expiry.
    const listed = await listAll(v1.admin.client, v1.keysPath);
    expect(listed.find((key) => key.id === old.id)?.expiresAt).toBe(oldNow.expiresAt);
    expect(listed.find((key) => key.id === fresh.id)?.expiresAt).toBeNull();

    const oldEvents = await auditOf(old.id);
    expect(oldEvents.map((event) => event.action)).toEqual(["key.rolled", "key.created"]);
    expect(oldEvents[0]).toMatchObject({
      keyId: old.id,
      actor: { id: v1.admin.user.id, name: v1.admin.user.name },
      changes: { expiresAt: [null, oldNow.expiresAt] },
    });
    const newEvents = await auditOf(fresh.id);
    expect(newEvents).toEqual([
      expect.objectContaining({
        action: "key.created",
        keyId: fresh.id,
        actor: { id: v1.admin.user.id, name: v1.admin.user.name },
        changes: {
          name: [null, "machine"],
          orgWide: [null, true],
          permissions: [null, { read: true, write: true }],
          enabled: [null, true],
        },
      }),
    ]);
    // The roll and the creation are one moment.
    expect(newEvents[0]?.at).toBe(oldEvents[0]?.at);
  });
});

describe("the org's maximum key lifetime", () => {
  let member: Member;
  const orgPath = () => `/api/orgs/${v1.admin.orgId}`;
  const setLimit = (maxKeyLifetimeDays: unknown) =>
    v1.admin.client.patch(orgPath(), { maxKeyLifetimeDays });

  beforeAll(async () => {
    member = await v1.h.member(v1.admin, { name: "Mo Member" });
  });

  it("is set by admins only, to null, 30, 90 or 365", async () => {
    const forbidden = await member.client.patch(orgPath(), { maxKeyLifetimeDays: 30 }).expect(403);
    expect(forbidden.body.error.code).toBe("forbidden");
    for (const value of [0, 29, 31, -30, 30.5, 1000, "30", true, {}]) {
      expectInvalid(await setLimit(value), "maxKeyLifetimeDays");
    }
    expect((await v1.admin.client.get(orgPath()).expect(200)).body.maxKeyLifetimeDays).toBeNull();

    expect((await setLimit(90).expect(200)).body.maxKeyLifetimeDays).toBe(90);
    expect((await setLimit(null).expect(200)).body.maxKeyLifetimeDays).toBeNull();
    const org = await member.client.get(orgPath()).expect(200);
    expect(org.body.maxKeyLifetimeDays).toBeNull();
  });

  it("under a 30-day limit, new keys and edits must expire within 30 days; rolls obey it", async () => {
    const before = await newKey(v1, undefined, { name: "before the limit" });
    const longLived = await newKey(v1, undefined, { expiresAt: inDays(200) });
    await setLimit(30).expect(200);
    try {
      const body = { name: "limited", orgWide: true, permissions: { read: true, write: true } };
      expectInvalid(await v1.admin.client.post(v1.keysPath, body), "expiresAt");
      expectInvalid(
        await v1.admin.client.post(v1.keysPath, { ...body, expiresAt: inDays(31) }),
        "expiresAt",
      );
      const ok = await v1.admin.client
        .post(v1.keysPath, { ...body, expiresAt: inDays(29) })
        .expect(201);
      const okPath = `${v1.keysPath}/${ok.body.key.id}`;
      expectInvalid(await v1.admin.client.patch(okPath, { expiresAt: inDays(31) }), "expiresAt");
      expectInvalid(await v1.admin.client.patch(okPath, { expiresAt: null }), "expiresAt");
      const sooner = inDays(10);
      await v1.admin.client.patch(okPath, { expiresAt: sooner }).expect(200);

      // Keys made before the limit keep working as they are, until someone edits their expiry.
      await machine(v1.h, before.secret).get("/v1/key").expect(200);
      await v1.admin.client.patch(`${v1.keysPath}/${before.id}`, { name: "renamed" }).expect(200);

      // A roll copies an allowed expiry…
      expect((await roll(ok.body.key.id, 60)).key.expiresAt).toBe(sooner);
      // …and gives a key without one, or with a later one, the latest the limit allows.
      for (const old of [before, longLived]) {
        const rolled = await roll(old.id, 60);
        const end = new Date(rolled.key.expiresAt ?? 0).getTime();
        expect(Math.abs(end - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);
        const [created] = await auditOf(rolled.key.id);
        expect(created?.changes.expiresAt).toEqual([null, rolled.key.expiresAt]);
      }
    } finally {
      await setLimit(null).expect(200);
    }
    // Without a limit, keys may live forever again.
    await newKey(v1, undefined, { name: "forever" });
  });
});

describe("expiry", () => {
  it("an expired key stays in the list, marked by its past expiresAt, and is refused", async () => {
    const expiresAt = new Date(Date.now() + 1_200).toISOString();
    const key = await newKey(v1, undefined, { name: "short-lived", expiresAt });
    expect(await publicAnswers(key.secret)).toMatchObject(ACCEPTED);
    await sleep(new Date(expiresAt).getTime() - Date.now() + 100);

    expect(await publicAnswers(key.secret)).toMatchObject(EXPIRED);
    const res = await machine(v1.h, key.secret).get("/v1/key");
    expect(res.body.error.message).toContain(expiresAt);
    const listed = await listAll(v1.admin.client, v1.keysPath, { q: "short-lived" });
    expect(listed).toEqual([expect.objectContaining({ id: key.id, enabled: true, expiresAt })]);
    const shown = await v1.admin.client.get(`${v1.keysPath}/${key.id}`).expect(200);
    expect(new Date(shown.body.expiresAt).getTime()).toBeLessThan(Date.now());
  });
});

describe("simultaneous changes to one key", () => {
  it("are applied one after another: each audit event starts where the previous one ended", async () => {
    const key = await newKey(v1);
    const original = (await v1.admin.client.get(`${v1.keysPath}/${key.id}`).expect(200)).body
      .name as string;
    const names = Array.from({ length: 8 }, (_, i) => `Concurrent ${i}`);
    const answers = await Promise.all(
      names.map((name) => v1.admin.client.patch(`${v1.keysPath}/${key.id}`, { name })),
    );
    expect(answers.map((res) => res.status)).toEqual(names.map(() => 200));

    const updates = (await auditOf(key.id)).filter((event) => event.action === "key.updated");
    expect(updates).toHaveLength(names.length);
    // Newest first: walking from the oldest, each change's "before" is the last one's "after".
    let current = original;
    for (const event of updates.reverse()) {
      const [before, after] = event.changes.name as [string, string];
      expect(before).toBe(current);
      current = after;
    }
    const final = (await v1.admin.client.get(`${v1.keysPath}/${key.id}`).expect(200)).body;
    expect(final.name).toBe(current);
  });
});

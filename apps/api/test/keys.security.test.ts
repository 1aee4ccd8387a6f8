import { createHash } from "node:crypto";
import type { AuditEventAnswer, KeyWithSecretAnswer, Page } from "@keyward/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Client, createHarness, type Harness, type Team } from "./harness.js";
import { createKey, listAll } from "./keys-fixtures.js";

let h: Harness;
let team: Team;

beforeAll(async () => {
  h = await createHarness();
  team = await h.team();
});
afterAll(async () => {
  await h?.close();
});

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("secrets", () => {
  it("are answered once and stored nowhere: not in keys, audit rows or log lines", async () => {
    const { admin, users, keysPath } = team;
    const made: KeyWithSecretAnswer[] = [
      await createKey(admin.client, keysPath, { orgWide: true }),
      await createKey(users.member.client, keysPath, { orgWide: false }),
      await createKey(users.member.client, keysPath, {
        enabled: false,
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    ];
    const rolled = await admin.client
      .post(`${keysPath}/${made[0]?.key.id}/roll`, { graceSeconds: 60 })
      .expect(201);
    made.push(rolled.body as KeyWithSecretAnswer);
    await users.member.client
      .patch(`${keysPath}/${made[1]?.key.id}`, { name: "renamed", enabled: false })
      .expect(200);
    const doomed = await createKey(admin.client, keysPath, { orgWide: true });
    await admin.client.delete(`${keysPath}/${doomed.key.id}`).expect(204);

    const keyRows = await h.deps.db.apiKey.findMany();
    const auditRows = await h.deps.db.auditEvent.findMany();
    const keysDump = JSON.stringify(keyRows);
    const auditDump = JSON.stringify(auditRows);
    const logDump = h.logLines.join("\n");
    const listed = await admin.client.get(`${keysPath}?includeDisabled=true`).expect(200);
    const listDump = JSON.stringify(listed.body);
    const auditAnswer = await admin.client.get(`/api/orgs/${team.orgId}/audit?limit=100`);
    expect(auditAnswer.status).toBe(200);
    const auditAnswerDump = JSON.stringify(auditAnswer.body);

    for (const { key, secret } of [...made, doomed]) {
      const random = secret.slice(3, 35);
      const hash = sha256(secret);
      for (const [where, dump] of [
        ["ApiKey rows", keysDump],
        ["AuditEvent rows", auditDump],
        ["log lines", logDump],
        ["the list answer", listDump],
        ["the audit answer", auditAnswerDump],
      ] as const) {
        expect(dump.includes(secret), `secret in ${where}`).toBe(false);
        expect(dump.includes(random), `secret's random part in ${where}`).toBe(false);
      }
      expect(auditDump.includes(hash), "hash in audit").toBe(false);
      expect(logDump.includes(hash), "hash in logs").toBe(false);
      expect(listDump.includes(hash), "hash in answers").toBe(false);
      expect(auditAnswerDump.includes(hash), "hash in the audit answer").toBe(false);

      const row = keyRows.find((r) => r.id === key.id);
      if (key.id === doomed.key.id) {
        expect(row).toBeUndefined();
        continue;
      }
      expect(row?.hash).toBe(hash);
      expect(row?.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row?.start).toBe(secret.slice(0, 8));
    }
  });
});

async function auditAll(client: Client, query = ""): Promise<AuditEventAnswer[]> {
  const items: AuditEventAnswer[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams(query);
    params.set("limit", "7");
    if (cursor) params.set("cursor", cursor);
    const res = await client.get(`/api/orgs/${team.orgId}/audit?${params.toString()}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = res.body as Page<AuditEventAnswer>;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

describe("audit log visibility", () => {
  it("admins see all; managePersonalKeys holders every key event; others the events of keys they can see", async () => {
    const { admin, users, bystander, keysPath } = team;
    const orgWide = await createKey(admin.client, keysPath, { orgWide: true });
    const othersPersonal = await createKey(bystander.client, keysPath, { orgWide: false });
    await bystander.client
      .patch(`${keysPath}/${othersPersonal.key.id}`, { name: "still private" })
      .expect(200);
    const own = await createKey(users.member.client, keysPath, { orgWide: false });
    const madePublic = await createKey(bystander.client, keysPath, { orgWide: false });
    await bystander.client.patch(`${keysPath}/${madePublic.key.id}`, { orgWide: true }).expect(200);
    const deletedPrivate = await createKey(bystander.client, keysPath, { orgWide: false });
    await bystander.client.delete(`${keysPath}/${deletedPrivate.key.id}`).expect(204);
    const deletedPublic = await createKey(bystander.client, keysPath, { orgWide: true });
    await bystander.client.delete(`${keysPath}/${deletedPublic.key.id}`).expect(204);
    // A removed member's personal keys are disabled (by the members service).
    const leaver = await h.member(admin, { name: "Lee Leaver" });
    const leaversKey = await createKey(leaver.client, keysPath, { orgWide: false });
    await admin.client.delete(`/api/orgs/${team.orgId}/members/${leaver.user.id}`).expect(204);

    const keyIdsOf = (events: AuditEventAnswer[]) => new Set(events.map((e) => e.keyId));
    const visibleKeys = [orgWide, own, madePublic, deletedPublic].map((k) => k.key.id);
    const hiddenKeys = [othersPersonal, deletedPrivate, leaversKey].map((k) => k.key.id);

    const all = await auditAll(admin.client);
    for (const id of [...visibleKeys, ...hiddenKeys]) expect(keyIdsOf(all).has(id)).toBe(true);
    expect(all.some((e) => e.action === "member.invited")).toBe(true);
    expect(all.some((e) => e.action === "member.removed")).toBe(true);
    expect(
      all.find((e) => e.keyId === leaversKey.key.id && e.action === "key.disabled"),
    ).toBeTruthy();
    const ids = all.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const byTime = [...all].sort((a, b) => b.at.localeCompare(a.at) || (b.id < a.id ? -1 : 1));
    expect(ids).toEqual(byTime.map((e) => e.id));

    for (const role of ["member", "orgKeysMember"] as const) {
      const seen = await auditAll(users[role].client);
      expect(seen.every((e) => e.action.startsWith("key."))).toBe(true);
      const seenKeys = keyIdsOf(seen);
      // The member's own key is someone else's personal key for the orgKeysMember.
      const expectSeen =
        role === "member" ? visibleKeys : visibleKeys.filter((id) => id !== own.key.id);
      const expectHidden = role === "member" ? hiddenKeys : [...hiddenKeys, own.key.id];
      for (const id of expectHidden) expect(seenKeys.has(id), `${role} sees ${id}`).toBe(false);
      for (const id of expectSeen) expect(seenKeys.has(id), `${role} misses ${id}`).toBe(true);
      // Every event of a key turned org-wide, including those from when it was personal.
      const publicEvents = seen.filter((e) => e.keyId === madePublic.key.id).map((e) => e.action);
      expect(publicEvents.sort()).toEqual(["key.created", "key.updated"]);
      const narrowed = await auditAll(users[role].client, `keyId=${othersPersonal.key.id}`);
      expect(narrowed).toEqual([]);
      // Each event they see answers as it does to an admin, key name and hint included; no
      // hidden key is named, and a deleted key is named by no one.
      const seenIds = new Set(seen.map((e) => e.id));
      expect(seen).toEqual(all.filter((e) => seenIds.has(e.id)));
      // Every key named to them is one their keys list shows, named the same.
      const listed = await listAll(users[role].client, keysPath, { includeDisabled: "true" });
      const listedById = new Map(listed.map((k) => [k.id, { name: k.name, start: k.start }]));
      for (const event of seen) {
        if (event.key) expect(event.key).toEqual(event.keyId && listedById.get(event.keyId));
      }
      for (const id of expectSeen.filter((id) => id !== deletedPublic.key.id)) {
        expect(seen.find((e) => e.keyId === id)?.key, `${role} gets ${id} named`).toBeTruthy();
      }
      for (const event of seen.filter((e) => e.keyId === deletedPublic.key.id)) {
        expect(event.key).toBeNull();
      }
    }

    const manager = await auditAll(users.personalKeysMember.client);
    expect(manager.every((e) => e.action.startsWith("key."))).toBe(true);
    for (const id of [...visibleKeys, ...hiddenKeys]) expect(keyIdsOf(manager).has(id)).toBe(true);
    expect(manager).toEqual(all.filter((e) => e.action.startsWith("key.")));

    // An admin may re-enable the removed member's key; the system's reason goes with it.
    const disabledRow = await h.deps.db.apiKey.findUniqueOrThrow({
      where: { id: leaversKey.key.id },
    });
    expect(disabledRow).toMatchObject({ enabled: false, disabledReason: expect.any(String) });
    await admin.client.patch(`${keysPath}/${leaversKey.key.id}`, { enabled: true }).expect(200);
    const reEnabled = await h.deps.db.apiKey.findUniqueOrThrow({
      where: { id: leaversKey.key.id },
    });
    expect(reEnabled).toMatchObject({ enabled: true, disabledReason: null });

    const oneKey = await auditAll(admin.client, `keyId=${othersPersonal.key.id}`);
    expect(oneKey.map((e) => e.action)).toEqual(["key.updated", "key.created"]);
    expect(oneKey[0]).toMatchObject({
      actor: { id: bystander.user.id, name: bystander.user.name },
      changes: { name: [othersPersonal.key.name, "still private"] },
    });
    // The admin sees each existing key named as it is now, after the rename too.
    for (const event of oneKey) {
      expect(event.key).toEqual({
        name: "still private",
        start: othersPersonal.secret.slice(0, 8),
      });
    }
    for (const event of all) {
      if (!event.keyId) expect(event.key).toBeNull();
      if (event.keyId === deletedPrivate.key.id || event.keyId === deletedPublic.key.id) {
        expect(event.key).toBeNull();
      }
    }
    expect(
      all
        .filter((e) => e.keyId === orgWide.key.id)
        .every((e) => e.key?.start === orgWide.secret.slice(0, 8)),
    ).toBe(true);
  });
});

import type { MemberAnswer } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import type { KeyChange } from "../src/key-verification/key-change-bus.js";
import { useHarness } from "./harness.js";

const t = useHarness(async (h) => ({ admin: await h.signup({ name: "Alice Admin" }) }));

/** The admin's org's membership of `userId`. */
const memberPath = (userId: string) => `/api/orgs/${t.admin.orgId}/members/${userId}`;

async function auditOf(action: string, subjectUserId?: string) {
  const rows = await t.h.deps.db.auditEvent.findMany({
    where: { orgId: t.admin.orgId, action, ...(subjectUserId ? { subjectUserId } : {}) },
    orderBy: { at: "asc" },
  });
  return rows.map((r) => ({ ...r, changes: JSON.parse(r.changes) as unknown }));
}

describe("members", () => {
  it("lists every member with role and grants; admins are reported with both grants", async () => {
    const bob = await t.h.member(t.admin, { role: "member", name: "Bob Member" });
    const res = await bob.client.get(`/api/orgs/${t.admin.orgId}/members`).expect(200);
    expect(res.body).toEqual([
      {
        userId: t.admin.user.id,
        email: t.admin.user.email,
        name: "Alice Admin",
        role: "admin",
        manageOrgKeys: true,
        managePersonalKeys: true,
        cannotDemoteReason: "last_admin",
      },
      {
        userId: bob.user.id,
        email: bob.user.email,
        name: "Bob Member",
        role: "member",
        manageOrgKeys: false,
        managePersonalKeys: false,
        cannotDemoteReason: null,
      },
    ] satisfies MemberAnswer[]);
  });

  it("an admin grants rights; the member's /me shows them; member.updated records the change", async () => {
    const carol = await t.h.member(t.admin, { role: "member", name: "Carol" });
    const res = await t.admin.client
      .patch(memberPath(carol.user.id), { manageOrgKeys: true })
      .expect(200);
    expect(res.body).toMatchObject({
      userId: carol.user.id,
      role: "member",
      manageOrgKeys: true,
      managePersonalKeys: false,
    });
    const me = await carol.client.get("/api/me").expect(200);
    expect(me.body.orgs[0]).toMatchObject({ id: t.admin.orgId, manageOrgKeys: true });

    const events = await auditOf("member.updated", carol.user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: t.admin.user.id,
      keyId: null,
      changes: { manageOrgKeys: [false, true] },
    });
  });

  it("promoting to admin reports both grants as true, and the old admin may then step down", async () => {
    const dave = await t.h.member(t.admin, { role: "member", name: "Dave" });
    const promoted = await t.admin.client
      .patch(memberPath(dave.user.id), { role: "admin" })
      .expect(200);
    expect(promoted.body).toMatchObject({
      role: "admin",
      manageOrgKeys: true,
      managePersonalKeys: true,
    });
    expect((await auditOf("member.updated", dave.user.id))[0]?.changes).toEqual({
      role: ["member", "admin"],
    });

    // Dave demotes Alice; there is still an admin (Dave), so it is allowed.
    const demoted = await dave.client
      .patch(memberPath(t.admin.user.id), {
        role: "member",
        managePersonalKeys: true,
      })
      .expect(200);
    expect(demoted.body).toMatchObject({
      role: "member",
      manageOrgKeys: false,
      managePersonalKeys: true,
    });
    const aliceMe = await t.admin.client.get("/api/me").expect(200);
    expect(aliceMe.body.orgs[0]).toMatchObject({ role: "member", managePersonalKeys: true });
    await t.admin.client.patch(memberPath(dave.user.id), { role: "member" }).expect(403);

    // And back, so the remaining tests have their admin.
    await dave.client.patch(memberPath(t.admin.user.id), { role: "admin" }).expect(200);
  });

  it("an admin removes a member: member.removed is recorded and the org no longer exists for them", async () => {
    const erin = await t.h.member(t.admin, { role: "member", name: "Erin" });
    await t.admin.client.delete(memberPath(erin.user.id)).expect(204);
    await erin.client.get(`/api/orgs/${t.admin.orgId}`).expect(404);
    const me = await erin.client.get("/api/me").expect(200);
    expect(me.body.orgs).toEqual([]);
    const list = await t.admin.client.get(`/api/orgs/${t.admin.orgId}/members`).expect(200);
    expect(list.body.map((m: MemberAnswer) => m.userId)).not.toContain(erin.user.id);
    const events = await auditOf("member.removed", erin.user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorId: t.admin.user.id,
      changes: { role: ["member", null] },
    });
    // The account itself stays.
    expect(await t.h.deps.db.user.count({ where: { id: erin.user.id } })).toBe(1);
  });

  it("removing a member disables their personal keys (owner_removed), leaves org-wide keys, and publishes each change", async () => {
    const frank = await t.h.member(t.admin, { role: "member", name: "Frank" });
    const createKey = async (name: string, orgWide: boolean) => {
      const res = await frank.client
        .post(`/api/orgs/${t.admin.orgId}/keys`, {
          name,
          orgWide,
          permissions: { read: true, write: true },
        })
        .expect(201);
      return res.body as { key: { id: string }; secret: string };
    };
    const personal1 = await createKey("Frank laptop", false);
    const personal2 = await createKey("Frank CI", false);
    const orgWide = await createKey("Shared ingest", true);
    // A personal key of someone else must stay as it is.
    const adminKey = (
      await t.admin.client
        .post(`/api/orgs/${t.admin.orgId}/keys`, {
          name: "Alice personal",
          orgWide: false,
          permissions: { read: true, write: false },
        })
        .expect(201)
    ).body as { key: { id: string } };

    const published: KeyChange[] = [];
    const listener = (change: KeyChange) => published.push(change);
    t.h.deps.keyChanges.on("change", listener);
    try {
      await t.admin.client.delete(memberPath(frank.user.id)).expect(204);
    } finally {
      t.h.deps.keyChanges.off("change", listener);
    }

    const rows = await t.h.deps.db.apiKey.findMany({
      where: { id: { in: [personal1.key.id, personal2.key.id, orgWide.key.id, adminKey.key.id] } },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const { key } of [personal1, personal2]) {
      expect(byId.get(key.id)).toMatchObject({ enabled: false, disabledReason: "owner_removed" });
      const seen = await t.admin.client
        .get(`/api/orgs/${t.admin.orgId}/keys/${key.id}`)
        .expect(200);
      expect(seen.body).toMatchObject({ enabled: false, disabledReason: "owner_removed" });
    }
    expect(byId.get(orgWide.key.id)).toMatchObject({ enabled: true, disabledReason: null });
    expect(byId.get(adminKey.key.id)).toMatchObject({ enabled: true });

    expect(published).toHaveLength(2);
    expect(new Set(published.map((p) => p.keyId))).toEqual(
      new Set([personal1.key.id, personal2.key.id]),
    );
    for (const p of published) expect(p.hash).toBe(byId.get(p.keyId)?.hash);

    const disabled = await auditOf("key.disabled");
    const forFrank = disabled.filter(
      (e) => e.keyId === personal1.key.id || e.keyId === personal2.key.id,
    );
    expect(forFrank).toHaveLength(2);
    for (const e of forFrank) {
      expect(e).toMatchObject({ actorId: t.admin.user.id, changes: { enabled: [true, false] } });
    }

    // Rolling such a key keeps the reason on its successor.
    const rolled = await t.admin.client
      .post(`/api/orgs/${t.admin.orgId}/keys/${personal2.key.id}/roll`, { graceSeconds: 0 })
      .expect(201);
    expect(rolled.body.key).toMatchObject({ enabled: false, disabledReason: "owner_removed" });

    // A person enabling the key (or disabling it again) replaces the system's reason.
    const keyPath = `/api/orgs/${t.admin.orgId}/keys/${personal1.key.id}`;
    const enabled = await t.admin.client.patch(keyPath, { enabled: true }).expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
    const byHand = await t.admin.client.patch(keyPath, { enabled: false }).expect(200);
    expect(byHand.body).toMatchObject({ enabled: false, disabledReason: null });
  });
});

import { describe, expect, it } from "vitest";
import { useHarness } from "./harness.js";

const t = useHarness(async (h) => {
  const admin = await h.signup();
  return { admin, member: await h.member(admin), peer: await h.member(admin) };
});

/** The admin's org's membership of `userId`. */
const memberPath = (userId: string) => `/api/orgs/${t.admin.orgId}/members/${userId}`;

async function state() {
  return {
    rows: await t.h.countRows(),
    memberships: await t.h.deps.db.membership.findMany({
      where: { orgId: t.admin.orgId },
      orderBy: { userId: "asc" },
    }),
  };
}

describe("members cannot manage members", () => {
  it.each([
    ["make themselves admin", () => t.member.user.id, { role: "admin" }],
    ["grant themselves managePersonalKeys", () => t.member.user.id, { managePersonalKeys: true }],
    ["grant a peer manageOrgKeys", () => t.peer.user.id, { manageOrgKeys: true }],
    ["demote the admin", () => t.admin.user.id, { role: "member" }],
  ])("%s → 403, nothing changed", async (_label, target, body) => {
    const before = await state();
    const res = await t.member.client.patch(memberPath(target()), body).expect(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(await state()).toEqual(before);
  });

  it.each([
    ["remove a peer", () => t.peer.user.id],
    ["remove the admin", () => t.admin.user.id],
    ["remove themselves", () => t.member.user.id],
  ])("%s → 403, nothing changed", async (_label, target) => {
    const before = await state();
    await t.member.client.delete(memberPath(target())).expect(403);
    expect(await state()).toEqual(before);
  });

  it("a granted member (both grants) still cannot manage members or invite", async () => {
    await t.admin.client
      .patch(memberPath(t.peer.user.id), {
        manageOrgKeys: true,
        managePersonalKeys: true,
      })
      .expect(200);
    const before = await state();
    await t.peer.client.patch(memberPath(t.member.user.id), { role: "admin" }).expect(403);
    await t.peer.client
      .post(`/api/orgs/${t.admin.orgId}/invites`, { email: "x@example.com", role: "admin" })
      .expect(403);
    expect(await state()).toEqual(before);
  });

  it("an admin who has just been demoted loses the right on their next call", async () => {
    const second = await t.h.member(t.admin, { role: "admin" });
    await t.admin.client.patch(memberPath(second.user.id), { role: "member" }).expect(200);
    await second.client.patch(memberPath(t.admin.user.id), { role: "member" }).expect(403);
  });

  it("a removed member's session no longer reaches the org", async () => {
    const leaving = await t.h.member(t.admin);
    await t.admin.client.delete(memberPath(leaving.user.id)).expect(204);
    await leaving.client.get(`/api/orgs/${t.admin.orgId}/members`).expect(404);
    await leaving.client.get(`/api/orgs/${t.admin.orgId}/keys`).expect(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type Member, type SignedIn } from "./harness.js";

let h: Harness;
let admin: SignedIn;
let member: Member;
let peer: Member;
beforeAll(async () => {
  h = await createHarness();
  admin = await h.signup();
  member = await h.member(admin);
  peer = await h.member(admin);
});
afterAll(async () => {
  await h?.close();
});

async function state() {
  return {
    rows: await h.countRows(),
    memberships: await h.deps.db.membership.findMany({
      where: { orgId: admin.orgId },
      orderBy: { userId: "asc" },
    }),
  };
}

describe("members cannot manage members", () => {
  it.each([
    ["make themselves admin", () => member.user.id, { role: "admin" }],
    ["grant themselves managePersonalKeys", () => member.user.id, { managePersonalKeys: true }],
    ["grant a peer manageOrgKeys", () => peer.user.id, { manageOrgKeys: true }],
    ["demote the admin", () => admin.user.id, { role: "member" }],
  ])("%s → 403, nothing changed", async (_label, target, body) => {
    const before = await state();
    const res = await member.client
      .patch(`/api/orgs/${admin.orgId}/members/${target()}`, body)
      .expect(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(await state()).toEqual(before);
  });

  it.each([
    ["remove a peer", () => peer.user.id],
    ["remove the admin", () => admin.user.id],
    ["remove themselves", () => member.user.id],
  ])("%s → 403, nothing changed", async (_label, target) => {
    const before = await state();
    await member.client.delete(`/api/orgs/${admin.orgId}/members/${target()}`).expect(403);
    expect(await state()).toEqual(before);
  });

  it("a granted member (both grants) still cannot manage members or invite", async () => {
    await admin.client
      .patch(`/api/orgs/${admin.orgId}/members/${peer.user.id}`, {
        manageOrgKeys: true,
        managePersonalKeys: true,
      })
      .expect(200);
    const before = await state();
    await peer.client
      .patch(`/api/orgs/${admin.orgId}/members/${member.user.id}`, { role: "admin" })
      .expect(403);
    await peer.client
      .post(`/api/orgs/${admin.orgId}/invites`, { email: "x@example.com", role: "admin" })
      .expect(403);
    expect(await state()).toEqual(before);
  });

  it("an admin who has just been demoted loses the right on their next call", async () => {
    const second = await h.member(admin, { role: "admin" });
    await admin.client
      .patch(`/api/orgs/${admin.orgId}/members/${second.user.id}`, { role: "member" })
      .expect(200);
    await second.client
      .patch(`/api/orgs/${admin.orgId}/members/${admin.user.id}`, { role: "member" })
      .expect(403);
  });

  it("a removed member's session no longer reaches the org", async () => {
    const leaving = await h.member(admin);
    await admin.client.delete(`/api/orgs/${admin.orgId}/members/${leaving.user.id}`).expect(204);
    await leaving.client.get(`/api/orgs/${admin.orgId}/members`).expect(404);
    await leaving.client.get(`/api/orgs/${admin.orgId}/keys`).expect(404);
  });
});

// Admins list, renew and revoke pending invites; an invite dies with its author's admin rights.
import type { AuditEventAnswer, InviteAnswer, Page, PendingInviteAnswer } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { Client, PASSWORD, uniqueEmail, useHarness } from "./harness.js";

const t = useHarness(async (h) => ({
  admin: await h.signup({ name: "Ada Admin", orgName: "Invites Managed" }),
}));

const invitesPath = () => `/api/orgs/${t.admin.orgId}/invites`;

async function pendingInvites(client: Client, orgId = t.admin.orgId) {
  const res = await client.get(`/api/orgs/${orgId}/invites`).expect(200);
  return res.body as PendingInviteAnswer[];
}

function accept(token: string) {
  return new Client(t.h.app).post(`/api/invites/${token}/accept`, {
    name: "Late Joiner",
    password: PASSWORD,
  });
}

async function auditItems(): Promise<AuditEventAnswer[]> {
  const res = await t.admin.client.get(`/api/orgs/${t.admin.orgId}/audit?limit=100`).expect(200);
  return (res.body as Page<AuditEventAnswer>).items;
}

describe("pending invites", () => {
  it("are listed for admins with email, role, inviter and expiry, never a token", async () => {
    const email = uniqueEmail("listed");
    const created = await t.h.invite(t.admin, email, "admin");
    const listed = await pendingInvites(t.admin.client);
    const item = listed.find((i) => i.id === created.id);
    expect(item).toEqual({
      id: created.id,
      email,
      role: "admin",
      invitedBy: { id: t.admin.user.id, name: "Ada Admin" },
      createdAt: expect.any(String),
      expiresAt: created.expiresAt,
    });
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });

  it("used invites are no longer pending", async () => {
    const created = await t.h.invite(t.admin, uniqueEmail("used"));
    await accept(created.token).expect(200);
    expect((await pendingInvites(t.admin.client)).map((i) => i.id)).not.toContain(created.id);
  });

  it("members who are not admins can't list, renew or revoke them (403)", async () => {
    const created = await t.h.invite(t.admin, uniqueEmail("guarded"));
    const member = await t.h.member(t.admin, { role: "member", name: "Mo Member" });
    await member.client.get(invitesPath()).expect(403);
    await member.client.post(`${invitesPath()}/${created.id}/renew`).expect(403);
    await member.client.delete(`${invitesPath()}/${created.id}`).expect(403);
    await accept(created.token).expect(200);
  });

  it("revoked: gone from the list, accepting is 404, invite.revoked is audited", async () => {
    const email = uniqueEmail("revoked");
    const created = await t.h.invite(t.admin, email);
    await t.admin.client.delete(`${invitesPath()}/${created.id}`).expect(204);
    expect((await pendingInvites(t.admin.client)).map((i) => i.id)).not.toContain(created.id);
    await new Client(t.h.app).get(`/api/invites/${created.token}`).expect(404);
    await accept(created.token).expect(404);
    await t.admin.client.delete(`${invitesPath()}/${created.id}`).expect(404);
    const [latest] = await auditItems();
    expect(latest).toMatchObject({
      action: "invite.revoked",
      actor: { id: t.admin.user.id },
      changes: { email: [email, null], role: ["member", null] },
    });
  });

  it("renewed: a new link works, the old one is 404, and the expiry starts again", async () => {
    const created = await t.h.invite(t.admin, uniqueEmail("renewed"));
    const res = await t.admin.client.post(`${invitesPath()}/${created.id}/renew`).expect(200);
    const renewed = res.body as InviteAnswer;
    expect(renewed.id).toBe(created.id);
    expect(renewed.token).not.toBe(created.token);
    expect(renewed.url).toContain(renewed.token);
    await accept(created.token).expect(404);
    await accept(renewed.token).expect(200);
  });

  it("another org's invite does not exist for this admin (404)", async () => {
    const other = await t.h.signup({ orgName: "Elsewhere" });
    const theirs = (
      await other.client
        .post(`/api/orgs/${other.orgId}/invites`, { email: uniqueEmail("theirs"), role: "member" })
        .expect(201)
    ).body as InviteAnswer;
    await t.admin.client.delete(`${invitesPath()}/${theirs.id}`).expect(404);
    await t.admin.client.post(`${invitesPath()}/${theirs.id}/renew`).expect(404);
    await accept(theirs.token).expect(200);
  });
});

describe("an invite's author", () => {
  it("removed: their pending invites are revoked and can't be accepted", async () => {
    const author = await t.h.member(t.admin, { role: "admin", name: "Removed Author" });
    const authorSession = { ...t.admin, client: author.client, user: author.user };
    const created = await t.h.invite(authorSession, uniqueEmail("orphan"), "admin");
    await t.admin.client.delete(`/api/orgs/${t.admin.orgId}/members/${author.user.id}`).expect(204);
    expect((await pendingInvites(t.admin.client)).map((i) => i.id)).not.toContain(created.id);
    await accept(created.token).expect(404);
    const revoked = (await auditItems()).find(
      (e) => e.action === "invite.revoked" && e.changes.email?.[0] !== undefined,
    );
    expect(revoked?.actor.id).toBe(t.admin.user.id);
  });

  it("demoted: their pending invites are revoked and can't be accepted", async () => {
    const author = await t.h.member(t.admin, { role: "admin", name: "Demoted Author" });
    const authorSession = { ...t.admin, client: author.client, user: author.user };
    const created = await t.h.invite(authorSession, uniqueEmail("demoted"), "admin");
    await t.admin.client
      .patch(`/api/orgs/${t.admin.orgId}/members/${author.user.id}`, { role: "member" })
      .expect(200);
    expect((await pendingInvites(t.admin.client)).map((i) => i.id)).not.toContain(created.id);
    await accept(created.token).expect(404);
  });

  it("an invite whose author lost admin rights without the revoke is still refused on accept", async () => {
    const author = await t.h.member(t.admin, { role: "admin", name: "Bypassed Author" });
    const authorSession = { ...t.admin, client: author.client, user: author.user };
    const created = await t.h.invite(authorSession, uniqueEmail("bypassed"));
    // As if a demotion had raced past the revoke: the accept checks the author itself.
    await t.h.deps.db.membership.update({
      where: { orgId_userId: { orgId: t.admin.orgId, userId: author.user.id } },
      data: { role: "member" },
    });
    await new Client(t.h.app).get(`/api/invites/${created.token}`).expect(404);
    await accept(created.token).expect(404);
  });
});

describe("the audit log names the member an event is about", () => {
  it("member.updated carries the member as subject", async () => {
    const member = await t.h.member(t.admin, { role: "member", name: "Subject Sam" });
    await t.admin.client
      .patch(`/api/orgs/${t.admin.orgId}/members/${member.user.id}`, { manageOrgKeys: true })
      .expect(200);
    const [latest] = await auditItems();
    expect(latest).toMatchObject({
      action: "member.updated",
      subject: { id: member.user.id, name: "Subject Sam", email: member.user.email },
      changes: { manageOrgKeys: [false, true] },
    });
  });
});

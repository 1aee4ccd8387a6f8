import { createHash } from "node:crypto";
import type { InviteAnswer, SessionAnswer } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { INVITE_TTL_MS } from "../src/services/invites.js";
import { Client, uniqueEmail, useHarness } from "./harness.js";

const t = useHarness(async (h) => ({ admin: await h.signup({ orgName: "Invitations Inc" }) }));

describe("creating an invite", () => {
  it("answers 201 {id, token, url, expiresAt}: a one-time link valid 7 days, stored only as a hash", async () => {
    const email = uniqueEmail("new");
    const res = await t.admin.client
      .post(`/api/orgs/${t.admin.orgId}/invites`, {
        email: `  ${email.toUpperCase()}`,
        role: "member",
      })
      .expect(201);
    const body = res.body as InviteAnswer;
    expect(Object.keys(body).sort()).toEqual(["expiresAt", "id", "token", "url"]);
    expect(body.id).toMatch(/^inv_/);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/invites/${body.token}$`));
    const ttl = new Date(body.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(INVITE_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(INVITE_TTL_MS);

    const row = await t.h.deps.db.invite.findUniqueOrThrow({ where: { id: body.id } });
    expect(row).toMatchObject({
      email,
      role: "member",
      invitedById: t.admin.user.id,
      acceptedAt: null,
    });
    expect(row.tokenHash).toBe(createHash("sha256").update(body.token).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(body.token);

    const events = await t.h.deps.db.auditEvent.findMany({
      where: { orgId: t.admin.orgId, action: "member.invited" },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.actorId).toBe(t.admin.user.id);
    expect(JSON.parse(events[0]?.changes ?? "{}")).toEqual({
      email: [null, email],
      role: [null, "member"],
    });
  });

  it("the link uses PUBLIC_URL when it is set", async () => {
    const { app } = createApp({
      ...t.h.deps,
      env: { ...t.h.deps.env, PUBLIC_URL: "https://keys.example.com/" },
    });
    const client = new Client(app);
    await client
      .post("/api/auth/login", { email: t.admin.user.email, password: t.admin.password })
      .expect(200);
    const res = await client
      .post(`/api/orgs/${t.admin.orgId}/invites`, { email: uniqueEmail(), role: "admin" })
      .expect(201);
    expect(res.body.url).toBe(`https://keys.example.com/invites/${res.body.token}`);
  });
});

describe("reading and accepting an invite", () => {
  it("anyone holding the link sees what it is for", async () => {
    const email = uniqueEmail("preview");
    const created = await t.h.invite(t.admin, email, "admin");
    const res = await t.h.anonymous().get(`/api/invites/${created.token}`).expect(200);
    expect(res.body).toEqual({
      orgId: t.admin.orgId,
      orgName: "Invitations Inc",
      email,
      role: "admin",
      expiresAt: created.expiresAt,
    });
  });

  it("a new person picks a name and password and gets an account with the invited email", async () => {
    const email = uniqueEmail("newbie");
    const { token } = await t.h.invite(t.admin, email, "member");
    const client = t.h.anonymous();
    const res = await client
      .post(`/api/invites/${token}/accept`, { name: " Nora New ", password: "a long new password" })
      .expect(200);
    const body = res.body as SessionAnswer;
    expect(body.user).toEqual({ id: expect.stringMatching(/^usr_/), email, name: "Nora New" });
    expect(body.orgs).toEqual([
      {
        id: t.admin.orgId,
        name: "Invitations Inc",
        role: "member",
        manageOrgKeys: false,
        managePersonalKeys: false,
        orgKeyPolicy: "everyone",
        capabilities: expect.objectContaining({ manageMembers: false, updateOrg: false }),
      },
    ]);
    expect(String(res.headers["set-cookie"])).toMatch(/kw_session=.+HttpOnly/i);
    await client.get("/api/me").expect(200);

    const user = await t.h.deps.db.user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash).toMatch(/^\$2b\$12\$/);
    // The new account signs in like any other.
    await t.h
      .anonymous()
      .post("/api/auth/login", { email, password: "a long new password" })
      .expect(200);

    const joined = await t.h.deps.db.auditEvent.findMany({
      where: { orgId: t.admin.orgId, action: "member.joined", subjectUserId: user.id },
    });
    expect(joined).toHaveLength(1);
    expect(joined[0]?.actorId).toBe(user.id);
    expect(JSON.parse(joined[0]?.changes ?? "{}")).toEqual({ role: [null, "member"] });

    // One time only.
    await t.h.anonymous().get(`/api/invites/${token}`).expect(404);
  });

  it("a signed-in user whose email matches joins as they are, keeping their other orgs", async () => {
    const existing = await t.h.signup({ email: uniqueEmail("existing"), orgName: "Their Own" });
    const { token } = await t.h.invite(t.admin, existing.user.email.toUpperCase(), "admin");
    const res = await existing.client.post(`/api/invites/${token}/accept`).expect(200);
    const body = res.body as SessionAnswer;
    expect(body.user).toEqual(existing.user);
    expect(body.orgs.map((o) => [o.id, o.role])).toEqual([
      [existing.orgId, "admin"],
      [t.admin.orgId, "admin"],
    ]);
    // Same password as before; no second account.
    expect(await t.h.deps.db.user.count({ where: { email: existing.user.email } })).toBe(1);
    await existing.client.get(`/api/orgs/${t.admin.orgId}/members`).expect(200);
  });
});

import { describe, expect, it } from "vitest";
import { uniqueEmail, useHarness } from "./harness.js";
import { fieldsOf } from "./support/error-answers.js";

const t = useHarness(async (h) => {
  const admin = await h.signup();
  return { admin, member: await h.member(admin) };
});

const NEW_PERSON = { name: "New Person", password: "a long enough password" };

describe("creating invites", () => {
  it("a member who is not an admin → 403, no invite", async () => {
    const rows = await t.h.countRows();
    const res = await t.member.client
      .post(`/api/orgs/${t.admin.orgId}/invites`, { email: uniqueEmail(), role: "member" })
      .expect(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(await t.h.countRows()).toEqual(rows);
  });

  it("inviting someone who is already a member (any case) → 409, no invite", async () => {
    const rows = await t.h.countRows();
    for (const email of [t.member.user.email, t.admin.user.email.toUpperCase()]) {
      const res = await t.admin.client
        .post(`/api/orgs/${t.admin.orgId}/invites`, { email, role: "admin" })
        .expect(409);
      expect(res.body.error.code).toBe("conflict");
    }
    expect(await t.h.countRows()).toEqual(rows);
  });

  const cases: [string, unknown, string][] = [
    ["missing email", { role: "member" }, "email"],
    ["missing role", { email: "a@example.com" }, "role"],
    ["bad email", { email: "nope", role: "member" }, "email"],
    ["email a number", { email: 5, role: "member" }, "email"],
    ["unknown role", { email: "a@example.com", role: "owner" }, "role"],
    [
      "unknown field",
      { email: "a@example.com", role: "member", expiresAt: "2099-01-01" },
      "expiresAt",
    ],
    ["array body", [], "body"],
  ];
  it.each(cases)("%s → 400 naming %s, no invite", async (_label, body, field) => {
    const rows = await t.h.countRows();
    const res = await t.admin.client
      .sendJson("POST", `/api/orgs/${t.admin.orgId}/invites`, JSON.stringify(body))
      .expect(400);
    expect(res.body.error.code).toBe("invalid_request");
    expect(fieldsOf(res)).toContain(field);
    expect(await t.h.countRows()).toEqual(rows);
  });

  it("malformed JSON → 400, huge body → 413", async () => {
    await t.admin.client.sendJson("POST", `/api/orgs/${t.admin.orgId}/invites`, "{").expect(400);
    await t.admin.client
      .post(`/api/orgs/${t.admin.orgId}/invites`, {
        email: "a@example.com",
        role: "member",
        pad: "x".repeat(1_100_000),
      })
      .expect(413);
  });
});

describe("unusable invites → 404", () => {
  it("an unknown token", async () => {
    await t.h.anonymous().get("/api/invites/not-a-real-token").expect(404);
    const res = await t.h
      .anonymous()
      .post("/api/invites/not-a-real-token/accept", NEW_PERSON)
      .expect(404);
    expect(res.body.error.code).toBe("not_found");
  });

  it("an expired invite, on read and on accept, and nothing is written", async () => {
    const email = uniqueEmail("late");
    const created = await t.h.invite(t.admin, email);
    await t.h.deps.db.invite.update({
      where: { id: created.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const rows = await t.h.countRows();
    await t.h.anonymous().get(`/api/invites/${created.token}`).expect(404);
    await t.h.anonymous().post(`/api/invites/${created.token}/accept`, NEW_PERSON).expect(404);
    expect(await t.h.countRows()).toEqual(rows);
    expect(await t.h.deps.db.user.count({ where: { email } })).toBe(0);
  });

  it("a used invite, for a new person and for the same person again", async () => {
    const email = uniqueEmail("twice");
    const { token } = await t.h.invite(t.admin, email);
    const first = t.h.anonymous();
    await first.post(`/api/invites/${token}/accept`, NEW_PERSON).expect(200);
    await t.h.anonymous().post(`/api/invites/${token}/accept`, NEW_PERSON).expect(404);
    await first.post(`/api/invites/${token}/accept`).expect(404);
  });

  it("two people racing to accept one invite: exactly one account is made", async () => {
    const email = uniqueEmail("race");
    const { token } = await t.h.invite(t.admin, email);
    const results = await Promise.all(
      [1, 2, 3].map(() => t.h.anonymous().post(`/api/invites/${token}/accept`, NEW_PERSON)),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    for (const s of statuses.slice(1)) expect([404, 409]).toContain(s);
    expect(await t.h.deps.db.user.count({ where: { email } })).toBe(1);
  });
});

describe("accepting with the wrong person or missing data", () => {
  it("a signed-in user with another email → 403, and the invite stays usable", async () => {
    const email = uniqueEmail("intended");
    const { token } = await t.h.invite(t.admin, email, "admin");
    const rows = await t.h.countRows();
    const res = await t.member.client.post(`/api/invites/${token}/accept`, NEW_PERSON).expect(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(await t.h.countRows()).toEqual(rows);
    await t.h.anonymous().get(`/api/invites/${token}`).expect(200);
  });

  it("accepting when already a member → 409", async () => {
    const other = await t.h.signup();
    const first = await t.h.invite(t.admin, other.user.email);
    const second = await t.h.invite(t.admin, other.user.email, "admin");
    await other.client.post(`/api/invites/${first.token}/accept`).expect(200);
    const rows = await t.h.countRows();
    const res = await other.client.post(`/api/invites/${second.token}/accept`).expect(409);
    expect(res.body.error.code).toBe("conflict");
    expect(await t.h.countRows()).toEqual(rows);
    const membership = await t.h.deps.db.membership.findUniqueOrThrow({
      where: { orgId_userId: { orgId: t.admin.orgId, userId: other.user.id } },
    });
    expect(membership.role).toBe("member");
  });

  it("signed out, for an email that already has an account → 401 (sign in first)", async () => {
    const other = await t.h.signup();
    const { token } = await t.h.invite(t.admin, other.user.email);
    const rows = await t.h.countRows();
    const res = await t.h.anonymous().post(`/api/invites/${token}/accept`, NEW_PERSON).expect(401);
    expect(res.body.error.code).toBe("unauthenticated");
    expect(await t.h.countRows()).toEqual(rows);
  });

  const cases: [string, unknown, string[]][] = [
    ["no body", undefined, ["name", "password"]],
    ["name only", { name: "Only Name" }, ["password"]],
    ["password only", { password: "a long enough password" }, ["name"]],
    ["short password", { name: "N", password: "short" }, ["password"]],
    ["over-long password", { name: "N", password: "p".repeat(201) }, ["password"]],
    ["whitespace name", { name: "   ", password: "a long enough password" }, ["name"]],
    ["over-long name", { name: "n".repeat(101), password: "a long enough password" }, ["name"]],
    ["name a number", { name: 3, password: "a long enough password" }, ["name"]],
    ["unknown field", { ...NEW_PERSON, email: "me@evil.example" }, ["email"]],
    ["array body", [NEW_PERSON], ["body"]],
  ];
  it.each(cases)(
    "a new person with %s → 400 naming %j, nothing written",
    async (_l, body, named) => {
      const email = uniqueEmail("incomplete");
      const { token } = await t.h.invite(t.admin, email);
      const rows = await t.h.countRows();
      const req = t.h.anonymous().post(`/api/invites/${token}/accept`);
      const res = await (body === undefined
        ? req
        : req.set("Content-Type", "application/json").send(JSON.stringify(body))
      ).expect(400);
      expect(res.body.error.code).toBe("invalid_request");
      for (const field of named) expect(fieldsOf(res)).toContain(field);
      expect(await t.h.countRows()).toEqual(rows);
      await t.h.anonymous().get(`/api/invites/${token}`).expect(200);
    },
  );

  it("malformed JSON → 400", async () => {
    const { token } = await t.h.invite(t.admin, uniqueEmail());
    const res = await t.h
      .anonymous()
      .sendJson("POST", `/api/invites/${token}/accept`, '{"name":"x",')
      .expect(400);
    expect(fieldsOf(res)).toEqual(["body"]);
  });
});

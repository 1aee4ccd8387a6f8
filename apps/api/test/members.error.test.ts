import { describe, expect, it } from "vitest";
import { useHarness } from "./harness.js";
import { expectInvalid } from "./support/error-answers.js";

const t = useHarness(async (h) => {
  const admin = await h.signup();
  const stranger = await h.signup();
  return { admin, stranger, member: await h.member(admin) };
});

/** The admin's org's membership of `userId`. */
const memberPath = (userId: string) => `/api/orgs/${t.admin.orgId}/members/${userId}`;

async function memberships(orgId = t.admin.orgId) {
  return t.h.deps.db.membership.findMany({ where: { orgId }, orderBy: { userId: "asc" } });
}

describe("last-admin guard", () => {
  it("the only admin cannot demote themselves → 409, nothing changed", async () => {
    const before = await memberships();
    const rows = await t.h.countRows();
    const res = await t.admin.client
      .patch(memberPath(t.admin.user.id), { role: "member" })
      .expect(409);
    expect(res.body.error.code).toBe("conflict");
    expect(await memberships()).toEqual(before);
    expect(await t.h.countRows()).toEqual(rows);
  });

  it("the only admin cannot remove themselves → 409, nothing changed", async () => {
    const before = await memberships();
    const rows = await t.h.countRows();
    const res = await t.admin.client.delete(memberPath(t.admin.user.id)).expect(409);
    expect(res.body.error.code).toBe("conflict");
    expect(await memberships()).toEqual(before);
    expect(await t.h.countRows()).toEqual(rows);
  });

  it("the only admin may still change their own grants (role unchanged)", async () => {
    await t.admin.client
      .patch(memberPath(t.admin.user.id), {
        role: "admin",
        manageOrgKeys: false,
      })
      .expect(200);
  });

  it("two admins demoting each other at the same moment: exactly one wins", async () => {
    for (let round = 0; round < 3; round++) {
      const owner = await t.h.signup();
      const second = await t.h.member(owner, { role: "admin" });
      const results = await Promise.all([
        owner.client.patch(`/api/orgs/${owner.orgId}/members/${second.user.id}`, {
          role: "member",
        }),
        second.client.patch(`/api/orgs/${owner.orgId}/members/${owner.user.id}`, {
          role: "member",
        }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const admins = await t.h.deps.db.membership.count({
        where: { orgId: owner.orgId, role: "admin" },
      });
      expect(admins).toBe(1);
    }
  });

  it("two admins each stepping down (demote self / remove self) at once: one admin remains", async () => {
    const owner = await t.h.signup();
    const second = await t.h.member(owner, { role: "admin" });
    const results = await Promise.all([
      owner.client.patch(`/api/orgs/${owner.orgId}/members/${owner.user.id}`, { role: "member" }),
      second.client.delete(`/api/orgs/${owner.orgId}/members/${second.user.id}`),
    ]);
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 409)).toHaveLength(1);
    expect(
      await t.h.deps.db.membership.count({ where: { orgId: owner.orgId, role: "admin" } }),
    ).toBe(1);
  });
});

describe("unknown members", () => {
  it.each([
    ["a user of another org", () => t.stranger.user.id],
    ["an id that does not exist", () => "usr_doesnotexist"],
  ])("PATCH and DELETE for %s → 404", async (_label, id) => {
    const rows = await t.h.countRows();
    const patch = await t.admin.client.patch(memberPath(id()), { role: "admin" }).expect(404);
    expect(patch.body.error.code).toBe("not_found");
    const del = await t.admin.client.delete(memberPath(id())).expect(404);
    expect(del.body.error.code).toBe("not_found");
    expect(await t.h.countRows()).toEqual(rows);
    expect(await memberships(t.stranger.orgId)).toHaveLength(1);
  });

  it("removing someone twice → 404 the second time", async () => {
    const gone = await t.h.member(t.admin);
    await t.admin.client.delete(memberPath(gone.user.id)).expect(204);
    await t.admin.client.delete(memberPath(gone.user.id)).expect(404);
  });
});

describe("PATCH member bad input", () => {
  const cases: [string, unknown, string][] = [
    ["unknown role", { role: "owner" }, "role"],
    ["role a number", { role: 1 }, "role"],
    ["role null", { role: null }, "role"],
    ["grant as a string", { manageOrgKeys: "true" }, "manageOrgKeys"],
    ["grant as a number", { managePersonalKeys: 1 }, "managePersonalKeys"],
    ["unknown field", { role: "admin", orgId: "org_x" }, "orgId"],
    ["an array", [{ role: "admin" }], "body"],
    ["a string", "admin", "body"],
  ];
  it.each(cases)("%s → 400 naming %s, nothing written", async (_label, body, field) => {
    const before = await memberships();
    const rows = await t.h.countRows();
    const res = await t.admin.client.sendJson(
      "PATCH",
      memberPath(t.member.user.id),
      JSON.stringify(body),
    );
    expectInvalid(res, field);
    expect(await memberships()).toEqual(before);
    expect(await t.h.countRows()).toEqual(rows);
  });

  it("malformed JSON → 400 and a huge body → 413, nothing written", async () => {
    const before = await memberships();
    await t.admin.client
      .sendJson("PATCH", memberPath(t.member.user.id), '{"role": "admin"')
      .expect(400);
    const huge = await t.admin.client
      .patch(memberPath(t.member.user.id), {
        role: "admin",
        pad: "x".repeat(1_048_577),
      })
      .expect(413);
    expect(huge.body.error.code).toBe("payload_too_large");
    expect(await memberships()).toEqual(before);
  });

  it("no body → 400", async () => {
    const res = await t.admin.client.patch(memberPath(t.member.user.id)).expect(400);
    expect(res.body.error.code).toBe("invalid_request");
  });
});

import { describe, expect, it } from "vitest";
import { useHarness } from "./harness.js";
import { expectInvalid } from "./support/error-answers.js";

const t = useHarness(async (h) => {
  const admin = await h.signup({ orgName: "Original" });
  return { admin, member: await h.member(admin) };
});

async function orgRow() {
  return t.h.deps.db.org.findUniqueOrThrow({ where: { id: t.admin.orgId } });
}

describe("PATCH /api/orgs/:orgId errors", () => {
  it("a member who is not an admin → 403, nothing changed", async () => {
    const before = await orgRow();
    const rows = await t.h.countRows();
    const res = await t.member.client
      .patch(`/api/orgs/${t.admin.orgId}`, { name: "Hijacked", orgKeyPolicy: "restricted" })
      .expect(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(await orgRow()).toEqual(before);
    expect(await t.h.countRows()).toEqual(rows);
  });

  const cases: [string, unknown, string][] = [
    ["empty name", { name: "" }, "name"],
    ["whitespace name", { name: "  \n " }, "name"],
    ["over-long name", { name: "n".repeat(101) }, "name"],
    ["name a number", { name: 7 }, "name"],
    ["name null", { name: null }, "name"],
    ["unknown policy", { orgKeyPolicy: "admins" }, "orgKeyPolicy"],
    ["policy a boolean", { orgKeyPolicy: true }, "orgKeyPolicy"],
    ["unknown field", { name: "Fine", rateLimitPerSecond: 1e9 }, "rateLimitPerSecond"],
    ["id smuggled in", { id: "org_other" }, "id"],
    ["array body", [{ name: "x" }], "body"],
  ];
  it.each(cases)("%s → 400 naming %s, nothing written", async (_label, body, field) => {
    const before = await orgRow();
    const rows = await t.h.countRows();
    const res = await t.admin.client.sendJson(
      "PATCH",
      `/api/orgs/${t.admin.orgId}`,
      JSON.stringify(body),
    );
    expectInvalid(res, field);
    expect(await orgRow()).toEqual(before);
    expect(await t.h.countRows()).toEqual(rows);
  });

  it("malformed JSON → 400, a body over 1 MB → 413", async () => {
    const bad = await t.admin.client
      .sendJson("PATCH", `/api/orgs/${t.admin.orgId}`, '{"name":')
      .expect(400);
    expect(bad.body.error.details).toEqual([{ field: "body", message: expect.any(String) }]);
    const huge = await t.admin.client
      .patch(`/api/orgs/${t.admin.orgId}`, { name: "x".repeat(2_000_000) })
      .expect(413);
    expect(huge.body.error.code).toBe("payload_too_large");
    expect((await orgRow()).name).toBe("Original");
  });
});

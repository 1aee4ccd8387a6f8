import { describe, expect, it } from "vitest";
import { useHarness } from "./harness.js";

const t = useHarness(async (h) => ({ admin: await h.signup({ orgName: "Acme" }) }));

describe("GET/PATCH /api/orgs/:orgId", () => {
  it("answers the org and its default key policy", async () => {
    const res = await t.admin.client.get(`/api/orgs/${t.admin.orgId}`).expect(200);
    expect(res.body).toEqual({
      id: t.admin.orgId,
      name: "Acme",
      orgKeyPolicy: "everyone",
      maxKeyLifetimeDays: null,
    });
  });

  it("an admin renames the org and restricts org-wide keys; one org.updated event records both", async () => {
    const res = await t.admin.client
      .patch(`/api/orgs/${t.admin.orgId}`, { name: "  Acme Corp ", orgKeyPolicy: "restricted" })
      .expect(200);
    expect(res.body).toEqual({
      id: t.admin.orgId,
      name: "Acme Corp",
      orgKeyPolicy: "restricted",
      maxKeyLifetimeDays: null,
    });
    const again = await t.admin.client.get(`/api/orgs/${t.admin.orgId}`).expect(200);
    expect(again.body).toEqual(res.body);

    const events = await t.h.deps.db.auditEvent.findMany({
      where: { orgId: t.admin.orgId, action: "org.updated" },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.actorId).toBe(t.admin.user.id);
    expect(JSON.parse(events[0]?.changes ?? "{}")).toEqual({
      name: ["Acme", "Acme Corp"],
      orgKeyPolicy: ["everyone", "restricted"],
    });
  });

  it("a PATCH that changes nothing writes no audit event", async () => {
    const before = await t.h.deps.db.auditEvent.count({ where: { orgId: t.admin.orgId } });
    await t.admin.client.patch(`/api/orgs/${t.admin.orgId}`, { name: "Acme Corp" }).expect(200);
    await t.admin.client.patch(`/api/orgs/${t.admin.orgId}`, {}).expect(200);
    expect(await t.h.deps.db.auditEvent.count({ where: { orgId: t.admin.orgId } })).toBe(before);
  });

  it("members read the org too", async () => {
    const member = await t.h.member(t.admin);
    const res = await member.client.get(`/api/orgs/${t.admin.orgId}`).expect(200);
    expect(res.body.id).toBe(t.admin.orgId);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type SignedIn } from "./harness.js";

let h: Harness;
let admin: SignedIn;
beforeAll(async () => {
  h = await createHarness();
  admin = await h.signup({ orgName: "Acme" });
});
afterAll(async () => {
  await h?.close();
});

describe("GET/PATCH /api/orgs/:orgId", () => {
  it("answers the org and its default key policy", async () => {
    const res = await admin.client.get(`/api/orgs/${admin.orgId}`).expect(200);
    expect(res.body).toEqual({
      id: admin.orgId,
      name: "Acme",
      orgKeyPolicy: "everyone",
      maxKeyLifetimeDays: null,
    });
  });

  it("an admin renames the org and restricts org-wide keys; one org.updated event records both", async () => {
    const res = await admin.client
      .patch(`/api/orgs/${admin.orgId}`, { name: "  Acme Corp ", orgKeyPolicy: "restricted" })
      .expect(200);
    expect(res.body).toEqual({
      id: admin.orgId,
      name: "Acme Corp",
      orgKeyPolicy: "restricted",
      maxKeyLifetimeDays: null,
    });
    const again = await admin.client.get(`/api/orgs/${admin.orgId}`).expect(200);
    expect(again.body).toEqual(res.body);

    const events = await h.deps.db.auditEvent.findMany({
      where: { orgId: admin.orgId, action: "org.updated" },
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.actorId).toBe(admin.user.id);
    expect(JSON.parse(events[0]?.changes ?? "{}")).toEqual({
      name: ["Acme", "Acme Corp"],
      orgKeyPolicy: ["everyone", "restricted"],
    });
  });

  it("a PATCH that changes nothing writes no audit event", async () => {
    const before = await h.deps.db.auditEvent.count({ where: { orgId: admin.orgId } });
    await admin.client.patch(`/api/orgs/${admin.orgId}`, { name: "Acme Corp" }).expect(200);
    await admin.client.patch(`/api/orgs/${admin.orgId}`, {}).expect(200);
    expect(await h.deps.db.auditEvent.count({ where: { orgId: admin.orgId } })).toBe(before);
  });

  it("members read the org too", async () => {
    const member = await h.member(admin);
    const res = await member.client.get(`/api/orgs/${admin.orgId}`).expect(200);
    expect(res.body.id).toBe(admin.orgId);
  });
});

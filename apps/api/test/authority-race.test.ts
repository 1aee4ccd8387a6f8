// Authority is decided when a change commits: requests racing a removal or a demotion through
// HTTP change nothing once it has committed. On PostgreSQL (TEST_DATABASE_URL) this exercises the
// org row lock; on SQLite, the single writer that serialises the same transactions.

import { setTimeout as sleep } from "node:timers/promises";
import type { KeyWithSecretAnswer } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { uniqueEmail, useHarness } from "./harness.js";
import { machine } from "./v1-fixtures.js";

const TRIALS = 10;
const LOOPS = 4;

const t = useHarness(async (h) => ({
  admin: await h.signup({ name: "Ada Admin", orgName: "Racing" }),
}));

/** Runs `step` in `LOOPS` parallel loops until `stop()` is called; answers when they end. */
function loop(step: (i: number) => Promise<void>) {
  let running = true;
  const loops = Array.from({ length: LOOPS }, async (_, i) => {
    while (running) await step(i);
  });
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

describe("a member removed while creating and enabling keys", () => {
  it(`ends with no working key, over ${TRIALS} trials`, { timeout: 240_000 }, async () => {
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const member = await t.h.member(t.admin, { role: "member", name: `Racer ${trial}` });
      const keysPath = `/api/orgs/${t.admin.orgId}/keys`;
      const disabled: string[] = [];
      const secrets: string[] = [];
      for (let i = 0; i < LOOPS; i += 1) {
        const res = await member.client
          .post(keysPath, {
            name: `off ${i}`,
            orgWide: false,
            permissions: { read: true, write: true },
            enabled: false,
          })
          .expect(201);
        const body = res.body as KeyWithSecretAnswer;
        disabled.push(body.key.id);
        secrets.push(body.secret);
      }
      const stop = loop(async (i) => {
        const created = await member.client.post(keysPath, {
          name: `racing ${i}`,
          orgWide: false,
          permissions: { read: true, write: true },
        });
        if (created.status === 201) secrets.push((created.body as KeyWithSecretAnswer).secret);
        else expect(created.status).toBe(404);
        const enabled = await member.client.patch(`${keysPath}/${disabled[i]}`, { enabled: true });
        expect([200, 404]).toContain(enabled.status);
      });
      await sleep(20 + trial * 7);
      await t.admin.client
        .delete(`/api/orgs/${t.admin.orgId}/members/${member.user.id}`)
        .expect(204);
      await sleep(50);
      await stop();

      const working = await t.h.deps.db.apiKey.count({
        where: { orgId: t.admin.orgId, ownerId: member.user.id, enabled: true },
      });
      expect(working, `trial ${trial}: enabled keys of the removed member`).toBe(0);
      for (const secret of secrets) {
        const res = await machine(t.h, secret).get("/v1/key");
        expect(res.status, `trial ${trial}: /v1/key with a removed member's key`).toBe(401);
      }
    }
  });
});

describe("an admin demoted while inviting admins and changing the org", () => {
  it(`gets nothing committed after the demotion, over ${TRIALS} trials`, {
    timeout: 240_000,
  }, async () => {
    const db = t.h.deps.db;
    for (let trial = 0; trial < TRIALS; trial += 1) {
      const other = await t.h.member(t.admin, { role: "admin", name: `Demoted ${trial}` });
      let renames = 0;
      const stop = loop(async (i) => {
        const invited = await other.client.post(`/api/orgs/${t.admin.orgId}/invites`, {
          email: uniqueEmail(`by-demoted-${trial}-${i}`),
          role: "admin",
        });
        expect([201, 403]).toContain(invited.status);
        renames += 1;
        const renamed = await other.client.patch(`/api/orgs/${t.admin.orgId}`, {
          name: `Renamed ${trial}.${renames}`,
        });
        expect([200, 403]).toContain(renamed.status);
      });
      await sleep(20 + trial * 7);
      await t.admin.client
        .patch(`/api/orgs/${t.admin.orgId}/members/${other.user.id}`, { role: "member" })
        .expect(200);
      const nameAtDemotion = (await db.org.findUniqueOrThrow({ where: { id: t.admin.orgId } }))
        .name;
      await sleep(50);
      await stop();

      const demotion = await db.auditEvent.findFirstOrThrow({
        where: { orgId: t.admin.orgId, action: "member.updated", subjectUserId: other.user.id },
      });
      const after = await db.auditEvent.count({
        where: { orgId: t.admin.orgId, actorId: other.user.id, at: { gt: demotion.at } },
      });
      expect(after, `trial ${trial}: events by the demoted admin after the demotion`).toBe(0);
      const pending = await db.invite.count({
        where: { orgId: t.admin.orgId, invitedById: other.user.id, acceptedAt: null },
      });
      expect(pending, `trial ${trial}: pending invites by the demoted admin`).toBe(0);
      const name = (await db.org.findUniqueOrThrow({ where: { id: t.admin.orgId } })).name;
      expect(name, `trial ${trial}: the org's name after the demotion`).toBe(nameAtDemotion);
    }
  });
});

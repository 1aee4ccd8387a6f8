import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type SignedIn, uniqueEmail } from "./harness.js";

let h: Harness;
let admin: SignedIn;
const tokens: string[] = [];
const passwords: string[] = [];
beforeAll(async () => {
  h = await createHarness();
  admin = await h.signup();
  passwords.push(admin.password);
});
afterAll(async () => {
  await h?.close();
});

function sessionToken(res: { headers: Record<string, unknown> }): string | undefined {
  for (const c of (res.headers["set-cookie"] ?? []) as string[]) {
    const value = c.match(/^kw_session=([^;]+)/)?.[1];
    if (value) return decodeURIComponent(value);
  }
  return undefined;
}

describe("invite links", () => {
  it("the token is 256 random bits, different every time, and only its hash is stored", async () => {
    const a = await h.invite(admin, uniqueEmail());
    const b = await h.invite(admin, uniqueEmail());
    tokens.push(a.token, b.token);
    expect(a.token).not.toBe(b.token);
    expect(Buffer.from(a.token, "base64url")).toHaveLength(32);
    const stored = JSON.stringify(await h.deps.db.invite.findMany());
    expect(stored).not.toContain(a.token);
    expect(stored).not.toContain(b.token);
  });

  it("accepting while signed in replaces the session (the old cookie stops working)", async () => {
    const person = await h.signup();
    passwords.push(person.password);
    const { token } = await h.invite(admin, person.user.email);
    tokens.push(token);
    const me = await person.client.get("/api/me").expect(200);
    expect(me.body.orgs).toHaveLength(1);
    const oldSession = await h.deps.db.session.findFirstOrThrow({
      where: { userId: person.user.id },
    });

    const res = await person.client.post(`/api/invites/${token}/accept`).expect(200);
    const fresh = sessionToken(res);
    expect(fresh).toBeDefined();
    tokens.push(fresh ?? "");
    expect(await h.deps.db.session.count({ where: { id: oldSession.id } })).toBe(0);
    const after = await person.client.get("/api/me").expect(200);
    expect(after.body.orgs).toHaveLength(2);
  });

  it("an invite made for one org cannot be used to reach another", async () => {
    const otherAdmin = await h.signup();
    const email = uniqueEmail("scoped");
    const { token } = await h.invite(otherAdmin, email);
    tokens.push(token);
    const joiner = h.anonymous();
    const password = "joiner's long password";
    passwords.push(password);
    const res = await joiner
      .post(`/api/invites/${token}/accept`, { name: "Joiner", password })
      .expect(200);
    tokens.push(sessionToken(res) ?? "");
    expect(res.body.orgs.map((o: { id: string }) => o.id)).toEqual([otherAdmin.orgId]);
    await joiner.get(`/api/orgs/${admin.orgId}`).expect(404);
  });

  it("accepting without X-Requested-With → 403 and the invite is unused", async () => {
    const person = await h.signup();
    const { token } = await h.invite(admin, person.user.email);
    tokens.push(token);
    const before = await h.countRows();
    await person.client.agent.post(`/api/invites/${token}/accept`).expect(403);
    expect(await h.countRows()).toEqual(before);
    await h.anonymous().get(`/api/invites/${token}`).expect(200);
  });

  it("creating an invite without X-Requested-With → 403, no invite", async () => {
    const before = await h.countRows();
    await admin.client.agent
      .post(`/api/orgs/${admin.orgId}/invites`)
      .send({ email: uniqueEmail(), role: "admin" })
      .expect(403);
    expect(await h.countRows()).toEqual(before);
  });
});

describe("logs", () => {
  it("no invite token, session token or password appears in any log line", async () => {
    // One more read and a failing accept, so the token is in request URLs that are logged.
    const { token } = await h.invite(admin, uniqueEmail());
    tokens.push(token);
    await h.anonymous().get(`/api/invites/${token}`).expect(200);
    await h.anonymous().post(`/api/invites/${token}/accept`, { name: "x" }).expect(400);

    const log = h.logLines.join("\n");
    expect(log).toContain('"route":"/api/invites/:token/accept"');
    expect(tokens.length).toBeGreaterThan(5);
    for (const secret of [...tokens, ...passwords]) {
      expect(secret.length).toBeGreaterThan(9);
      expect(log).not.toContain(secret);
    }
  });
});

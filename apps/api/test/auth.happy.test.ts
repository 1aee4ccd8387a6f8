import { createHash } from "node:crypto";
import type { SessionAnswer } from "@keyward/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_IDLE_MS } from "../src/services/session-store.js";
import { Client, createHarness, type Harness, uniqueEmail } from "./harness.js";

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
});

function sessionCookie(res: { headers: Record<string, unknown> }): string {
  const cookies = (res.headers["set-cookie"] ?? []) as string[];
  const cookie = cookies.find((c) => c.startsWith("kw_session="));
  if (!cookie) throw new Error("no session cookie set");
  return cookie;
}

function cookieToken(cookie: string): string {
  return decodeURIComponent(cookie.split(";")[0]?.split("=")[1] ?? "");
}

describe("signup", () => {
  it("creates the user, an org they administer, and a session cookie", async () => {
    const client = h.anonymous();
    const email = uniqueEmail("signup");
    const res = await client
      .post("/api/auth/signup", {
        email: `  ${email.toUpperCase()} `,
        password: "correct horse battery",
        name: "  Ada Lovelace ",
        orgName: " Analytical Engines ",
      })
      .expect(201);
    const body = res.body as SessionAnswer;
    expect(body.user).toEqual({ id: expect.stringMatching(/^usr_/), email, name: "Ada Lovelace" });
    expect(body.orgs).toEqual([
      {
        id: expect.stringMatching(/^org_/),
        name: "Analytical Engines",
        role: "admin",
        manageOrgKeys: true,
        managePersonalKeys: true,
        orgKeyPolicy: "everyone",
        capabilities: {
          editOrgWideKeys: true,
          seeOthersPersonalKeys: true,
          editOthersPersonalKeys: true,
          manageMembers: true,
          manageInvites: true,
          updateOrg: true,
          seeAllAudit: true,
        },
      },
    ]);

    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/i);

    const me = await client.get("/api/me").expect(200);
    expect(me.body).toEqual(body);
  });

  it("stores a bcrypt hash of cost 12 and only the sha256 of the session token", async () => {
    const client = h.anonymous();
    const email = uniqueEmail();
    const res = await client
      .post("/api/auth/signup", {
        email,
        password: "correct horse battery",
        name: "Hash Check",
        orgName: "Org",
      })
      .expect(201);
    const user = await h.deps.db.user.findUniqueOrThrow({ where: { email } });
    expect(user.passwordHash).toMatch(/^\$2b\$12\$/);
    expect(user.passwordHash).not.toContain("correct horse battery");

    const token = cookieToken(sessionCookie(res));
    expect(token.length).toBeGreaterThanOrEqual(43);
    const sessions = await h.deps.db.session.findMany({ where: { userId: user.id } });
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(sessions)).not.toContain(token);
    const idleMs = (sessions[0]?.expiresAt.getTime() ?? 0) - Date.now();
    expect(idleMs).toBeGreaterThan(SESSION_IDLE_MS - 60_000);
    expect(idleMs).toBeLessThanOrEqual(SESSION_IDLE_MS);
  });
});

describe("login, me, logout", () => {
  it("signs in with any case of the email, answers {user, orgs}, and logout ends the session", async () => {
    const owner = await h.signup({ email: uniqueEmail("mixed") });
    const client = h.anonymous();
    const res = await client
      .post("/api/auth/login", { email: owner.user.email.toUpperCase(), password: owner.password })
      .expect(200);
    const body = res.body as SessionAnswer;
    expect(body.user).toEqual(owner.user);
    expect(body.orgs.map((o) => o.id)).toEqual([owner.orgId]);
    expect(sessionCookie(res)).toMatch(/HttpOnly/i);

    await client.get("/api/me").expect(200);
    const token = cookieToken(sessionCookie(res));
    const hash = createHash("sha256").update(token).digest("hex");
    expect(await h.deps.db.session.count({ where: { tokenHash: hash } })).toBe(1);

    const out = await client.post("/api/auth/logout").expect(204);
    expect(sessionCookie(out)).toMatch(/kw_session=;/);
    expect(await h.deps.db.session.count({ where: { tokenHash: hash } })).toBe(0);
    await client.get("/api/me").expect(401);

    // The old cookie is dead even when replayed.
    const replay = new Client(h.app);
    const me = await replay.get("/api/me").set("Cookie", `kw_session=${token}`).expect(401);
    expect(me.body.error.code).toBe("unauthenticated");

    // The owner's original session is untouched.
    await owner.client.get("/api/me").expect(200);
  });

  it("logout without a session is a 204", async () => {
    await h.anonymous().post("/api/auth/logout").expect(204);
  });

  it("a session idle for 14 days ends; use moves the expiry (and the cookie) forward", async () => {
    const owner = await h.signup();
    const session = await h.deps.db.session.findFirstOrThrow({ where: { userId: owner.user.id } });

    const longAgo = new Date(Date.now() - 60 * 60 * 1000);
    await h.deps.db.session.update({
      where: { id: session.id },
      data: { lastSeenAt: longAgo, expiresAt: new Date(Date.now() + 1000 * 60 * 60) },
    });
    const res = await owner.client.get("/api/me").expect(200);
    expect(sessionCookie(res)).toMatch(/Max-Age=1209600/);
    const extended = await h.deps.db.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(extended.expiresAt.getTime()).toBeGreaterThan(Date.now() + SESSION_IDLE_MS - 60_000);

    await h.deps.db.session.update({
      where: { id: session.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const gone = await owner.client.get("/api/me").expect(401);
    expect(gone.body.error.code).toBe("unauthenticated");
    expect(await h.deps.db.session.count({ where: { id: session.id } })).toBe(0);
  });

  it("me lists every org the user belongs to", async () => {
    const admin = await h.signup();
    const email = uniqueEmail();
    const { token } = (
      await admin.client
        .post(`/api/orgs/${admin.orgId}/invites`, { email, role: "member" })
        .expect(201)
    ).body as { token: string };
    const joiner = h.anonymous();
    await joiner
      .post(`/api/invites/${token}/accept`, { name: "Joiner", password: "long enough password" })
      .expect(200);
    const me = await joiner.get("/api/me").expect(200);
    expect(me.body.orgs).toEqual([
      {
        id: admin.orgId,
        name: "Test Org",
        role: "member",
        manageOrgKeys: false,
        managePersonalKeys: false,
        orgKeyPolicy: "everyone",
        capabilities: {
          editOrgWideKeys: true,
          seeOthersPersonalKeys: false,
          editOthersPersonalKeys: false,
          manageMembers: false,
          manageInvites: false,
          updateOrg: false,
          seeAllAudit: false,
        },
      },
    ]);
  });
});

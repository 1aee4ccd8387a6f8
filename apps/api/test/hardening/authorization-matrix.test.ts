// Category 1: the authorization matrix of the session API, generated over every route × every
// role/grant × own / other member's / other org's resource, under both orgKeyPolicy values.
// Every expected answer is derived from the contract's wording (docs/product.md; the key rules in
// support/expected-rules.ts, shared with key-matrix.test.ts), not from policy.ts: 404 for what the caller may not see, 403 for visible-but-not-permitted, 401 without
// a (live) session. A refused call must leave every table as it was.
import type { KeyAnswer, OrgKeyPolicy, SessionAnswer } from "@keyward/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/services/session-store.js";
import {
  Client,
  createHarness,
  type Harness,
  PASSWORD,
  ROLES,
  type RoleName as Role,
  type SignedIn,
  uniqueEmail,
} from "../harness.js";
import {
  editStatus,
  edits,
  editsOrgWide,
  holdsManagePersonalKeys,
  isAdmin,
  type KeyKind,
  KINDS,
  POLICIES,
  sees,
  typeChangeStatus,
} from "../support/expected-rules.js";
import { orgKey } from "../v1-fixtures.js";
import { type Answer, expectError, fingerprint, listRoutes } from "./support.js";

type Outside = "otherOrgAdmin" | "removedMember" | "anonymous" | "expiredSession" | "loggedOut";
const OUTSIDE: Outside[] = [
  "otherOrgAdmin",
  "removedMember",
  "anonymous",
  "expiredSession",
  "loggedOut",
];

type Want = number | "listed" | "hidden";

interface World {
  h: Harness;
  admin: SignedIn;
  outsider: SignedIn;
  orgId: string;
  otherOrgId: string;
  otherOrgKeyId: string;
  teamInviteId: string;
  otherOrgInviteId: string;
  users: Record<Role | "bystander" | "target" | "removed" | "outsider", SessionAnswer["user"]>;
  clients: Record<Role | Outside | "bystander" | "target", Client>;
  policy: OrgKeyPolicy;
}

interface Case {
  route: string;
  actor: Role | Outside;
  target: string;
  policy: OrgKeyPolicy;
  want: Want;
  /** Runs the call (after any preparation of its own) and answers the response. */
  run(w: World): Promise<Answer & { listedCheck?: boolean }>;
}

const CODE: Record<number, string> = {
  400: "invalid_request",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
};

const ORG = "/api/orgs/:orgId";
const KEYS = `${ORG}/keys`;
const KEY = `${KEYS}/:keyId`;
const MEMBER = `${ORG}/members/:userId`;
const INVITE = `${ORG}/invites/:inviteId`;

/**
 * A pending invite of the team org to be the target of a call: a fresh one for a call that will
 * succeed (it renews or revokes it), else the standing one, so a refused call changes nothing.
 */
async function pendingInviteId(w: World, succeeds: boolean): Promise<string> {
  if (!succeeds) return w.teamInviteId;
  const res = await w.clients.admin
    .send("POST", `/api/orgs/${w.orgId}/invites`, { email: uniqueEmail("target"), role: "member" })
    .expect(201);
  return res.body.id as string;
}

/** Every session-API route this matrix covers, as `METHOD /path`. */
const COVERED = [
  "POST /api/auth/signup",
  "POST /api/auth/login",
  "POST /api/auth/logout",
  "GET /api/me",
  `GET ${ORG}`,
  `PATCH ${ORG}`,
  `GET ${ORG}/members`,
  `PATCH ${MEMBER}`,
  `DELETE ${MEMBER}`,
  `GET ${ORG}/invites`,
  `POST ${ORG}/invites`,
  `POST ${INVITE}/renew`,
  `DELETE ${INVITE}`,
  `GET ${KEYS}`,
  `POST ${KEYS}`,
  `GET ${KEY}`,
  `PATCH ${KEY}`,
  `DELETE ${KEY}`,
  `POST ${KEY}/roll`,
  `GET ${KEYS}/usage`,
  `GET ${KEY}/usage`,
  `GET ${ORG}/audit`,
  "GET /api/invites/:token",
  "POST /api/invites/:token/accept",
  // The API reference is public by design: it describes routes, never data.
  "GET /api/openapi.json",
];

let keyCounter = 0;
async function newKey(w: World, creator: Client, orgWide: boolean): Promise<KeyAnswer> {
  keyCounter += 1;
  const res = await creator.send("POST", `/api/orgs/${w.orgId}/keys`, {
    name: `matrix key ${keyCounter}`,
    orgWide,
    permissions: { read: true, write: true },
  });
  if (res.status !== 201) throw new Error(`key setup: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key as KeyAnswer;
}

function creatorOf(w: World, role: Role, kind: KeyKind): Client {
  if (kind === "own personal") return w.clients[role];
  if (kind === "other's personal") return w.clients.bystander;
  return w.clients.admin;
}

function roleCases(role: Role, policy: OrgKeyPolicy): Case[] {
  const c = (
    route: string,
    target: string,
    want: Want,
    run: (w: World, me: Client) => Promise<Answer & { listedCheck?: boolean }>,
  ): Case => ({
    route,
    actor: role,
    target,
    policy,
    want,
    run: (w) => run(w, w.clients[role]),
  });
  const other = (w: World) => `/api/orgs/${w.otherOrgId}`;
  const team = (w: World) => `/api/orgs/${w.orgId}`;
  const cases: Case[] = [
    c(`GET ${ORG}`, "own org", 200, (w, me) => me.send("GET", team(w))),
    c(`GET ${ORG}`, "other org", 404, (w, me) => me.send("GET", other(w))),
    c(`PATCH ${ORG}`, "own org: name", isAdmin(role) ? 200 : 403, (w, me) =>
      me.send("PATCH", team(w), { name: `Team Org ${++keyCounter}` }),
    ),
    c(`PATCH ${ORG}`, "own org: orgKeyPolicy", isAdmin(role) ? 200 : 403, (w, me) =>
      me.send("PATCH", team(w), { orgKeyPolicy: w.policy }),
    ),
    c(`PATCH ${ORG}`, "other org", 404, (w, me) => me.send("PATCH", other(w), { name: "Taken" })),
    c(`GET ${ORG}/members`, "own org", 200, (w, me) => me.send("GET", `${team(w)}/members`)),
    c(`GET ${ORG}/members`, "other org", 404, (w, me) => me.send("GET", `${other(w)}/members`)),
    // "An org always keeps at least one admin: demoting or removing the last one is a 409."
    c(`PATCH ${MEMBER}`, "self: role", isAdmin(role) ? 409 : 403, (w, me) =>
      me.send("PATCH", `${team(w)}/members/${w.users[role].id}`, {
        role: isAdmin(role) ? "member" : "admin",
      }),
    ),
    c(`PATCH ${MEMBER}`, "self: grants", isAdmin(role) ? 200 : 403, (w, me) =>
      me.send("PATCH", `${team(w)}/members/${w.users[role].id}`, {
        manageOrgKeys: true,
        managePersonalKeys: true,
      }),
    ),
    c(`PATCH ${MEMBER}`, "other member", isAdmin(role) ? 200 : 403, async (w, me) => {
      const row = await w.h.deps.db.membership.findUniqueOrThrow({
        where: { orgId_userId: { orgId: w.orgId, userId: w.users.target.id } },
      });
      return me.send("PATCH", `${team(w)}/members/${w.users.target.id}`, {
        manageOrgKeys: !row.manageOrgKeys,
      });
    }),
    c(`PATCH ${MEMBER}`, "a non-member", isAdmin(role) ? 404 : 403, (w, me) =>
      me.send("PATCH", `${team(w)}/members/${w.outsider.user.id}`, { manageOrgKeys: true }),
    ),
    c(`PATCH ${MEMBER}`, "other org's member", 404, (w, me) =>
      me.send("PATCH", `${other(w)}/members/${w.outsider.user.id}`, { role: "member" }),
    ),
    c(`DELETE ${MEMBER}`, "self", isAdmin(role) ? 409 : 403, (w, me) =>
      me.send("DELETE", `${team(w)}/members/${w.users[role].id}`),
    ),
    c(`DELETE ${MEMBER}`, "other member", isAdmin(role) ? 204 : 403, async (w, me) => {
      const res = await me.send("DELETE", `${team(w)}/members/${w.users.target.id}`);
      if (res.status === 204) await rejoinTarget(w);
      return res;
    }),
    c(`DELETE ${MEMBER}`, "a non-member", isAdmin(role) ? 404 : 403, (w, me) =>
      me.send("DELETE", `${team(w)}/members/${w.outsider.user.id}`),
    ),
    c(`DELETE ${MEMBER}`, "other org's member", 404, (w, me) =>
      me.send("DELETE", `${other(w)}/members/${w.outsider.user.id}`),
    ),
    c(`POST ${ORG}/invites`, "own org: member", isAdmin(role) ? 201 : 403, (w, me) =>
      me.send("POST", `${team(w)}/invites`, { email: uniqueEmail("inv"), role: "member" }),
    ),
    c(`POST ${ORG}/invites`, "own org: admin", isAdmin(role) ? 201 : 403, (w, me) =>
      me.send("POST", `${team(w)}/invites`, { email: uniqueEmail("inv"), role: "admin" }),
    ),
    c(`POST ${ORG}/invites`, "other org", 404, (w, me) =>
      me.send("POST", `${other(w)}/invites`, { email: uniqueEmail("inv"), role: "admin" }),
    ),
    c(`GET ${ORG}/invites`, "own org", isAdmin(role) ? 200 : 403, (w, me) =>
      me.send("GET", `${team(w)}/invites`),
    ),
    c(`GET ${ORG}/invites`, "other org", 404, (w, me) => me.send("GET", `${other(w)}/invites`)),
    c(`POST ${INVITE}/renew`, "own org's invite", isAdmin(role) ? 200 : 403, async (w, me) =>
      me.send("POST", `${team(w)}/invites/${await pendingInviteId(w, isAdmin(role))}/renew`),
    ),
    c(`POST ${INVITE}/renew`, "other org's invite", 404, (w, me) =>
      me.send("POST", `${other(w)}/invites/${w.otherOrgInviteId}/renew`),
    ),
    c(`DELETE ${INVITE}`, "own org's invite", isAdmin(role) ? 204 : 403, async (w, me) =>
      me.send("DELETE", `${team(w)}/invites/${await pendingInviteId(w, isAdmin(role))}`),
    ),
    c(`DELETE ${INVITE}`, "other org's invite", 404, (w, me) =>
      me.send("DELETE", `${other(w)}/invites/${w.otherOrgInviteId}`),
    ),
    c(`GET ${KEYS}`, "other org", 404, (w, me) => me.send("GET", `${other(w)}/keys`)),
    c(`POST ${KEYS}`, "own org: personal", 201, (w, me) =>
      me.send("POST", `${team(w)}/keys`, {
        name: "mine",
        orgWide: false,
        permissions: { read: true, write: false },
      }),
    ),
    c(`POST ${KEYS}`, "own org: org-wide", editsOrgWide(role, policy) ? 201 : 403, (w, me) =>
      me.send("POST", `${team(w)}/keys`, {
        name: "shared",
        orgWide: true,
        permissions: { read: true, write: false },
      }),
    ),
    c(`POST ${KEYS}`, "other org", 404, (w, me) =>
      me.send("POST", `${other(w)}/keys`, {
        name: "planted",
        orgWide: true,
        permissions: { read: true, write: true },
      }),
    ),
    c(`GET ${ORG}/audit`, "own org", 200, async (w, me) => {
      const res = await me.send("GET", `${team(w)}/audit?limit=100`);
      if (res.status === 200 && !isAdmin(role)) {
        // "Members who are not admins see only key.* events of keys they can see."
        for (const e of res.body.items as { action: string }[]) {
          expect(e.action.startsWith("key."), e.action).toBe(true);
        }
      }
      return res;
    }),
    c(`GET ${ORG}/audit`, "other org", 404, (w, me) => me.send("GET", `${other(w)}/audit`)),
    c(
      `GET ${ORG}/audit`,
      "own org: other's personal key",
      holdsManagePersonalKeys(role) ? "listed" : "hidden",
      async (w, me) => {
        const key = await newKey(w, w.clients.bystander, false);
        const res = await me.send("GET", `${team(w)}/audit?keyId=${key.id}`);
        expect(res.status).toBe(200);
        return { ...res, listedCheck: (res.body.items as unknown[]).length > 0 };
      },
    ),
    c(`GET ${KEY}`, "other org's key via own org", 404, (w, me) =>
      me.send("GET", `${team(w)}/keys/${w.otherOrgKeyId}`),
    ),
    c(`GET ${KEY}`, "other org's key", 404, (w, me) =>
      me.send("GET", `${other(w)}/keys/${w.otherOrgKeyId}`),
    ),
    c(`PATCH ${KEY}`, "other org's key via own org", 404, (w, me) =>
      me.send("PATCH", `${team(w)}/keys/${w.otherOrgKeyId}`, { enabled: false }),
    ),
    c(`PATCH ${KEY}`, "other org's key", 404, (w, me) =>
      me.send("PATCH", `${other(w)}/keys/${w.otherOrgKeyId}`, { enabled: false }),
    ),
    c(`DELETE ${KEY}`, "other org's key via own org", 404, (w, me) =>
      me.send("DELETE", `${team(w)}/keys/${w.otherOrgKeyId}`),
    ),
    c(`DELETE ${KEY}`, "other org's key", 404, (w, me) =>
      me.send("DELETE", `${other(w)}/keys/${w.otherOrgKeyId}`),
    ),
    c(`POST ${KEY}/roll`, "other org's key via own org", 404, (w, me) =>
      me.send("POST", `${team(w)}/keys/${w.otherOrgKeyId}/roll`, { graceSeconds: 0 }),
    ),
    c(`POST ${KEY}/roll`, "other org's key", 404, (w, me) =>
      me.send("POST", `${other(w)}/keys/${w.otherOrgKeyId}/roll`, { graceSeconds: 0 }),
    ),
    c(`GET ${KEY}/usage`, "other org's key via own org", 404, (w, me) =>
      me.send("GET", `${team(w)}/keys/${w.otherOrgKeyId}/usage`),
    ),
    c(`GET ${KEY}/usage`, "other org's key", 404, (w, me) =>
      me.send("GET", `${other(w)}/keys/${w.otherOrgKeyId}/usage`),
    ),
    c(`GET ${KEYS}/usage`, "other org's key via own org", "hidden", async (w, me) => {
      const res = await me.send("GET", `${team(w)}/keys/usage?ids=${w.otherOrgKeyId}`);
      expect(res.status).toBe(200);
      return { ...res, listedCheck: (res.body.items as unknown[]).length > 0 };
    }),
  ];
  for (const kind of KINDS) {
    const withKey = (
      route: string,
      op: string,
      want: Want,
      call: (me: Client, path: string, key: KeyAnswer) => Promise<Answer>,
    ) =>
      c(route, `${kind}${op}`, want, async (w, me) => {
        const key = await newKey(w, creatorOf(w, role, kind), kind === "org-wide");
        return call(me, `${team(w)}/keys/${key.id}`, key);
      });
    cases.push(
      c(`GET ${KEYS}`, kind, sees(role, kind) ? "listed" : "hidden", async (w, me) => {
        const key = await newKey(w, creatorOf(w, role, kind), kind === "org-wide");
        const res = await me.send(
          "GET",
          `${team(w)}/keys?includeDisabled=true&q=${encodeURIComponent(key.name)}`,
        );
        expect(res.status).toBe(200);
        const ids = (res.body.items as KeyAnswer[]).map((k) => k.id);
        return { ...res, listedCheck: ids.includes(key.id) };
      }),
      withKey(`GET ${KEY}`, "", sees(role, kind) ? 200 : 404, async (me, path) => {
        const res = await me.send("GET", path);
        if (res.status === 200) expect(res.body.canEdit).toBe(edits(role, kind, policy));
        return res;
      }),
      withKey(`PATCH ${KEY}`, ": name", editStatus(role, kind, policy, 200), (me, path, key) =>
        me.send("PATCH", path, { name: `${key.name} renamed` }),
      ),
      withKey(`PATCH ${KEY}`, ": disable", editStatus(role, kind, policy, 200), (me, path) =>
        me.send("PATCH", path, { enabled: false }),
      ),
      withKey(`PATCH ${KEY}`, ": type", typeChangeStatus(role, kind, policy), (me, path) =>
        me.send("PATCH", path, { orgWide: kind !== "org-wide" }),
      ),
      withKey(`DELETE ${KEY}`, "", editStatus(role, kind, policy, 204), (me, path) =>
        me.send("DELETE", path),
      ),
      withKey(`POST ${KEY}/roll`, "", editStatus(role, kind, policy, 201), (me, path) =>
        me.send("POST", `${path}/roll`, { graceSeconds: 60 }),
      ),
      withKey(`GET ${KEY}/usage`, "", sees(role, kind) ? 200 : 404, (me, path) =>
        me.send("GET", `${path}/usage`),
      ),
      c(`GET ${KEYS}/usage`, kind, sees(role, kind) ? "listed" : "hidden", async (w, me) => {
        const key = await newKey(w, creatorOf(w, role, kind), kind === "org-wide");
        const res = await me.send("GET", `${team(w)}/keys/usage?ids=${key.id}`);
        expect(res.status).toBe(200);
        const ids = (res.body.items as { keyId: string }[]).map((k) => k.keyId);
        return { ...res, listedCheck: ids.includes(key.id) };
      }),
    );
  }
  return cases;
}

/** Callers that are not (or no longer) members of the team org, or have no live session. */
function outsideCases(actor: Outside): Case[] {
  const noSession = actor === "anonymous" || actor === "expiredSession" || actor === "loggedOut";
  const want = noSession ? 401 : 404;
  const c = (
    route: string,
    run: (w: World, me: Client, keyId: string) => Promise<Answer>,
  ): Case => ({
    route,
    actor,
    target: "team org",
    policy: "everyone",
    want,
    run: async (w) => {
      const key = await newKey(w, w.clients.admin, true);
      return run(w, w.clients[actor], key.id);
    },
  });
  const team = (w: World) => `/api/orgs/${w.orgId}`;
  return [
    c(`GET ${ORG}`, (w, me) => me.send("GET", team(w))),
    c(`PATCH ${ORG}`, (w, me) => me.send("PATCH", team(w), { orgKeyPolicy: "everyone" })),
    c(`GET ${ORG}/members`, (w, me) => me.send("GET", `${team(w)}/members`)),
    c(`PATCH ${MEMBER}`, (w, me) =>
      me.send("PATCH", `${team(w)}/members/${w.users.admin.id}`, { role: "member" }),
    ),
    c(`DELETE ${MEMBER}`, (w, me) => me.send("DELETE", `${team(w)}/members/${w.users.target.id}`)),
    c(`POST ${ORG}/invites`, (w, me) =>
      me.send("POST", `${team(w)}/invites`, { email: uniqueEmail("inv"), role: "admin" }),
    ),
    c(`GET ${ORG}/invites`, (w, me) => me.send("GET", `${team(w)}/invites`)),
    c(`POST ${INVITE}/renew`, (w, me) =>
      me.send("POST", `${team(w)}/invites/${w.teamInviteId}/renew`),
    ),
    c(`DELETE ${INVITE}`, (w, me) => me.send("DELETE", `${team(w)}/invites/${w.teamInviteId}`)),
    c(`GET ${KEYS}`, (w, me) => me.send("GET", `${team(w)}/keys`)),
    c(`POST ${KEYS}`, (w, me) =>
      me.send("POST", `${team(w)}/keys`, {
        name: "planted",
        orgWide: true,
        permissions: { read: true, write: true },
      }),
    ),
    c(`GET ${KEY}`, (w, me, id) => me.send("GET", `${team(w)}/keys/${id}`)),
    c(`PATCH ${KEY}`, (w, me, id) => me.send("PATCH", `${team(w)}/keys/${id}`, { enabled: false })),
    c(`DELETE ${KEY}`, (w, me, id) => me.send("DELETE", `${team(w)}/keys/${id}`)),
    c(`POST ${KEY}/roll`, (w, me, id) =>
      me.send("POST", `${team(w)}/keys/${id}/roll`, { graceSeconds: 0 }),
    ),
    c(`GET ${KEY}/usage`, (w, me, id) => me.send("GET", `${team(w)}/keys/${id}/usage`)),
    c(`GET ${KEYS}/usage`, (w, me, id) => me.send("GET", `${team(w)}/keys/usage?ids=${id}`)),
    c(`GET ${ORG}/audit`, (w, me) => me.send("GET", `${team(w)}/audit`)),
    {
      route: "GET /api/me",
      actor,
      target: "self",
      policy: "everyone",
      want: noSession ? 401 : 200,
      run: async (w) => {
        const res = await w.clients[actor].send("GET", "/api/me");
        if (res.status === 200) {
          const orgIds = (res.body as SessionAnswer).orgs.map((o) => o.id);
          expect(orgIds).not.toContain(w.orgId);
        }
        return res;
      },
    },
  ];
}

/** The routes open without a session: signup, login, logout and invite links. */
function openRouteCases(): Case[] {
  const c = (
    route: string,
    actor: Role | Outside,
    target: string,
    want: Want,
    run: (w: World, me: Client) => Promise<Answer>,
  ): Case => ({
    route,
    actor,
    target,
    policy: "everyone",
    want,
    run: (w) => run(w, w.clients[actor]),
  });
  const invite = async (w: World, email = uniqueEmail("open")) => {
    const res = await w.clients.admin.send("POST", `/api/orgs/${w.orgId}/invites`, {
      email,
      role: "member",
    });
    return res.body.token as string;
  };
  return [
    c("GET /api/openapi.json", "anonymous", "public reference", 200, (_w, me) =>
      me.send("GET", "/api/openapi.json"),
    ),
    c("GET /api/me", "admin", "self", 200, (_w, me) => me.send("GET", "/api/me")),
    c("GET /api/me", "member", "self", 200, (_w, me) => me.send("GET", "/api/me")),
    c("POST /api/auth/signup", "anonymous", "new email", 201, (_w, me) =>
      me.send("POST", "/api/auth/signup", {
        email: uniqueEmail("signup"),
        password: PASSWORD,
        name: "New Person",
        orgName: "New Org",
      }),
    ),
    c("POST /api/auth/signup", "anonymous", "taken email", 409, (w, me) =>
      me.send("POST", "/api/auth/signup", {
        email: w.users.member.email,
        password: PASSWORD,
        name: "Impostor",
        orgName: "Impostor Org",
      }),
    ),
    c("POST /api/auth/login", "anonymous", "wrong password", 401, (w, me) =>
      me.send("POST", "/api/auth/login", { email: w.users.member.email, password: "wrong-pass-1" }),
    ),
    c("POST /api/auth/login", "expiredSession", "right password", 200, (w, me) =>
      me.send("POST", "/api/auth/login", { email: w.users.bystander.email, password: PASSWORD }),
    ),
    c("POST /api/auth/logout", "anonymous", "no session", 204, (_w, me) =>
      me.send("POST", "/api/auth/logout"),
    ),
    c("POST /api/auth/logout", "loggedOut", "ended session", 204, (_w, me) =>
      me.send("POST", "/api/auth/logout"),
    ),
    c("POST /api/auth/logout", "expiredSession", "expired session", 204, (_w, me) =>
      me.send("POST", "/api/auth/logout"),
    ),
    c("GET /api/invites/:token", "anonymous", "unknown token", 404, (_w, me) =>
      me.send("GET", "/api/invites/no-such-token"),
    ),
    c("GET /api/invites/:token", "otherOrgAdmin", "valid token", 200, async (w, me) =>
      me.send("GET", `/api/invites/${await invite(w)}`),
    ),
    c("POST /api/invites/:token/accept", "anonymous", "unknown token", 404, (_w, me) =>
      me.send("POST", "/api/invites/no-such-token/accept", { name: "X", password: PASSWORD }),
    ),
    // "a signed-in user with another email gets 403"
    ...(["admin", "member", "otherOrgAdmin", "removedMember"] as const).map((actor) =>
      c("POST /api/invites/:token/accept", actor, "invite for another email", 403, async (w, me) =>
        me.send("POST", `/api/invites/${await invite(w)}/accept`, {}),
      ),
    ),
    c(
      "POST /api/invites/:token/accept",
      "anonymous",
      "invite for an existing account",
      401,
      async (w, me) =>
        me.send("POST", `/api/invites/${await invite(w, w.users.outsider.email)}/accept`, {
          name: "Impostor",
          password: PASSWORD,
        }),
    ),
  ];
}

async function rejoinTarget(w: World): Promise<void> {
  const res = await w.clients.admin.send("POST", `/api/orgs/${w.orgId}/invites`, {
    email: w.users.target.email,
    role: "member",
  });
  expect(res.status).toBe(201);
  // Accepting replaces the session it was sent with, so each rejoin uses a session of its own.
  const target = await w.h.client(w.users.target);
  await target.send("POST", `/api/invites/${res.body.token}/accept`).expect(200);
}

const ROLE_CASES = POLICIES.flatMap((policy) => ROLES.flatMap((role) => roleCases(role, policy)));
const OUTSIDE_CASES = OUTSIDE.flatMap(outsideCases);
const OPEN_CASES = openRouteCases();
const ALL_CASES = [...ROLE_CASES, ...OUTSIDE_CASES, ...OPEN_CASES];

let w: World;

beforeAll(async () => {
  const h = await createHarness();
  const [team, outsider] = await Promise.all([
    h.team(),
    h.signup({ name: "Otto Outsider", orgName: "Other Org" }),
  ]);
  const { admin } = team;
  const [target, removed] = await Promise.all([
    h.member(admin, { name: "Tess Target" }).then((m) => m.user),
    h.member(admin, { name: "Rex Removed" }).then((m) => m.user),
  ]);
  const member = team.users.member.user;
  const removedClient = await h.client(removed);
  await admin.client.delete(`/api/orgs/${admin.orgId}/members/${removed.id}`).expect(204);

  const expired = await h.client(member);
  await h.deps.db.session.updateMany({
    where: { tokenHash: hashToken(expired.token ?? "") },
    data: { expiresAt: new Date(Date.now() - 1_000) },
  });
  // The first use of an expired session refuses it and deletes its row.
  await expired.send("GET", "/api/me").expect(401);
  const loggedOut = await h.client(member);
  await loggedOut.send("POST", "/api/auth/logout").expect(204);

  const otherKey = await orgKey(outsider, { name: "outsider key" });
  const teamInvite = await h.invite(admin, uniqueEmail("standing"), "admin");
  const otherOrgInvite = await h.invite(outsider, uniqueEmail("theirs"), "admin");

  w = {
    h,
    admin,
    outsider,
    orgId: admin.orgId,
    otherOrgId: outsider.orgId,
    otherOrgKeyId: otherKey.id,
    teamInviteId: teamInvite.id,
    otherOrgInviteId: otherOrgInvite.id,
    users: {
      admin: admin.user,
      member,
      orgKeysMember: team.users.orgKeysMember.user,
      personalKeysMember: team.users.personalKeysMember.user,
      bystander: team.bystander.user,
      target,
      removed,
      outsider: outsider.user,
    },
    clients: {
      admin: await h.client(admin.user),
      member: await h.client(member),
      orgKeysMember: await h.client(team.users.orgKeysMember.user),
      personalKeysMember: await h.client(team.users.personalKeysMember.user),
      bystander: await h.client(team.bystander.user),
      target: await h.client(target),
      otherOrgAdmin: await h.client(outsider.user),
      removedMember: removedClient,
      anonymous: new Client(h.app),
      expiredSession: expired,
      loggedOut,
    },
    policy: "everyone",
  };
});

afterAll(async () => {
  console.log(
    `[hardening] authorization matrix: ${ALL_CASES.length} cases ` +
      `(${ROLE_CASES.length} role × grant × resource × policy, ${OUTSIDE_CASES.length} outsider/removed/expired/logged-out/anonymous, ${OPEN_CASES.length} open routes)`,
  );
  await w?.h.close();
});

async function check(testCase: Case): Promise<void> {
  const label = `${testCase.route} by ${testCase.actor} on ${testCase.target} (${testCase.policy})`;
  const refused = typeof testCase.want === "number" && testCase.want >= 400;
  // Preparation (fresh keys) happens inside run(), so the fingerprint is taken around the call itself
  // only for calls without preparation; others are checked by re-reading what they target.
  const before = refused ? await fingerprint(w.h) : undefined;
  const res = await testCase.run(w);
  if (typeof testCase.want === "number") {
    expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(testCase.want);
    if (refused) {
      expectError(res, testCase.want, CODE[testCase.want] ?? "?", label);
    }
  } else {
    expect(res.listedCheck ? "listed" : "hidden", label).toBe(testCase.want);
  }
  if (before) await expectRefusedChangedNothing(before, label);
}

/** Apart from any fresh key made to be the target, a refused call leaves the database as it was. */
async function expectRefusedChangedNothing(
  before: Awaited<ReturnType<typeof fingerprint>>,
  label: string,
): Promise<void> {
  const after = await fingerprint(w.h);
  const keysMade = after.apiKey.count - before.apiKey.count;
  if (keysMade === 0) {
    expect(after, `database changed: ${label}`).toEqual(before);
    return;
  }
  // One key (and its key.created audit event) was made as the call's target; nothing else moved.
  expect(keysMade, label).toBe(1);
  expect(after.auditEvent.count - before.auditEvent.count, label).toBe(1);
  for (const table of ["user", "org", "membership", "invite", "session", "loginFailure"] as const) {
    expect(after[table], `${table} changed: ${label}`).toEqual(before[table]);
  }
  const newest = await w.h.deps.db.apiKey.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
  const audit = await w.h.deps.db.auditEvent.findMany({ where: { keyId: newest.id } });
  expect(
    audit.map((e) => e.action),
    `only key.created on the target key: ${label}`,
  ).toEqual(["key.created"]);
  expect(newest.name.startsWith("matrix key"), label).toBe(true);
  expect(newest.enabled, label).toBe(true);
}

describe("route coverage", () => {
  it("covers every session-API route the routers declare", () => {
    const declared = listRoutes(w.h.app).filter((r) => r.split(" ")[1]?.startsWith("/api/"));
    expect(declared.length).toBeGreaterThanOrEqual(COVERED.length);
    expect(declared).toEqual([...COVERED].sort());
    const exercised = new Set(ALL_CASES.map((c) => c.route));
    expect([...exercised].sort()).toEqual([...COVERED].sort());
  });
});

describe.each(POLICIES)("orgKeyPolicy %s", (policy) => {
  beforeAll(async () => {
    await w.clients.admin
      .send("PATCH", `/api/orgs/${w.orgId}`, { orgKeyPolicy: policy })
      .expect(200);
    w.policy = policy;
  });
  it.each(ROLE_CASES.filter((c) => c.policy === policy))(
    "$route · $actor · $target → $want",
    check,
  );

  // The web app offers only what /api/me and each key report; they must say what the rules say.
  it.each(ROLES)(
    "%s: /api/me capabilities and each key's canEdit follow the rules",
    async (role) => {
      const me = await w.clients[role].send("GET", "/api/me").expect(200);
      const org = (me.body as SessionAnswer).orgs.find((o) => o.id === w.orgId);
      expect(org?.orgKeyPolicy).toBe(policy);
      expect(org?.capabilities).toEqual({
        editOrgWideKeys: editsOrgWide(role, policy),
        seeOthersPersonalKeys: holdsManagePersonalKeys(role),
        editOthersPersonalKeys: holdsManagePersonalKeys(role),
        manageMembers: isAdmin(role),
        manageInvites: isAdmin(role),
        updateOrg: isAdmin(role),
        seeAllAudit: isAdmin(role),
      });
      const orgWide = await newKey(w, w.clients.admin, true);
      const read = await w.clients[role].send("GET", `/api/orgs/${w.orgId}/keys/${orgWide.id}`);
      expect(read.body).toMatchObject({
        canEdit: editsOrgWide(role, policy),
        cannotEditReason: editsOrgWide(role, policy) ? null : "org_keys_restricted",
      });
    },
  );
});

describe("outside the org or without a live session", () => {
  beforeAll(async () => {
    await w.clients.admin
      .send("PATCH", `/api/orgs/${w.orgId}`, { orgKeyPolicy: "everyone" })
      .expect(200);
    w.policy = "everyone";
  });
  it.each(OUTSIDE_CASES)("$route · $actor → $want", check);
});

describe("open routes", () => {
  it.each(OPEN_CASES)("$route · $actor · $target → $want", async (testCase) => {
    const label = `${testCase.route} by ${testCase.actor} on ${testCase.target}`;
    const res = await testCase.run(w);
    expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(testCase.want);
    if (typeof testCase.want === "number" && testCase.want >= 400) {
      expectError(res, testCase.want, CODE[testCase.want] ?? "?", label);
    }
  });

  it("an expired session row is refused and removed; a logged-out session stays ended", async () => {
    const expiredHash = hashToken(w.clients.expiredSession.token ?? "");
    expect(await w.h.deps.db.session.count({ where: { tokenHash: expiredHash } })).toBe(0);
    const tokenHash = hashToken(w.clients.loggedOut.token ?? "");
    expect(await w.h.deps.db.session.count({ where: { tokenHash } })).toBe(0);
  });
});

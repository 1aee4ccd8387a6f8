// Every /api/orgs/:orgId route: no session → 401, someone else's org → 404 (it does not exist
// for them), admin-only routes → 403 for members, and no header → 403 on state changes.
import { describe, expect, it } from "vitest";
import { type Client, uniqueEmail, useHarness } from "./harness.js";

const t = useHarness(async (h) => {
  const admin = await h.signup({ orgName: "Inside" });
  const outsider = await h.signup({ orgName: "Outside" });
  const member = await h.member(admin);
  // A real key id, so the keys routes are asked about something that exists.
  const key = await admin.client.post(`/api/orgs/${admin.orgId}/keys`, {
    name: "Probe",
    orgWide: true,
    permissions: { read: true, write: false },
  });
  const keyId: string = key.status === 201 ? key.body.key.id : "key_missing";
  return { admin, outsider, member, keyId };
});

type Method = "get" | "post" | "patch" | "delete";
interface Route {
  method: Method;
  name: string;
  path: (orgId: string) => string;
  body?: unknown;
  adminOnly?: boolean;
}

const routes = (): Route[] => [
  { method: "get", name: "/api/orgs/:orgId", path: (o) => `/api/orgs/${o}` },
  {
    method: "patch",
    name: "/api/orgs/:orgId",
    path: (o) => `/api/orgs/${o}`,
    body: { name: "Taken over" },
    adminOnly: true,
  },
  { method: "get", name: "/api/orgs/:orgId/members", path: (o) => `/api/orgs/${o}/members` },
  {
    method: "patch",
    name: "/api/orgs/:orgId/members/:userId",
    path: (o) => `/api/orgs/${o}/members/${t.admin.user.id}`,
    body: { role: "member" },
    adminOnly: true,
  },
  {
    method: "delete",
    name: "/api/orgs/:orgId/members/:userId",
    path: (o) => `/api/orgs/${o}/members/${t.admin.user.id}`,
    adminOnly: true,
  },
  {
    method: "post",
    name: "/api/orgs/:orgId/invites",
    path: (o) => `/api/orgs/${o}/invites`,
    body: { email: uniqueEmail("probe"), role: "admin" },
    adminOnly: true,
  },
  { method: "get", name: "/api/orgs/:orgId/keys", path: (o) => `/api/orgs/${o}/keys` },
  {
    method: "post",
    name: "/api/orgs/:orgId/keys",
    path: (o) => `/api/orgs/${o}/keys`,
    body: { name: "Sneaky", orgWide: true, permissions: { read: true, write: true } },
  },
  {
    method: "get",
    name: "/api/orgs/:orgId/keys/:keyId",
    path: (o) => `/api/orgs/${o}/keys/${t.keyId}`,
  },
  {
    method: "patch",
    name: "/api/orgs/:orgId/keys/:keyId",
    path: (o) => `/api/orgs/${o}/keys/${t.keyId}`,
    body: { name: "Renamed" },
  },
  {
    method: "delete",
    name: "/api/orgs/:orgId/keys/:keyId",
    path: (o) => `/api/orgs/${o}/keys/${t.keyId}`,
  },
  {
    method: "post",
    name: "/api/orgs/:orgId/keys/:keyId/roll",
    path: (o) => `/api/orgs/${o}/keys/${t.keyId}/roll`,
    body: { graceSeconds: 0 },
  },
  { method: "get", name: "/api/orgs/:orgId/audit", path: (o) => `/api/orgs/${o}/audit` },
];

function send(client: Client, route: Route, orgId: string) {
  const path = route.path(orgId);
  if (route.method === "get") return client.get(path);
  if (route.method === "delete") return client.delete(path);
  return client[route.method](path, route.body);
}

async function snapshot() {
  const db = t.h.deps.db;
  return {
    rows: await t.h.countRows(),
    org: await db.org.findUniqueOrThrow({ where: { id: t.admin.orgId } }),
    members: await db.membership.findMany({
      where: { orgId: t.admin.orgId },
      orderBy: { userId: "asc" },
    }),
    keys: await db.apiKey.findMany({ where: { orgId: t.admin.orgId }, orderBy: { id: "asc" } }),
  };
}

const label = (r: Route) => `${r.method.toUpperCase()} ${r.name}`;

describe("no session", () => {
  it.each(routes().map((r) => [label(r), r] as const))("%s → 401", async (_l, route) => {
    const before = await snapshot();
    const res = await send(t.h.anonymous(), route, t.admin.orgId).expect(401);
    expect(res.body.error.code).toBe("unauthenticated");
    expect(await snapshot()).toEqual(before);
  });
});

describe("a signed-in user who is not a member", () => {
  it.each(routes().map((r) => [label(r), r] as const))(
    "%s → 404, nothing changed",
    async (_l, route) => {
      const before = await snapshot();
      const res = await send(t.outsider.client, route, t.admin.orgId).expect(404);
      expect(res.body.error.code).toBe("not_found");
      expect(await snapshot()).toEqual(before);
    },
  );

  it("an org id that does not exist answers the same 404", async () => {
    const missing = await t.outsider.client.get("/api/orgs/org_doesnotexist").expect(404);
    const foreign = await t.outsider.client.get(`/api/orgs/${t.admin.orgId}`).expect(404);
    expect(missing.body.error.message).toBe(foreign.body.error.message);
  });
});

describe("a member without admin rights", () => {
  it.each(
    routes()
      .filter((r) => r.adminOnly)
      .map((r) => [label(r), r] as const),
  )("%s → 403, nothing changed", async (_l, route) => {
    const before = await snapshot();
    const res = await send(t.member.client, route, t.admin.orgId).expect(403);
    expect(res.body.error.code).toBe("forbidden");
    expect(await snapshot()).toEqual(before);
  });
});

describe("CSRF: state-changing calls without X-Requested-With", () => {
  const changing = () => routes().filter((r) => r.method !== "get");
  it.each(changing().map((r) => [label(r), r] as const))(
    "%s → 403, nothing changed",
    async (_l, route) => {
      const before = await snapshot();
      const agent = t.admin.client.agent;
      const path = route.path(t.admin.orgId);
      const req =
        route.method === "delete"
          ? agent.delete(path)
          : route.method === "post"
            ? agent.post(path)
            : agent.patch(path);
      const res = await (route.body === undefined ? req : req.send(route.body as object)).expect(
        403,
      );
      expect(res.body.error.code).toBe("forbidden");
      expect(await snapshot()).toEqual(before);
    },
  );

  it("invite acceptance too", async () => {
    const email = uniqueEmail("csrf");
    const { token } = (
      await t.admin.client
        .post(`/api/orgs/${t.admin.orgId}/invites`, { email, role: "member" })
        .expect(201)
    ).body as { token: string };
    const before = await snapshot();
    await t.h
      .anonymous()
      .agent.post(`/api/invites/${token}/accept`)
      .send({ name: "No Header", password: "long enough password" })
      .expect(403);
    expect(await snapshot()).toEqual(before);
  });
});

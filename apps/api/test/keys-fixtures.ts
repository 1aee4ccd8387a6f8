// Shared setup for the key tests: one org with a user in each role, made through the API.
import type {
  KeyAnswer,
  KeyWithSecretAnswer,
  OrgKeyPolicy,
  Page,
  SessionAnswer,
} from "@keyward/shared";
import { expect } from "vitest";
import { type Client, type Harness, type SignedIn, uniqueEmail } from "./harness.js";

export type RoleName = "admin" | "member" | "orgKeysMember" | "personalKeysMember";
export const ROLES: RoleName[] = ["admin", "member", "orgKeysMember", "personalKeysMember"];

export interface TeamUser {
  client: Client;
  user: SessionAnswer["user"];
}

export interface Team {
  orgId: string;
  admin: SignedIn;
  users: Record<RoleName, TeamUser>;
  /** A plain member whose personal keys are "someone else's" for every role. */
  bystander: TeamUser;
  keysPath: string;
}

/** Invites `email` as `role` and accepts as a new person; answers a signed-in client. */
export async function addMember(
  h: Harness,
  admin: SignedIn,
  name: string,
  grants: { manageOrgKeys?: boolean; managePersonalKeys?: boolean } = {},
): Promise<TeamUser> {
  const email = uniqueEmail(name.toLowerCase().replace(/\W+/g, "-"));
  const invite = await admin.client
    .post(`/api/orgs/${admin.orgId}/invites`, { email, role: "member" })
    .expect(201);
  const client = h.anonymous();
  const accepted = await client
    .post(`/api/invites/${encodeURIComponent(invite.body.token)}/accept`, {
      name,
      password: "correct horse battery",
    })
    .expect(200);
  const user = (accepted.body as SessionAnswer).user;
  if (grants.manageOrgKeys || grants.managePersonalKeys) {
    await admin.client.patch(`/api/orgs/${admin.orgId}/members/${user.id}`, grants).expect(200);
  }
  return { client, user };
}

export async function createTeam(h: Harness): Promise<Team> {
  const admin = await h.signup({ name: "Ada Admin", orgName: "Team Org" });
  const [member, orgKeysMember, personalKeysMember, bystander] = await Promise.all([
    addMember(h, admin, "Mo Member"),
    addMember(h, admin, "Olga OrgKeys", { manageOrgKeys: true }),
    addMember(h, admin, "Pete PersonalKeys", { managePersonalKeys: true }),
    addMember(h, admin, "Bea Bystander"),
  ]);
  return {
    orgId: admin.orgId,
    admin,
    users: {
      admin: { client: admin.client, user: admin.user },
      member,
      orgKeysMember,
      personalKeysMember,
    },
    bystander,
    keysPath: `/api/orgs/${admin.orgId}/keys`,
  };
}

export async function setPolicy(team: Team, orgKeyPolicy: OrgKeyPolicy): Promise<void> {
  await team.admin.client.patch(`/api/orgs/${team.orgId}`, { orgKeyPolicy }).expect(200);
}

let keyCounter = 0;
export function keyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  keyCounter += 1;
  return {
    name: `key ${keyCounter}`,
    orgWide: false,
    permissions: { read: true, write: false },
    ...overrides,
  };
}

export async function createKey(
  client: Client,
  keysPath: string,
  overrides: Record<string, unknown> = {},
): Promise<KeyWithSecretAnswer> {
  const res = await client.post(keysPath, keyBody(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as KeyWithSecretAnswer;
}

/** Every key the client can list, following cursors. */
export async function listAll(
  client: Client,
  keysPath: string,
  query: Record<string, string> = {},
): Promise<KeyAnswer[]> {
  const items: KeyAnswer[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: "100", ...(cursor ? { cursor } : {}) });
    const res = await client.get(`${keysPath}?${params.toString()}`).expect(200);
    const page = res.body as Page<KeyAnswer>;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export async function keyCount(h: Harness, orgId: string): Promise<number> {
  return h.deps.db.apiKey.count({ where: { orgId } });
}

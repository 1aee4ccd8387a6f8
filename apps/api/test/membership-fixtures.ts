// Helpers for the org, member and invite suites: people join orgs through the invite API.
import type { InviteAnswer, Role, SessionAnswer } from "@keyward/shared";
import { Client, type Harness, type SignedIn, uniqueEmail } from "./harness.js";

export const MEMBER_PASSWORD = "another long password";

export interface Joined {
  client: Client;
  user: SessionAnswer["user"];
  password: string;
}

export async function invite(
  admin: SignedIn,
  email: string,
  role: Role = "member",
): Promise<InviteAnswer> {
  const res = await admin.client
    .post(`/api/orgs/${admin.orgId}/invites`, { email, role })
    .expect(201);
  return res.body as InviteAnswer;
}

/** A new person joins the admin's org through an invite link (one account, one bcrypt hash). */
export async function addMember(
  h: Harness,
  admin: SignedIn,
  role: Role = "member",
  name = "Invited Person",
): Promise<Joined> {
  const email = uniqueEmail(role);
  const { token } = await invite(admin, email, role);
  const client = new Client(h.app);
  const res = await client
    .post(`/api/invites/${token}/accept`, { name, password: MEMBER_PASSWORD })
    .expect(200);
  return { client, user: (res.body as SessionAnswer).user, password: MEMBER_PASSWORD };
}

export async function countRows(h: Harness) {
  const db = h.deps.db;
  const [users, memberships, invites, sessions, audit, orgs] = await Promise.all([
    db.user.count(),
    db.membership.count(),
    db.invite.count(),
    db.session.count(),
    db.auditEvent.count(),
    db.org.count(),
  ]);
  return { users, memberships, invites, sessions, audit, orgs };
}

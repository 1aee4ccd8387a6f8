import type { Db } from "@keyward/db";
import type { InviteAnswer, Role } from "@keyward/shared";
import { newId, newToken } from "@keyward/shared/node";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import { canManageMembers } from "../policy.js";
import { hashPassword, isUniqueViolation } from "./accounts.js";
import { recordAudit } from "./audit.js";
import type { SessionUser } from "./sessions.js";
import { hashToken } from "./sessions.js";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface InvitePreview {
  orgId: string;
  orgName: string;
  email: string;
  role: Role;
  expiresAt: string;
}

export async function createInvite(
  db: Db,
  { actor, org }: OrgContext,
  input: { email: string; role: Role },
  publicOrigin: string,
): Promise<InviteAnswer> {
  if (!canManageMembers(actor)) throw ApiError.forbidden("only admins can invite people");
  const member = await db.membership.findFirst({
    where: { orgId: org.id, user: { email: input.email } },
    select: { userId: true },
  });
  if (member) throw ApiError.conflict("this person is already a member of the org");

  const token = newToken();
  const id = newId("inv");
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  await db.$transaction(async (tx) => {
    await tx.invite.create({
      data: {
        id,
        orgId: org.id,
        email: input.email,
        role: input.role,
        tokenHash: hashToken(token),
        invitedById: actor.userId,
        expiresAt,
      },
    });
    await recordAudit(tx, {
      orgId: org.id,
      actorId: actor.userId,
      action: "member.invited",
      changes: { email: [null, input.email], role: [null, input.role] },
    });
  });
  const url = `${publicOrigin.replace(/\/+$/, "")}/invites/${encodeURIComponent(token)}`;
  return { id, token, url, expiresAt: expiresAt.toISOString() };
}

/** Unknown, used and expired invites all look the same: not found. */
async function findUsableInvite(db: Db, token: string) {
  const invite = await db.invite.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { org: { select: { id: true, name: true } } },
  });
  if (!invite || invite.acceptedAt || invite.expiresAt.getTime() <= Date.now()) {
    throw ApiError.notFound("invite");
  }
  return invite;
}

export async function previewInvite(db: Db, token: string): Promise<InvitePreview> {
  const invite = await findUsableInvite(db, token);
  return {
    orgId: invite.org.id,
    orgName: invite.org.name,
    email: invite.email,
    role: invite.role as Role,
    expiresAt: invite.expiresAt.toISOString(),
  };
}

/** Marks the invite used, unless a parallel accept got there first. */
async function claimInvite(tx: Pick<Db, "invite">, inviteId: string, now: Date) {
  const { count } = await tx.invite.updateMany({
    where: { id: inviteId, acceptedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now },
  });
  if (count !== 1) throw ApiError.notFound("invite");
}

function missingFields(input: { name?: string | undefined; password?: string | undefined }) {
  const missing = (["name", "password"] as const).filter((field) => input[field] === undefined);
  return missing.map((field) => ({ field, message: "is required to create an account" }));
}

/**
 * Accepts an invite and answers the id of the user who joined: the signed-in user when their
 * email matches, or a new account with the invited email.
 */
export async function acceptInvite(
  db: Db,
  token: string,
  signedIn: SessionUser | undefined,
  input: { name?: string | undefined; password?: string | undefined },
): Promise<string> {
  const invite = await findUsableInvite(db, token);
  let userId: string;
  let newAccount: { email: string; name: string; passwordHash: string } | undefined;

  if (signedIn) {
    if (signedIn.email !== invite.email) {
      throw ApiError.forbidden("this invite is for another email address");
    }
    const member = await db.membership.findUnique({
      where: { orgId_userId: { orgId: invite.orgId, userId: signedIn.id } },
    });
    if (member) throw ApiError.conflict("you are already a member of this org");
    userId = signedIn.id;
  } else {
    const existing = await db.user.findUnique({
      where: { email: invite.email },
      select: { id: true },
    });
    if (existing) {
      throw ApiError.unauthenticated(
        "an account with this email exists: sign in, then accept the invite",
      );
    }
    const { name, password } = input;
    if (name === undefined || password === undefined) {
      const missing = missingFields(input);
      const summary = missing.map((m) => `${m.field}: ${m.message}`).join("; ");
      throw new ApiError("invalid_request", summary, missing);
    }
    userId = newId("usr");
    newAccount = { email: invite.email, name, passwordHash: await hashPassword(password) };
  }

  try {
    await db.$transaction(async (tx) => {
      const now = new Date();
      await claimInvite(tx, invite.id, now);
      if (newAccount) await tx.user.create({ data: { id: userId, ...newAccount } });
      await tx.membership.create({ data: { orgId: invite.orgId, userId, role: invite.role } });
      await recordAudit(tx, {
        orgId: invite.orgId,
        actorId: userId,
        action: "member.joined",
        subjectUserId: userId,
        changes: { role: [null, invite.role] },
        at: now,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw ApiError.conflict(
        newAccount
          ? "an account with this email already exists"
          : "you are already a member of this org",
      );
    }
    throw err;
  }
  return userId;
}

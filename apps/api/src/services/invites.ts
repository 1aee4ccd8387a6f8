import type { Db } from "@keyward/db";
import type { InviteAnswer, InvitePreviewAnswer, PendingInviteAnswer, Role } from "@keyward/shared";
import { newId, newToken } from "@keyward/shared/node";
import type { Deps } from "../deps.js";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import { type Actor, canManageMembers } from "../policy.js";
import { hashPassword, isUniqueViolation } from "./accounts.js";
import { recordAudit } from "./audit-writer.js";
import { type Tx, toActor, withAuthority } from "./authority.js";
import type { SessionUser } from "./session-store.js";
import { hashToken } from "./session-store.js";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

type InviteDeps = Pick<Deps, "db" | "dialect">;

function assertCanManageInvites(actor: Actor): void {
  if (!canManageMembers(actor)) throw ApiError.forbidden("only admins can manage invites");
}

function inviteUrl(publicOrigin: string, token: string): string {
  return `${publicOrigin.replace(/\/+$/, "")}/invites/${encodeURIComponent(token)}`;
}

/** Pending: not accepted, not expired. Revoked invites are deleted (the audit log keeps them). */
const pending = (now: Date) => ({ acceptedAt: null, expiresAt: { gt: now } });

export async function createInvite(
  deps: InviteDeps,
  ctx: OrgContext,
  input: { email: string; role: Role },
  publicOrigin: string,
): Promise<InviteAnswer> {
  assertCanManageInvites(ctx.actor);
  const token = newToken();
  const id = newId("inv");
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  await withAuthority(deps, ctx.caller, "share", async (tx, { actor, org }) => {
    assertCanManageInvites(actor);
    const member = await tx.membership.findFirst({
      where: { orgId: org.id, user: { email: input.email } },
      select: { userId: true },
    });
    if (member) throw ApiError.conflict("this person is already a member of the org");
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
  return { id, token, url: inviteUrl(publicOrigin, token), expiresAt: expiresAt.toISOString() };
}

/** Pending invites, newest first, for admins; never their tokens (only hashes are stored). */
export async function listInvites(
  db: Db,
  { actor, org }: OrgContext,
): Promise<PendingInviteAnswer[]> {
  assertCanManageInvites(actor);
  const rows = await db.invite.findMany({
    where: { orgId: org.id, ...pending(new Date()) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
  });
  const inviters = await db.user.findMany({
    where: { id: { in: [...new Set(rows.map((row) => row.invitedById))] } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(inviters.map((u) => [u.id, u.name]));
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role as Role,
    invitedBy: { id: row.invitedById, name: nameOf.get(row.invitedById) ?? "" },
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
  }));
}

async function deleteInvite(
  tx: Tx,
  invite: { id: string; orgId: string; email: string; role: string },
  actorId: string,
): Promise<void> {
  await tx.invite.delete({ where: { id: invite.id } });
  await recordAudit(tx, {
    orgId: invite.orgId,
    actorId,
    action: "invite.revoked",
    changes: { email: [invite.email, null], role: [invite.role, null] },
  });
}

async function findPendingInvite(tx: Tx, orgId: string, inviteId: string) {
  const invite = await tx.invite.findFirst({
    where: { id: inviteId, orgId, ...pending(new Date()) },
  });
  if (!invite) throw ApiError.notFound("invite");
  return invite;
}

export async function revokeInvite(
  deps: InviteDeps,
  ctx: OrgContext,
  inviteId: string,
): Promise<void> {
  assertCanManageInvites(ctx.actor);
  await withAuthority(deps, ctx.caller, "share", async (tx, { actor, org }) => {
    assertCanManageInvites(actor);
    await deleteInvite(tx, await findPendingInvite(tx, org.id, inviteId), actor.userId);
  });
}

/**
 * A fresh link for a pending invite (tokens are stored hashed, so the old link can't be shown
 * again): the old link stops working, the invite's 7 days start again, and the caller becomes its
 * author (an invite is void once its author is no longer an admin).
 */
export async function renewInvite(
  deps: InviteDeps,
  ctx: OrgContext,
  inviteId: string,
  publicOrigin: string,
): Promise<InviteAnswer> {
  assertCanManageInvites(ctx.actor);
  const token = newToken();
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  await withAuthority(deps, ctx.caller, "share", async (tx, { actor, org }) => {
    assertCanManageInvites(actor);
    const invite = await findPendingInvite(tx, org.id, inviteId);
    await tx.invite.update({
      where: { id: invite.id },
      data: { tokenHash: hashToken(token), expiresAt, invitedById: actor.userId },
    });
    await recordAudit(tx, {
      orgId: org.id,
      actorId: actor.userId,
      action: "invite.renewed",
      changes: { expiresAt: [invite.expiresAt.toISOString(), expiresAt.toISOString()] },
    });
  });
  return {
    id: inviteId,
    token,
    url: inviteUrl(publicOrigin, token),
    expiresAt: expiresAt.toISOString(),
  };
}

/** An admin who is removed or demoted takes their pending invites with them (same transaction). */
export async function revokeInvitesBy(
  tx: Tx,
  orgId: string,
  authorId: string,
  actorId: string,
): Promise<void> {
  const invites = await tx.invite.findMany({
    where: { orgId, invitedById: authorId, ...pending(new Date()) },
  });
  for (const invite of invites) await deleteInvite(tx, invite, actorId);
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

export async function previewInvite(db: Db, token: string): Promise<InvitePreviewAnswer> {
  const invite = await findUsableInvite(db, token);
  await assertAuthorStillAdmin(db, invite);
  return {
    orgId: invite.org.id,
    orgName: invite.org.name,
    email: invite.email,
    role: invite.role as Role,
    expiresAt: invite.expiresAt.toISOString(),
  };
}

/** An invite is void once its author is no longer an admin of the org (removed or demoted). */
async function assertAuthorStillAdmin(
  tx: Pick<Tx, "membership">,
  invite: { orgId: string; invitedById: string },
) {
  const author = await tx.membership.findUnique({
    where: { orgId_userId: { orgId: invite.orgId, userId: invite.invitedById } },
  });
  if (!author || !canManageMembers(toActor(author))) throw ApiError.notFound("invite");
}

/** Marks the invite used, unless a parallel accept (or a revoke) got there first. */
async function claimInvite(
  tx: Pick<Tx, "invite">,
  invite: { id: string; tokenHash: string },
  now: Date,
) {
  const { count } = await tx.invite.updateMany({
    where: { id: invite.id, tokenHash: invite.tokenHash, acceptedAt: null, expiresAt: { gt: now } },
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
  { db, dialect }: InviteDeps,
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
      await dialect.lockOrg(tx, invite.orgId, "share");
      await assertAuthorStillAdmin(tx, invite);
      await claimInvite(tx, invite, now);
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

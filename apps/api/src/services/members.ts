import type { Db } from "@keyward/db";
import type { MemberAnswer, Role } from "@keyward/shared";
import type { Deps, KeyChange } from "../deps.js";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import { type Actor, canManageMembers, effectiveGrants } from "../policy.js";
import { diffFields, recordAudit } from "./audit.js";

type MemberDeps = Pick<Deps, "db" | "provider" | "keyChanges">;
type MembershipReader = Pick<Db, "membership">;

interface MembershipRow {
  userId: string;
  role: string;
  manageOrgKeys: boolean;
  managePersonalKeys: boolean;
  user: { email: string; name: string };
}

function toActor(row: Omit<MembershipRow, "user">): Actor {
  return {
    userId: row.userId,
    role: row.role as Role,
    manageOrgKeys: row.manageOrgKeys,
    managePersonalKeys: row.managePersonalKeys,
  };
}

export function memberAnswer(row: MembershipRow): MemberAnswer {
  const actor = toActor(row);
  return {
    userId: row.userId,
    email: row.user.email,
    name: row.user.name,
    role: actor.role,
    ...effectiveGrants(actor),
  };
}

export async function listMembers(db: Db, { org }: OrgContext): Promise<MemberAnswer[]> {
  const rows = await db.membership.findMany({
    where: { orgId: org.id },
    include: { user: { select: { email: true, name: true } } },
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
  });
  return rows.map(memberAnswer);
}

/**
 * Serialises membership changes of one org, so the last-admin check cannot race. PostgreSQL
 * locks the org row; SQLite runs one write transaction at a time anyway.
 */
async function lockOrg(tx: Pick<Db, "$queryRaw">, provider: Deps["provider"], orgId: string) {
  if (provider === "postgresql") {
    await tx.$queryRaw`SELECT "id" FROM "Org" WHERE "id" = ${orgId} FOR UPDATE`;
  }
}

/** The caller's membership as it is now, inside the transaction: a request may outlive a demotion. */
async function assertCanManageMembers(tx: MembershipReader, orgId: string, userId: string) {
  const row = await tx.membership.findUnique({ where: { orgId_userId: { orgId, userId } } });
  if (!row) throw ApiError.notFound("org");
  if (!canManageMembers(toActor(row))) throw ApiError.forbidden("only admins can manage members");
}

async function findMember(tx: MembershipReader, orgId: string, userId: string) {
  const row = await tx.membership.findUnique({
    where: { orgId_userId: { orgId, userId } },
    include: { user: { select: { email: true, name: true } } },
  });
  if (!row) throw ApiError.notFound("member");
  return row;
}

async function assertAnotherAdmin(tx: MembershipReader, orgId: string, userId: string) {
  const others = await tx.membership.count({
    where: { orgId, role: "admin", userId: { not: userId } },
  });
  if (others === 0) throw ApiError.conflict("an org must keep at least one admin");
}

export async function updateMember(
  { db, provider }: MemberDeps,
  { actor, org }: OrgContext,
  userId: string,
  input: {
    role?: Role | undefined;
    manageOrgKeys?: boolean | undefined;
    managePersonalKeys?: boolean | undefined;
  },
): Promise<MemberAnswer> {
  if (!canManageMembers(actor)) throw ApiError.forbidden("only admins can manage members");
  const row = await db.$transaction(async (tx) => {
    await lockOrg(tx, provider, org.id);
    await assertCanManageMembers(tx, org.id, actor.userId);
    const target = await findMember(tx, org.id, userId);
    const changes = diffFields(
      {
        role: target.role,
        manageOrgKeys: target.manageOrgKeys,
        managePersonalKeys: target.managePersonalKeys,
      },
      input,
    );
    if (Object.keys(changes).length === 0) return target;
    if (target.role === "admin" && input.role === "member") {
      await assertAnotherAdmin(tx, org.id, userId);
    }
    const updated = await tx.membership.update({
      where: { orgId_userId: { orgId: org.id, userId } },
      data: input,
      include: { user: { select: { email: true, name: true } } },
    });
    await recordAudit(tx, {
      orgId: org.id,
      actorId: actor.userId,
      action: "member.updated",
      subjectUserId: userId,
      changes,
    });
    return updated;
  });
  return memberAnswer(row);
}

export const OWNER_REMOVED = "owner_removed";

/** Removes a member and disables their personal keys of this org, in one transaction. */
export async function removeMember(
  { db, provider, keyChanges }: MemberDeps,
  { actor, org }: OrgContext,
  userId: string,
): Promise<void> {
  if (!canManageMembers(actor)) throw ApiError.forbidden("only admins can manage members");
  const disabled: KeyChange[] = await db.$transaction(async (tx) => {
    await lockOrg(tx, provider, org.id);
    await assertCanManageMembers(tx, org.id, actor.userId);
    const target = await findMember(tx, org.id, userId);
    if (target.role === "admin") await assertAnotherAdmin(tx, org.id, userId);

    const keys = await tx.apiKey.findMany({
      where: { orgId: org.id, ownerId: userId, orgWide: false, enabled: true },
      select: { id: true, hash: true },
    });
    if (keys.length > 0) {
      await tx.apiKey.updateMany({
        where: { id: { in: keys.map((k) => k.id) } },
        data: { enabled: false, disabledReason: OWNER_REMOVED },
      });
    }
    for (const key of keys) {
      await recordAudit(tx, {
        orgId: org.id,
        actorId: actor.userId,
        action: "key.disabled",
        keyId: key.id,
        subjectUserId: userId,
        changes: { enabled: [true, false] },
      });
    }

    await tx.membership.delete({ where: { orgId_userId: { orgId: org.id, userId } } });
    await recordAudit(tx, {
      orgId: org.id,
      actorId: actor.userId,
      action: "member.removed",
      subjectUserId: userId,
      changes: { role: [target.role, null] },
    });
    return keys.map((k) => ({ keyId: k.id, hash: k.hash }));
  });
  await Promise.all(disabled.map((change) => keyChanges.publish(change)));
}

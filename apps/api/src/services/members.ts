import type { Db } from "@keyward/db";
import type { MemberAnswer, MemberLockReason, Role } from "@keyward/shared";
import type { Deps } from "../deps.js";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import type { KeyChange } from "../key-verification/key-change-bus.js";
import { type Actor, canManageMembers, effectiveGrants } from "../policy.js";
import { diffFields, recordAudit } from "./audit-writer.js";
import { type Authority, type Tx, toActor, withAuthority } from "./authority.js";
import { revokeInvitesBy } from "./invites.js";

type MemberDeps = Pick<Deps, "db" | "dialect" | "keyChanges">;
type MembershipReader = Pick<Tx, "membership">;

interface MembershipRow {
  userId: string;
  role: string;
  manageOrgKeys: boolean;
  managePersonalKeys: boolean;
  user: { email: string; name: string };
}

/** An org always keeps an admin: the only one can't be demoted or removed. */
function lockReason(actor: Actor, adminCount: number): MemberLockReason | null {
  return actor.role === "admin" && adminCount <= 1 ? "last_admin" : null;
}

function toMemberAnswer(row: MembershipRow, adminCount: number): MemberAnswer {
  const actor = toActor(row);
  return {
    userId: row.userId,
    email: row.user.email,
    name: row.user.name,
    role: actor.role,
    ...effectiveGrants(actor),
    cannotDemoteReason: lockReason(actor, adminCount),
  };
}

const MEMBER_USER = { user: { select: { email: true, name: true } } } as const;

const countAdmins = (tx: MembershipReader, orgId: string) =>
  tx.membership.count({ where: { orgId, role: "admin" } });

export async function listMembers(db: Db, { org }: OrgContext): Promise<MemberAnswer[]> {
  const rows = await db.membership.findMany({
    where: { orgId: org.id },
    include: MEMBER_USER,
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
  });
  const admins = rows.filter((row) => row.role === "admin").length;
  return rows.map((row) => toMemberAnswer(row, admins));
}

function assertCanManageMembers(actor: Actor): void {
  if (!canManageMembers(actor)) throw ApiError.forbidden("only admins can manage members");
}

async function findMember(tx: MembershipReader, orgId: string, userId: string) {
  const row = await tx.membership.findUnique({
    where: { orgId_userId: { orgId, userId } },
    include: MEMBER_USER,
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

/** An admin stepping down (demoted or removed): another must remain; their invites are revoked. */
async function releaseAdmin(tx: Tx, orgId: string, userId: string, actorId: string) {
  await assertAnotherAdmin(tx, orgId, userId);
  await revokeInvitesBy(tx, orgId, userId, actorId);
}

/**
 * An admin's change to one member, in the org's exclusive transaction: the right is checked on
 * the request and again inside (it may have been taken meanwhile), the member read there.
 */
function changeMember<T>(
  deps: MemberDeps,
  ctx: OrgContext,
  userId: string,
  change: (tx: Tx, authority: Authority, target: MembershipRow) => Promise<T>,
): Promise<T> {
  assertCanManageMembers(ctx.actor);
  return withAuthority(deps, ctx.caller, "exclusive", async (tx, authority) => {
    assertCanManageMembers(authority.actor);
    return change(tx, authority, await findMember(tx, authority.org.id, userId));
  });
}

export async function updateMember(
  deps: MemberDeps,
  ctx: OrgContext,
  userId: string,
  input: {
    role?: Role | undefined;
    manageOrgKeys?: boolean | undefined;
    managePersonalKeys?: boolean | undefined;
  },
): Promise<MemberAnswer> {
  const { row, admins } = await changeMember(
    deps,
    ctx,
    userId,
    async (tx, { actor, org }, target) => {
      const changes = diffFields(
        {
          role: target.role,
          manageOrgKeys: target.manageOrgKeys,
          managePersonalKeys: target.managePersonalKeys,
        },
        input,
      );
      if (Object.keys(changes).length === 0)
        return { row: target, admins: await countAdmins(tx, org.id) };
      const demoted = target.role === "admin" && input.role === "member";
      if (demoted) await releaseAdmin(tx, org.id, userId, actor.userId);
      const updated = await tx.membership.update({
        where: { orgId_userId: { orgId: org.id, userId } },
        data: input,
        include: MEMBER_USER,
      });
      await recordAudit(tx, {
        orgId: org.id,
        actorId: actor.userId,
        action: "member.updated",
        subjectUserId: userId,
        changes,
      });
      return { row: updated, admins: await countAdmins(tx, org.id) };
    },
  );
  return toMemberAnswer(row, admins);
}

export const OWNER_REMOVED = "owner_removed";

/** Removes a member and disables their personal keys of this org, in one transaction. */
export async function removeMember(
  deps: MemberDeps,
  ctx: OrgContext,
  userId: string,
): Promise<void> {
  const disabled: KeyChange[] = await changeMember(
    deps,
    ctx,
    userId,
    async (tx, { actor, org }, target) => {
      if (target.role === "admin") await releaseAdmin(tx, org.id, userId, actor.userId);

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
    },
  );
  await Promise.all(disabled.map((change) => deps.keyChanges.publish(change)));
}

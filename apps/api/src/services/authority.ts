// Authority is decided where the data is locked. Every state-changing service opens its
// transaction with `lockAuthority`, which takes the org row's lock (shared for changes that use
// authority, exclusive for changes to it: roles, grants, removal, the key policy), the caller's
// session row, and then re-reads the caller's membership and the org's settings. A request that
// waited on a removal, demotion, grant or policy change sees its result and is refused. On
// SQLite the locks are no-ops: its single writer serialises the same transactions.
import type { Dialect, LockMode, Tx } from "@keyward/db";
import type { OrgKeyPolicy, Role } from "@keyward/shared";
import type { Deps } from "../deps.js";
import { ApiError } from "../http/api-error.js";
import type { Actor } from "../policy.js";

export interface OrgSettings {
  id: string;
  name: string;
  orgKeyPolicy: OrgKeyPolicy;
  maxKeyLifetimeDays: number | null;
  rateLimitPerSecond: number;
}

/** Who is acting, in which org, with what rights. */
export interface Authority {
  actor: Actor;
  org: OrgSettings;
}

/** What the request arrived with: re-read by `lockAuthority` before anything is decided. */
export interface Caller {
  userId: string;
  orgId: string;
  /** The session the request was authenticated by; logging out ends its authority too. */
  sessionId: string;
}

export type { Tx } from "@keyward/db";
export type OrgLock = LockMode;

export function toActor(row: {
  userId: string;
  role: string;
  manageOrgKeys: boolean;
  managePersonalKeys: boolean;
}): Actor {
  return {
    userId: row.userId,
    role: row.role as Role,
    manageOrgKeys: row.manageOrgKeys,
    managePersonalKeys: row.managePersonalKeys,
  };
}

export function toOrgSettings(row: {
  id: string;
  name: string;
  orgKeyPolicy: string;
  maxKeyLifetimeDays: number | null;
  rateLimitPerSecond: number;
}): OrgSettings {
  return {
    id: row.id,
    name: row.name,
    orgKeyPolicy: row.orgKeyPolicy as OrgKeyPolicy,
    maxKeyLifetimeDays: row.maxKeyLifetimeDays,
    rateLimitPerSecond: row.rateLimitPerSecond,
  };
}

/** The caller's authority as committed now, under the locks above; a non-member gets 404. */
export async function lockAuthority(
  tx: Tx,
  dialect: Dialect,
  caller: Caller,
  mode: OrgLock,
): Promise<Authority> {
  // Shared for changes that use authority, exclusive for changes to it (see the dialect).
  await dialect.lockOrg(tx, caller.orgId, mode);
  await dialect.lockSession(tx, caller.sessionId);
  const session = await tx.session.findFirst({
    where: { id: caller.sessionId, userId: caller.userId, expiresAt: { gt: new Date() } },
    select: { id: true },
  });
  if (!session) throw ApiError.unauthenticated("your session ended: sign in again");
  const membership = await tx.membership.findUnique({
    where: { orgId_userId: { orgId: caller.orgId, userId: caller.userId } },
    include: { org: true },
  });
  if (!membership) throw ApiError.notFound("org");
  return { actor: toActor(membership), org: toOrgSettings(membership.org) };
}

/** Runs `work` in a transaction that starts with `lockAuthority`. */
export function withAuthority<T>(
  { db, dialect }: Pick<Deps, "db" | "dialect">,
  caller: Caller,
  mode: OrgLock,
  work: (tx: Tx, authority: Authority) => Promise<T>,
): Promise<T> {
  return db.$transaction(async (tx) => work(tx, await lockAuthority(tx, dialect, caller, mode)));
}

// Every authorization rule of the contract, in one place: each predicate next to its query form
// and its refusal reason. Services call these with authority read inside their transaction
// (authority.ts); handlers and the web app never re-derive a rule (the web app reads
// `capabilities` and each key's `cannotEditReason`).
import type { Prisma } from "@keyward/db";
import type { KeyLockReason, OrgCapabilities, OrgKeyPolicy, Role } from "@keyward/shared";

export interface Actor {
  userId: string;
  role: Role;
  manageOrgKeys: boolean;
  managePersonalKeys: boolean;
}

export interface OrgRules {
  orgKeyPolicy: OrgKeyPolicy;
}

export interface KeyOwnership {
  orgWide: boolean;
  ownerId: string | null;
}

export function isAdmin(actor: Actor): boolean {
  return actor.role === "admin";
}

/** Admins hold both grants implicitly, and the API reports them as true. */
export function effectiveGrants(actor: Actor): {
  manageOrgKeys: boolean;
  managePersonalKeys: boolean;
} {
  return {
    manageOrgKeys: isAdmin(actor) || actor.manageOrgKeys,
    managePersonalKeys: isAdmin(actor) || actor.managePersonalKeys,
  };
}

// ---- Seeing keys ----

/** True when the caller sees (and edits) every personal key, not only their own. */
export function canManageOthersPersonalKeys(actor: Actor): boolean {
  return effectiveGrants(actor).managePersonalKeys;
}

export function canSeeKey(actor: Actor, key: KeyOwnership): boolean {
  return key.orgWide || key.ownerId === actor.userId || canManageOthersPersonalKeys(actor);
}

/** `canSeeKey` as a query: the keys of an org this caller can see. */
export function visibleKeysWhere(actor: Actor): Prisma.ApiKeyWhereInput {
  return canManageOthersPersonalKeys(actor)
    ? {}
    : { OR: [{ orgWide: true }, { ownerId: actor.userId }] };
}

// ---- Changing keys ----

export function canEditOrgWideKeys(actor: Actor, org: OrgRules): boolean {
  return org.orgKeyPolicy === "everyone" || effectiveGrants(actor).manageOrgKeys;
}

/** Why the caller may not update, enable/disable, roll or delete this key; null when they may. */
export function editKeyRefusal(
  actor: Actor,
  org: OrgRules,
  key: KeyOwnership,
): KeyLockReason | null {
  if (key.orgWide) return canEditOrgWideKeys(actor, org) ? null : "org_keys_restricted";
  if (key.ownerId === actor.userId || canManageOthersPersonalKeys(actor)) return null;
  return "not_owner";
}

export function canEditKey(actor: Actor, org: OrgRules, key: KeyOwnership): boolean {
  return editKeyRefusal(actor, org, key) === null;
}

export function createKeyRefusal(
  actor: Actor,
  org: OrgRules,
  orgWide: boolean,
): KeyLockReason | null {
  return orgWide && !canEditOrgWideKeys(actor, org) ? "org_keys_restricted" : null;
}

/** Turning a personal key org-wide, or back, needs the right to edit it and to edit org-wide keys. */
export function changeKeyTypeRefusal(
  actor: Actor,
  org: OrgRules,
  key: KeyOwnership,
): KeyLockReason | null {
  return editKeyRefusal(actor, org, key) ?? createKeyRefusal(actor, org, true);
}

/** The message of a 403 for each reason: said to API clients; the web app words them itself. */
export const KEY_REFUSAL_MESSAGES: Record<KeyLockReason, string> = {
  org_keys_restricted:
    "this org lets only admins and members granted manageOrgKeys create or change org-wide keys",
  not_owner:
    "only the owner, admins and members granted managePersonalKeys can change this personal key",
};

// ---- Members, invites, the org ----

/** Changing roles and grants, removing members, inviting and revoking invites: admins only. */
export function canManageMembers(actor: Actor): boolean {
  return isAdmin(actor);
}

export function canUpdateOrg(actor: Actor): boolean {
  return isAdmin(actor);
}

// ---- The audit log ----

/** Admins see every audit event; others see only `key.*` events of keys they can see. */
export function canSeeAllAudit(actor: Actor): boolean {
  return isAdmin(actor);
}

/**
 * `canSeeAllAudit`/`canSeeKey` as a query over audit events. A key event's `subjectUserId` is
 * the key's owner (null while org-wide); audit-reader.ts also checks events of keys that still exist.
 */
export function visibleAuditWhere(actor: Actor): Prisma.AuditEventWhereInput {
  if (canSeeAllAudit(actor)) return {};
  const keyEvents: Prisma.AuditEventWhereInput = { action: { startsWith: "key." } };
  if (canManageOthersPersonalKeys(actor)) return keyEvents;
  return { ...keyEvents, OR: [{ subjectUserId: null }, { subjectUserId: actor.userId }] };
}

// ---- What the web app may offer ----

export function capabilities(actor: Actor, org: OrgRules): OrgCapabilities {
  return {
    editOrgWideKeys: canEditOrgWideKeys(actor, org),
    seeOthersPersonalKeys: canManageOthersPersonalKeys(actor),
    editOthersPersonalKeys: canManageOthersPersonalKeys(actor),
    manageMembers: canManageMembers(actor),
    manageInvites: canManageMembers(actor),
    updateOrg: canUpdateOrg(actor),
    seeAllAudit: canSeeAllAudit(actor),
  };
}

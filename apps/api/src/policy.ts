// Every authorization rule of the contract, in one place. Services call these; handlers never re-derive them.
import type { OrgKeyPolicy, Role } from "@keyward/shared";

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

function canManageOthersPersonalKeys(actor: Actor): boolean {
  return effectiveGrants(actor).managePersonalKeys;
}

/** True when the caller sees every personal key; otherwise only org-wide keys and their own (list filters use this). */
export function canSeeAllPersonalKeys(actor: Actor): boolean {
  return canManageOthersPersonalKeys(actor);
}

export function canSeeKey(actor: Actor, key: KeyOwnership): boolean {
  return key.orgWide || key.ownerId === actor.userId || canManageOthersPersonalKeys(actor);
}

export function canEditOrgWideKeys(actor: Actor, org: OrgRules): boolean {
  return org.orgKeyPolicy === "everyone" || effectiveGrants(actor).manageOrgKeys;
}

function canEditPersonalKeyOf(actor: Actor, ownerId: string | null): boolean {
  return ownerId === actor.userId || canManageOthersPersonalKeys(actor);
}

/** Update, enable/disable, roll, delete. */
export function canEditKey(actor: Actor, org: OrgRules, key: KeyOwnership): boolean {
  return key.orgWide ? canEditOrgWideKeys(actor, org) : canEditPersonalKeyOf(actor, key.ownerId);
}

export function canCreateKey(actor: Actor, org: OrgRules, orgWide: boolean): boolean {
  return orgWide ? canEditOrgWideKeys(actor, org) : true;
}

/** Turning a personal key org-wide, or back, needs both rights. */
export function canChangeKeyType(actor: Actor, org: OrgRules, key: KeyOwnership): boolean {
  return (
    canEditOrgWideKeys(actor, org) && (key.orgWide || canEditPersonalKeyOf(actor, key.ownerId))
  );
}

/** Members list is readable by every member; changes are for admins. */
export function canManageMembers(actor: Actor): boolean {
  return isAdmin(actor);
}

export function canUpdateOrg(actor: Actor): boolean {
  return isAdmin(actor);
}

/** Admins see every audit event; others see only `key.*` events of keys they can see. */
export function canSeeAllAudit(actor: Actor): boolean {
  return isAdmin(actor);
}

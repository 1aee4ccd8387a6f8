// The authorization rules both matrices expect (test/key-matrix.test.ts and
// test/hardening/authorization-matrix.test.ts), written from the contract's wording
// (docs/product.md, "Roles" and "Keys"), never from src/policy.ts.
import type { OrgKeyPolicy } from "@keyward/shared";
import type { RoleName } from "../harness.js";

export type KeyKind = "own personal" | "other's personal" | "org-wide";
export const KINDS: KeyKind[] = ["own personal", "other's personal", "org-wide"];
export const POLICIES: OrgKeyPolicy[] = ["everyone", "restricted"];

export const isAdmin = (role: RoleName) => role === "admin";
// "Admins hold both [grants] implicitly."
export const holdsManagePersonalKeys = (role: RoleName) =>
  role === "admin" || role === "personalKeysMember";
export const holdsManageOrgKeys = (role: RoleName) => role === "admin" || role === "orgKeysMember";

// "A member sees every org-wide key of the org and their own personal keys. Admins and members
// granted managePersonalKeys also see everyone's personal keys."
export function sees(role: RoleName, kind: KeyKind): boolean {
  if (kind === "org-wide" || kind === "own personal") return true;
  return holdsManagePersonalKeys(role);
}

// "`everyone` (any member may create/modify org-wide keys) or `restricted` (only admins and
// members granted manageOrgKeys)."
export function editsOrgWide(role: RoleName, policy: OrgKeyPolicy): boolean {
  return policy === "everyone" || holdsManageOrgKeys(role);
}

// "The owner edits their own personal keys; admins and managePersonalKeys holders edit
// anyone's. Org-wide keys: anyone when everyone, else admins and manageOrgKeys holders."
export function edits(role: RoleName, kind: KeyKind, policy: OrgKeyPolicy): boolean {
  if (kind === "own personal") return true;
  if (kind === "other's personal") return holdsManagePersonalKeys(role);
  return editsOrgWide(role, policy);
}

/** "A key the caller may not see does not exist for them (404, never 403)"; "visible but not editable: 403". */
export function editStatus(role: RoleName, kind: KeyKind, policy: OrgKeyPolicy, ok: number) {
  if (!sees(role, kind)) return 404;
  return edits(role, kind, policy) ? ok : 403;
}

// "Turning a personal key org-wide, or back, needs the right to edit that personal key and the
// right to edit org-wide keys under the current policy."
export function typeChangeStatus(role: RoleName, kind: KeyKind, policy: OrgKeyPolicy): number {
  if (!sees(role, kind)) return 404;
  return edits(role, kind, policy) && editsOrgWide(role, policy) ? 200 : 403;
}

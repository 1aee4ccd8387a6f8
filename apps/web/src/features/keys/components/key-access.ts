import type { KeyAnswer, OrgKeyPolicy, OrgMembershipSummary } from "@keyward/shared";

export interface Access {
  allowed: boolean;
  reason?: string;
}

export const ORG_WIDE_RESTRICTED_REASON =
  "Your organization restricts org-wide keys to admins and members granted “Manage org keys”. Ask an admin if you need one.";

/** May the caller create org-wide keys (or turn a key org-wide)? Same rule as the API. */
export function orgWideAccess(
  membership: Pick<OrgMembershipSummary, "role" | "manageOrgKeys"> | undefined,
  policy: OrgKeyPolicy | undefined,
): Access {
  if (!membership || !policy) return { allowed: false, reason: "Checking your permissions…" };
  if (membership.role === "admin" || policy === "everyone" || membership.manageOrgKeys) {
    return { allowed: true };
  }
  return { allowed: false, reason: ORG_WIDE_RESTRICTED_REASON };
}

/** Why a visible key is read-only; the API's `canEdit` decides, this only explains. */
export function readOnlyReason(key: KeyAnswer, currentUserId: string | undefined): string {
  if (key.orgWide) {
    return "Only admins and members granted “Manage org keys” can change org-wide keys in this organization.";
  }
  if (key.owner && key.owner.id !== currentUserId) {
    return `This is ${key.owner.name}’s personal key. Only its owner, admins and members granted “Manage personal keys” can change it.`;
  }
  return "You don’t have permission to change this key.";
}

import type { OrgMembershipSummary } from "@keyward/shared";
import { ORG_WIDE_CREATE_REFUSED } from "@/lib/capability-reasons";

export interface Access {
  allowed: boolean;
  reason?: string;
}

/** May the caller create org-wide keys (or turn a key org-wide)? The API's capabilities decide. */
export function orgWideAccess(
  membership: Pick<OrgMembershipSummary, "capabilities"> | undefined,
): Access {
  if (!membership) return { allowed: false, reason: "Checking your permissions…" };
  return membership.capabilities.editOrgWideKeys
    ? { allowed: true }
    : { allowed: false, reason: ORG_WIDE_CREATE_REFUSED };
}

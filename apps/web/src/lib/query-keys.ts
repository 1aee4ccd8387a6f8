// Query keys that more than one feature reads or invalidates: a mutation in one feature
// (e.g. removing a member) refreshes another's lists (their keys, the audit log).

export const meQueryKey = ["me"] as const;
export const orgQueryKey = (orgId: string) => ["orgs", orgId, "details"] as const;
export const membersQueryKey = (orgId: string) => ["orgs", orgId, "members"] as const;
export const keysQueryKey = (orgId: string) => ["orgs", orgId, "keys"] as const;
export const auditQueryKey = (orgId: string) => ["orgs", orgId, "audit"] as const;

import type { InviteAnswer, PendingInviteAnswer } from "@keyward/shared";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { auditQueryKey } from "@/lib/query-keys";

export const invitesQueryKey = (orgId: string) => ["orgs", orgId, "invites"] as const;

export function getInvites(orgId: string, signal?: AbortSignal): Promise<PendingInviteAnswer[]> {
  return api.get<PendingInviteAnswer[]>(orgApiPath(orgId, "invites"), { signal });
}

export function invitesQueryOptions(orgId: string) {
  return queryOptions({
    queryKey: invitesQueryKey(orgId),
    queryFn: ({ signal }) => getInvites(orgId, signal),
  });
}

export function useInvites(orgId: string, options: { enabled?: boolean } = {}) {
  return useQuery({ ...invitesQueryOptions(orgId), enabled: options.enabled ?? true });
}

export function revokeInvite(orgId: string, inviteId: string): Promise<void> {
  return api.delete(orgApiPath(orgId, "invites", inviteId));
}

/** Tokens are stored hashed: a link can't be shown again, only replaced (the old one stops). */
export function renewInvite(orgId: string, inviteId: string): Promise<InviteAnswer> {
  return api.post<InviteAnswer>(orgApiPath(orgId, "invites", inviteId, "renew"));
}

const invalidatesOf = (orgId: string) => [invitesQueryKey(orgId), auditQueryKey(orgId)];

export function useRevokeInvite(orgId: string) {
  return useRefreshingMutation({
    mutationFn: (inviteId: string) => revokeInvite(orgId, inviteId),
    invalidates: invalidatesOf(orgId),
  });
}

export function useRenewInvite(orgId: string) {
  return useRefreshingMutation({
    mutationFn: (inviteId: string) => renewInvite(orgId, inviteId),
    // The answer holds a live token.
    holdsSecret: true,
    invalidates: invalidatesOf(orgId),
  });
}

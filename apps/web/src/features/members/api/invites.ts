import type { InviteAnswer, PendingInviteAnswer } from "@keyward/shared";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { auditQueryKey } from "@/lib/query-keys";

export const invitesQueryKey = (orgId: string) => ["orgs", orgId, "invites"] as const;

const invitesPath = (orgId: string) => `/api/orgs/${encodeURIComponent(orgId)}/invites`;

export function getInvites(orgId: string, signal?: AbortSignal): Promise<PendingInviteAnswer[]> {
  return api.get<PendingInviteAnswer[]>(invitesPath(orgId), { signal });
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
  return api.delete(`${invitesPath(orgId)}/${encodeURIComponent(inviteId)}`);
}

/** Tokens are stored hashed: a link can't be shown again, only replaced (the old one stops). */
export function renewInvite(orgId: string, inviteId: string): Promise<InviteAnswer> {
  return api.post<InviteAnswer>(`${invitesPath(orgId)}/${encodeURIComponent(inviteId)}/renew`);
}

function useInvalidateInvites(orgId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: invitesQueryKey(orgId) }),
      queryClient.invalidateQueries({ queryKey: auditQueryKey(orgId) }),
    ]);
}

export function useRevokeInvite(orgId: string) {
  const invalidate = useInvalidateInvites(orgId);
  return useMutation({
    mutationFn: (inviteId: string) => revokeInvite(orgId, inviteId),
    onSuccess: invalidate,
  });
}

export function useRenewInvite(orgId: string) {
  const invalidate = useInvalidateInvites(orgId);
  return useMutation({
    mutationFn: (inviteId: string) => renewInvite(orgId, inviteId),
    // The answer holds a live token: not kept in the mutation cache.
    gcTime: 0,
    onSuccess: invalidate,
  });
}

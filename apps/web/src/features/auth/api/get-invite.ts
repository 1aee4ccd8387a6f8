import type { Role } from "@keyward/shared";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";

export interface InvitePreview {
  orgId: string;
  orgName: string;
  email: string;
  role: Role;
  expiresAt: string;
}

export function getInvite(token: string, signal?: AbortSignal): Promise<InvitePreview> {
  return api.get<InvitePreview>(`/api/invites/${encodeURIComponent(token)}`, {
    signal,
    expectUnauthenticated: true,
  });
}

export function inviteQueryOptions(token: string) {
  return queryOptions({
    queryKey: ["invites", token],
    queryFn: ({ signal }) => getInvite(token, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useInvite(token: string) {
  return useQuery(inviteQueryOptions(token));
}

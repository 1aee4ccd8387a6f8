import type { InvitePreviewAnswer } from "@keyward/shared";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";

export function getInvite(token: string, signal?: AbortSignal): Promise<InvitePreviewAnswer> {
  return api.get<InvitePreviewAnswer>(`/api/invites/${encodeURIComponent(token)}`, {
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

import type { AcceptInviteBody, SessionAnswer } from "@keyward/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { meQueryKey } from "@/lib/query-keys";

export function acceptInvite(token: string, body: AcceptInviteBody): Promise<SessionAnswer> {
  return api.post<SessionAnswer>(`/api/invites/${encodeURIComponent(token)}/accept`, body);
}

export function useAcceptInvite(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AcceptInviteBody) => acceptInvite(token, body),
    onSuccess: (session) => {
      queryClient.removeQueries();
      queryClient.setQueryData(meQueryKey, session);
    },
  });
}

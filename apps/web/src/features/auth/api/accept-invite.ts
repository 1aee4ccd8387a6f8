import type { AcceptInviteBody, SessionAnswer } from "@keyward/shared";
import { api } from "@/lib/api-client";
import { useSessionMutation } from "@/lib/mutations";

export function acceptInvite(token: string, body: AcceptInviteBody): Promise<SessionAnswer> {
  return api.post<SessionAnswer>(`/api/invites/${encodeURIComponent(token)}/accept`, body);
}

export function useAcceptInvite(token: string) {
  return useSessionMutation((body: AcceptInviteBody) => acceptInvite(token, body));
}

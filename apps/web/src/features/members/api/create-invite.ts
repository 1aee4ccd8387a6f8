import type { CreateInviteBody, InviteAnswer } from "@keyward/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { invitesQueryKey } from "./invites";

export function createInvite(orgId: string, body: CreateInviteBody): Promise<InviteAnswer> {
  return api.post<InviteAnswer>(`/api/orgs/${encodeURIComponent(orgId)}/invites`, body);
}

export function useCreateInvite(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateInviteBody) => createInvite(orgId, body),
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitesQueryKey(orgId) }),
  });
}

/** The API may answer an absolute URL or a path; the link we show is always absolute. */
export function inviteLink(invite: Pick<InviteAnswer, "url" | "token">, origin: string): string {
  if (/^https?:\/\//.test(invite.url)) return invite.url;
  if (invite.url.startsWith("/")) return `${origin}${invite.url}`;
  return `${origin}/invites/${encodeURIComponent(invite.token)}`;
}

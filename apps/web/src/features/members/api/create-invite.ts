import type { CreateInviteBody, InviteAnswer } from "@keyward/shared";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { invitesQueryKey } from "./invites";

export function createInvite(orgId: string, body: CreateInviteBody): Promise<InviteAnswer> {
  return api.post<InviteAnswer>(orgApiPath(orgId, "invites"), body);
}

export function useCreateInvite(orgId: string) {
  return useRefreshingMutation({
    mutationFn: (body: CreateInviteBody) => createInvite(orgId, body),
    invalidates: [invitesQueryKey(orgId)],
    holdsSecret: true,
  });
}

/** The API may answer an absolute URL or a path; the link we show is always absolute. */
export function inviteLink(invite: Pick<InviteAnswer, "url" | "token">, origin: string): string {
  if (/^https?:\/\//.test(invite.url)) return invite.url;
  if (invite.url.startsWith("/")) return `${origin}${invite.url}`;
  return `${origin}/invites/${encodeURIComponent(invite.token)}`;
}

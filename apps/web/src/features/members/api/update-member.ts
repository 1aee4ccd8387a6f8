import type { MemberAnswer, UpdateMemberBody } from "@keyward/shared";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { keysQueryKey, membersQueryKey, meQueryKey } from "@/lib/query-keys";

export function updateMember(
  orgId: string,
  userId: string,
  body: UpdateMemberBody,
): Promise<MemberAnswer> {
  return api.patch<MemberAnswer>(orgApiPath(orgId, "members", userId), body);
}

interface Variables {
  userId: string;
  body: UpdateMemberBody;
}

export function useUpdateMember(orgId: string) {
  return useRefreshingMutation({
    mutationFn: ({ userId, body }: Variables) => updateMember(orgId, userId, body),
    // The caller may have changed their own role; rights decide which keys they see.
    invalidates: [membersQueryKey(orgId), meQueryKey, keysQueryKey(orgId)],
    invalidateOnError: true,
  });
}

import type { MemberAnswer, UpdateMemberBody } from "@keyward/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { keysQueryKey, membersQueryKey, meQueryKey } from "@/lib/query-keys";

export function updateMember(
  orgId: string,
  userId: string,
  body: UpdateMemberBody,
): Promise<MemberAnswer> {
  return api.patch<MemberAnswer>(
    `/api/orgs/${encodeURIComponent(orgId)}/members/${encodeURIComponent(userId)}`,
    body,
  );
}

interface Variables {
  userId: string;
  body: UpdateMemberBody;
}

export function useUpdateMember(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, body }: Variables) => updateMember(orgId, userId, body),
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: membersQueryKey(orgId) }),
        // The caller may have changed their own role; rights decide which keys they see.
        queryClient.invalidateQueries({ queryKey: meQueryKey }),
        queryClient.invalidateQueries({ queryKey: keysQueryKey(orgId) }),
      ]),
  });
}

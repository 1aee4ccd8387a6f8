import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { keysQueryKey, membersQueryKey } from "@/lib/query-keys";

export function removeMember(orgId: string, userId: string): Promise<void> {
  return api.delete(`/api/orgs/${encodeURIComponent(orgId)}/members/${encodeURIComponent(userId)}`);
}

export function useRemoveMember(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => removeMember(orgId, userId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: membersQueryKey(orgId) }),
        // Their personal keys are disabled by the removal.
        queryClient.invalidateQueries({ queryKey: keysQueryKey(orgId) }),
      ]),
  });
}

import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { keysQueryKey, membersQueryKey } from "@/lib/query-keys";

export function removeMember(orgId: string, userId: string): Promise<void> {
  return api.delete(orgApiPath(orgId, "members", userId));
}

export function useRemoveMember(orgId: string) {
  return useRefreshingMutation({
    mutationFn: (userId: string) => removeMember(orgId, userId),
    // Their personal keys are disabled by the removal.
    invalidates: [membersQueryKey(orgId), keysQueryKey(orgId)],
  });
}

import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { keysQueryKey } from "@/lib/query-keys";

export function deleteKey(orgId: string, keyId: string): Promise<void> {
  return api.delete(orgApiPath(orgId, "keys", keyId));
}

export function useDeleteKey(orgId: string) {
  return useRefreshingMutation({
    mutationFn: (keyId: string) => deleteKey(orgId, keyId),
    invalidates: [keysQueryKey(orgId)],
  });
}

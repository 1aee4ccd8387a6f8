import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { keysQueryKey } from "@/lib/query-keys";

export function deleteKey(orgId: string, keyId: string): Promise<void> {
  return api.delete(`/api/orgs/${encodeURIComponent(orgId)}/keys/${encodeURIComponent(keyId)}`);
}

export function useDeleteKey(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => deleteKey(orgId, keyId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysQueryKey(orgId) }),
  });
}

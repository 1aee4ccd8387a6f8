import type { CreateKeyBody, KeyWithSecretAnswer } from "@keyward/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { keysQueryKey } from "@/lib/query-keys";

export function createKey(orgId: string, body: CreateKeyBody): Promise<KeyWithSecretAnswer> {
  return api.post<KeyWithSecretAnswer>(`/api/orgs/${encodeURIComponent(orgId)}/keys`, body);
}

export function useCreateKey(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateKeyBody) => createKey(orgId, body),
    // The secret is in the answer: it must not linger in the mutation cache.
    gcTime: 0,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keysQueryKey(orgId) }),
  });
}

import type { KeyWithSecretAnswer, RollKeyBody } from "@keyward/shared";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { auditQueryKey, keysQueryKey } from "@/lib/query-keys";

export function rollKey(
  orgId: string,
  keyId: string,
  body: RollKeyBody,
): Promise<KeyWithSecretAnswer> {
  return api.post<KeyWithSecretAnswer>(
    `/api/orgs/${encodeURIComponent(orgId)}/keys/${encodeURIComponent(keyId)}/roll`,
    body,
  );
}

export interface RollKeyVariables {
  keyId: string;
  body: RollKeyBody;
}

export function useRollKey(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ keyId, body }: RollKeyVariables) => rollKey(orgId, keyId, body),
    // The secret is in the answer: it must not linger in the mutation cache.
    gcTime: 0,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey(orgId) }),
        queryClient.invalidateQueries({ queryKey: auditQueryKey(orgId) }),
      ]),
  });
}

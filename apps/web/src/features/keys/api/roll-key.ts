import type { KeyWithSecretAnswer, RollKeyBody } from "@keyward/shared";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { auditQueryKey, keysQueryKey } from "@/lib/query-keys";

export function rollKey(
  orgId: string,
  keyId: string,
  body: RollKeyBody,
): Promise<KeyWithSecretAnswer> {
  return api.post<KeyWithSecretAnswer>(orgApiPath(orgId, "keys", keyId, "roll"), body);
}

export interface RollKeyVariables {
  keyId: string;
  body: RollKeyBody;
}

export function useRollKey(orgId: string) {
  return useRefreshingMutation({
    mutationFn: ({ keyId, body }: RollKeyVariables) => rollKey(orgId, keyId, body),
    invalidates: [keysQueryKey(orgId), auditQueryKey(orgId)],
    holdsSecret: true,
  });
}

import type { CreateKeyBody, KeyWithSecretAnswer } from "@keyward/shared";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { keysQueryKey } from "@/lib/query-keys";

export function createKey(orgId: string, body: CreateKeyBody): Promise<KeyWithSecretAnswer> {
  return api.post<KeyWithSecretAnswer>(orgApiPath(orgId, "keys"), body);
}

export function useCreateKey(orgId: string) {
  return useRefreshingMutation({
    mutationFn: (body: CreateKeyBody) => createKey(orgId, body),
    invalidates: [keysQueryKey(orgId)],
    holdsSecret: true,
  });
}

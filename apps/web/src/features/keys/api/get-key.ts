import type { KeyAnswer } from "@keyward/shared";
import { queryOptions, useQueries } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { keysQueryKey } from "./get-keys";

export function getKey(orgId: string, keyId: string, signal?: AbortSignal): Promise<KeyAnswer> {
  return api.get<KeyAnswer>(
    `/api/orgs/${encodeURIComponent(orgId)}/keys/${encodeURIComponent(keyId)}`,
    { signal },
  );
}

/** Under the keys list's query key, so every key mutation refreshes it too. */
export function keyQueryOptions(orgId: string, keyId: string) {
  return queryOptions({
    queryKey: [...keysQueryKey(orgId), "detail", keyId] as const,
    queryFn: ({ signal }) => getKey(orgId, keyId, signal),
  });
}

/** Several keys at once; a deleted (or hidden) key answers 404 and stays an error. */
export function useKeysById(orgId: string, keyIds: readonly string[]) {
  return useQueries({
    queries: keyIds.map((keyId) => keyQueryOptions(orgId, keyId)),
  });
}

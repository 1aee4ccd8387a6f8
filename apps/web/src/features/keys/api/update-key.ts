import type { KeyAnswer, Page, UpdateKeyBody } from "@keyward/shared";
import type { InfiniteData } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { useRefreshingMutation } from "@/lib/mutations";
import { keysQueryKey } from "@/lib/query-keys";

export function updateKey(orgId: string, keyId: string, body: UpdateKeyBody): Promise<KeyAnswer> {
  return api.patch<KeyAnswer>(orgApiPath(orgId, "keys", keyId), body);
}

export interface UpdateKeyVariables {
  keyId: string;
  body: UpdateKeyBody;
}

export function useUpdateKey(orgId: string) {
  return useRefreshingMutation({
    mutationFn: ({ keyId, body }: UpdateKeyVariables) => updateKey(orgId, keyId, body),
    // Show the saved key at once in every loaded list, then refetch to apply the filters.
    write: (queryClient, saved) =>
      queryClient.setQueriesData<InfiniteData<Page<KeyAnswer>>>(
        { queryKey: keysQueryKey(orgId) },
        (data) =>
          data && {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              items: page.items.map((key) => (key.id === saved.id ? saved : key)),
            })),
          },
      ),
    invalidates: [keysQueryKey(orgId)],
  });
}

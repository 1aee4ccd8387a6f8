import type { KeyAnswer, Page, UpdateKeyBody } from "@keyward/shared";
import { type InfiniteData, useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { keysQueryKey } from "@/lib/query-keys";

export function updateKey(orgId: string, keyId: string, body: UpdateKeyBody): Promise<KeyAnswer> {
  return api.patch<KeyAnswer>(
    `/api/orgs/${encodeURIComponent(orgId)}/keys/${encodeURIComponent(keyId)}`,
    body,
  );
}

export interface UpdateKeyVariables {
  keyId: string;
  body: UpdateKeyBody;
}

export function useUpdateKey(orgId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ keyId, body }: UpdateKeyVariables) => updateKey(orgId, keyId, body),
    onSuccess: (saved) => {
      // Show the saved key at once in every loaded list, then refetch to apply the filters.
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
      );
      return queryClient.invalidateQueries({ queryKey: keysQueryKey(orgId) });
    },
  });
}

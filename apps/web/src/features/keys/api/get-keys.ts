import type { KeyAnswer, Page } from "@keyward/shared";
import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { keysQueryKey } from "@/lib/query-keys";

export type KeyTypeFilter = "personal" | "org";

export interface KeyListFilters {
  includeDisabled: boolean;
  q: string;
  type: KeyTypeFilter | undefined;
}

export const KEYS_PAGE_SIZE = 50;
export const KEYS_REFRESH_MS = 10_000;

/** Every key list of an org (any filters) lives under this key: mutations invalidate it. */
export function getKeys(
  orgId: string,
  filters: KeyListFilters & { cursor?: string | undefined; limit?: number },
  signal?: AbortSignal,
): Promise<Page<KeyAnswer>> {
  return api.get<Page<KeyAnswer>>(`/api/orgs/${encodeURIComponent(orgId)}/keys`, {
    signal,
    query: {
      includeDisabled: filters.includeDisabled ? "true" : undefined,
      type: filters.type,
      q: filters.q.trim() || undefined,
      cursor: filters.cursor,
      limit: filters.limit ?? KEYS_PAGE_SIZE,
    },
  });
}

export function keysQueryOptions(orgId: string, filters: KeyListFilters) {
  return infiniteQueryOptions({
    queryKey: [...keysQueryKey(orgId), "list", filters] as const,
    queryFn: ({ pageParam, signal }) => getKeys(orgId, { ...filters, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage) => lastPage.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchOnWindowFocus: "always",
    // "Last used" and others' changes stay current on an open page (paused while hidden).
    refetchInterval: KEYS_REFRESH_MS,
  });
}

export function useKeys(orgId: string, filters: KeyListFilters) {
  return useInfiniteQuery(keysQueryOptions(orgId, filters));
}

import type { KeyAnswer, Page } from "@keyward/shared";
import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { api } from "@/lib/api-client";
import { orgApiPath } from "@/lib/api-paths";
import { cursorPages } from "@/lib/cursor-pages";
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
  return api.get<Page<KeyAnswer>>(orgApiPath(orgId, "keys"), {
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
    ...cursorPages((cursor, signal) => getKeys(orgId, { ...filters, cursor }, signal)),
    refetchOnWindowFocus: "always",
    // "Last used" and others' changes stay current on an open page (paused while hidden).
    refetchInterval: KEYS_REFRESH_MS,
  });
}

export function useKeys(orgId: string, filters: KeyListFilters) {
  return useInfiniteQuery(keysQueryOptions(orgId, filters));
}

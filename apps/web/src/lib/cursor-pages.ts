import type { Page } from "@keyward/shared";
import { keepPreviousData } from "@tanstack/react-query";

/**
 * The infinite-query options of a cursor-paged list: pages fetched by `fetchPage` until one
 * has no `nextCursor`, the previous pages shown while a new filter loads.
 */
export function cursorPages<T>(
  fetchPage: (cursor: string | undefined, signal: AbortSignal) => Promise<Page<T>>,
) {
  return {
    queryFn: ({ pageParam, signal }: { pageParam: string | undefined; signal: AbortSignal }) =>
      fetchPage(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (lastPage: Page<T>) => lastPage.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  };
}

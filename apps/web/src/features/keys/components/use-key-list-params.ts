import type { OnChangeFn, SortingState } from "@tanstack/react-table";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { formatSort, parseSort } from "@/lib/url-sort";
import type { KeyListFilters, KeyTypeFilter } from "../api/get-keys";
import { KEY_SORT_COLUMNS } from "./keys-table";

const SEARCH_DEBOUNCE_MS = 250;

function parseType(value: string | null): KeyTypeFilter | undefined {
  return value === "personal" || value === "org" ? value : undefined;
}

/** The key list's filters, search and sort, kept in the URL (the search typed is debounced). */
export function useKeyListParams() {
  const [searchParams, setSearchParams] = useSearchParams();
  const includeDisabled = searchParams.get("disabled") === "1";
  const type = parseType(searchParams.get("type"));
  const q = searchParams.get("q") ?? "";
  const [searchInput, setSearchInput] = useState(q);

  const setParams = useCallback(
    (changes: Record<string, string | undefined>) => {
      setSearchParams(
        (current) => {
          const next = new URLSearchParams(current);
          for (const [name, value] of Object.entries(changes)) {
            if (value) next.set(name, value);
            else next.delete(name);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setSearchParams],
  );

  useEffect(() => {
    if (searchInput.trim() === q) return;
    const timer = window.setTimeout(
      () => setParams({ q: searchInput.trim() || undefined }),
      SEARCH_DEBOUNCE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [searchInput, q, setParams]);

  const filters = useMemo<KeyListFilters>(
    () => ({ includeDisabled, q, type }),
    [includeDisabled, q, type],
  );

  const sortParam = searchParams.get("sort");
  const sorting = useMemo(() => parseSort(sortParam, KEY_SORT_COLUMNS), [sortParam]);
  const setSorting: OnChangeFn<SortingState> = (updater) =>
    setParams({ sort: formatSort(typeof updater === "function" ? updater(sorting) : updater) });

  return {
    filters,
    /** A search or a type filter narrows the list (disabled keys are a view, not a filter). */
    filtered: q !== "" || type !== undefined,
    searchInput,
    setSearchInput,
    setIncludeDisabled: (value: boolean) => setParams({ disabled: value ? "1" : undefined }),
    setType: (value: KeyTypeFilter | undefined) => setParams({ type: value }),
    clearSearchAndFilters: () => {
      setSearchInput("");
      setParams({ q: undefined, type: undefined });
    },
    sorting,
    setSorting,
  };
}

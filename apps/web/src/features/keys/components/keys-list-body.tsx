import type { ComponentProps, ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { SearchIcon } from "@/components/ui/icons";
import { LoadError } from "@/components/ui/load-error";
import { TableFooter } from "@/components/ui/table-footer";
import type { KeyListFilters, useKeys } from "../api/get-keys";
import { KeysEmptyState } from "./keys-empty-state";
import { KeysTable, KeysTableSkeleton } from "./keys-table";

/** The key list's card body: loading, an error, no match, no keys, or the table. */
export function KeysListBody({
  query,
  filters,
  filtered,
  onClearSearch,
  addButton,
  table,
}: {
  query: ReturnType<typeof useKeys>;
  filters: KeyListFilters;
  filtered: boolean;
  onClearSearch: () => void;
  addButton: ReactNode;
  table: ComponentProps<typeof KeysTable>;
}) {
  const { q, type, includeDisabled } = filters;
  if (query.isPending) return <KeysTableSkeleton />;
  if (query.isError) {
    return (
      <LoadError title="Could not load keys" error={query.error} onRetry={() => query.refetch()} />
    );
  }
  if (table.keys.length === 0 && filtered) {
    return (
      <EmptyState
        icon={<SearchIcon />}
        title="No keys match"
        action={<Button onClick={onClearSearch}>Clear search and filters</Button>}
      >
        {q ? (
          <>
            No {includeDisabled ? "" : "enabled "}key has a name containing “{q}”.
          </>
        ) : null}
        {!q && type ? (
          <>There are no {type === "org" ? "org-wide" : "personal"} keys to show.</>
        ) : null}
      </EmptyState>
    );
  }
  if (table.keys.length === 0) {
    return <KeysEmptyState includeDisabled={includeDisabled} action={addButton} />;
  }
  return (
    <>
      <KeysTable {...table} />
      <TableFooter
        count={table.keys.length}
        noun={["key", "keys"]}
        hasMore={query.hasNextPage}
        isLoadingMore={query.isFetchingNextPage}
        onLoadMore={() => query.fetchNextPage()}
        note={table.sorting.length > 0 ? "sorting applies to loaded keys" : undefined}
      />
    </>
  );
}

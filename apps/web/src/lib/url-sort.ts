import type { SortingState } from "@tanstack/react-table";

/** `sort=name` / `sort=-lastUsed`: the table's sort in the URL, like the filters. */
export function parseSort(value: string | null, allowed: readonly string[]): SortingState {
  if (!value) return [];
  const desc = value.startsWith("-");
  const id = desc ? value.slice(1) : value;
  return allowed.includes(id) ? [{ id, desc }] : [];
}

export function formatSort(sorting: SortingState): string | undefined {
  const first = sorting[0];
  if (!first) return undefined;
  return `${first.desc ? "-" : ""}${first.id}`;
}

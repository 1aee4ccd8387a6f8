/**
 * Rows the user just changed that the list's filters now hide (a key disabled while disabled
 * keys are hidden): kept in place, marked, until the view is refreshed, so nothing vanishes
 * under the pointer and Undo has a row to act on.
 */
export interface Retained<T> {
  item: T;
  /** Where it was shown when it was changed. */
  index: number;
}

export function withRetained<T extends { id: string }>(
  items: readonly T[],
  retained: ReadonlyMap<string, Retained<T>>,
): T[] {
  const shown = new Set(items.map((item) => item.id));
  const result = [...items];
  const missing = [...retained.values()]
    .filter((entry) => !shown.has(entry.item.id))
    .sort((a, b) => a.index - b.index);
  for (const entry of missing) {
    result.splice(Math.min(entry.index, result.length), 0, entry.item);
  }
  return result;
}

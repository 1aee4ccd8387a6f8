import type { KeyAnswer } from "@keyward/shared";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { type Retained, withRetained } from "@/lib/retained-rows";
import { useNow } from "@/lib/use-now";
import { useKeyUsageSummaries } from "../api/get-key-usage";
import { type KeyListFilters, useKeys } from "../api/get-keys";

/** The keys shown: the loaded pages plus keys changed here that the filters now hide. */
export function useKeyList(orgId: string, filters: KeyListFilters) {
  const query = useKeys(orgId, filters);
  // Keys disabled here while the filter hides disabled keys: kept, marked, until a refresh.
  const [retained, setRetained] = useState<ReadonlyMap<string, Retained<KeyAnswer>>>(new Map());
  const keys = useMemo(
    () => withRetained(query.data?.pages.flatMap((page) => page.items) ?? [], retained),
    [query.data, retained],
  );
  // A new filter is a new view: what it hides stays hidden.
  // biome-ignore lint/correctness/useExhaustiveDependencies: filters is the trigger
  useEffect(() => setRetained(new Map()), [filters]);
  const tick = useNow();
  // Relative times are computed at one instant, refreshed by the tick and by every new answer
  // (a key created a moment ago must not read "in less than a minute").
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick and dataUpdatedAt are the triggers
  const now = useMemo(() => Date.now(), [tick, query.dataUpdatedAt]);

  const keyIds = useMemo(() => keys.map((key) => key.id), [keys]);
  const summaries = useKeyUsageSummaries(orgId, keyIds);
  const usage = useMemo(() => ({ orgId, summaries }), [orgId, summaries]);

  const keysRef = useRef(keys);
  keysRef.current = keys;
  const { includeDisabled } = filters;
  /** A key saved here: a disabled one stays in view where it was; an enabled one is back. */
  const noteSaved = useCallback(
    (saved: KeyAnswer) => {
      setRetained((current) => {
        const next = new Map(current);
        if (saved.enabled || includeDisabled) next.delete(saved.id);
        else {
          const index = keysRef.current.findIndex((key) => key.id === saved.id);
          next.set(saved.id, { item: saved, index: Math.max(index, 0) });
        }
        return next;
      });
    },
    [includeDisabled],
  );

  return { query, keys, retained, noteSaved, now, usage };
}

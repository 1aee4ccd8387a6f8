import type { KeyAnswer } from "@keyward/shared";
import type { OnChangeFn } from "@tanstack/react-table";
import { type ReactNode, useCallback, useEffect, useId, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { PlusIcon, SearchIcon } from "@/components/ui/icons";
import { Spinner } from "@/components/ui/spinner";
import { TableFooter } from "@/components/ui/table-footer";
import { useToast } from "@/components/ui/toast";
import { errorMessage } from "@/lib/api-client";
import { useMe, useMembership } from "@/lib/queries/me";
import { useOrg } from "@/lib/queries/org";
import { type Retained, withRetained } from "@/lib/retained-rows";
import { formatSort, parseSort } from "@/lib/url-sort";
import { useDocumentTitle } from "@/lib/use-document-title";
import { useNow } from "@/lib/use-now";
import { useDeleteKey } from "../api/delete-key";
import { useKeyUsageSummaries } from "../api/get-key-usage";
import { type KeyListFilters, type KeyTypeFilter, useKeys } from "../api/get-keys";
import { useUpdateKey } from "../api/update-key";
import { orgWideAccess } from "./key-access";
import { KeyDialog, type KeyDialogState } from "./key-dialog";
import { KeySummary } from "./key-summary";
import { KeysEmptyState } from "./keys-empty-state";
import { KeysFilterMenu } from "./keys-filter-menu";
import { KEY_SORT_COLUMNS, KeysTable, KeysTableSkeleton } from "./keys-table";

const SEARCH_DEBOUNCE_MS = 250;

function parseType(value: string | null): KeyTypeFilter | undefined {
  return value === "personal" || value === "org" ? value : undefined;
}

export function KeysView({ orgId }: { orgId: string }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const includeDisabled = searchParams.get("disabled") === "1";
  const type = parseType(searchParams.get("type"));
  const q = searchParams.get("q") ?? "";
  const [searchInput, setSearchInput] = useState(q);
  const searchId = useId();

  const setParam = useCallback(
    (name: string, value: string | undefined) => {
      setSearchParams(
        (current) => {
          const next = new URLSearchParams(current);
          if (value) next.set(name, value);
          else next.delete(name);
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
      () => setParam("q", searchInput.trim() || undefined),
      SEARCH_DEBOUNCE_MS,
    );
    return () => window.clearTimeout(timer);
  }, [searchInput, q, setParam]);

  const me = useMe();
  const membership = useMembership(orgId);
  const org = useOrg(orgId);
  useDocumentTitle("API Keys", membership?.name);
  const access = orgWideAccess(membership);
  const showOwner = Boolean(membership?.capabilities.seeOthersPersonalKeys);

  const filters = useMemo<KeyListFilters>(
    () => ({ includeDisabled, q, type }),
    [includeDisabled, q, type],
  );
  const keysQuery = useKeys(orgId, filters);
  // Keys disabled here while the filter hides disabled keys: kept, marked, until a refresh.
  const [retained, setRetained] = useState<ReadonlyMap<string, Retained<KeyAnswer>>>(new Map());
  const keys = useMemo(
    () => withRetained(keysQuery.data?.pages.flatMap((page) => page.items) ?? [], retained),
    [keysQuery.data, retained],
  );
  // A new filter is a new view: what it hides stays hidden.
  // biome-ignore lint/correctness/useExhaustiveDependencies: filters is the trigger
  useEffect(() => setRetained(new Map()), [filters]);
  const tick = useNow();
  // Relative times are computed at one instant, refreshed by the tick and by every new answer
  // (a key created a moment ago must not read "in less than a minute").
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick and dataUpdatedAt are the triggers
  const now = useMemo(() => Date.now(), [tick, keysQuery.dataUpdatedAt]);

  const keyIds = useMemo(() => keys.map((key) => key.id), [keys]);
  const summaries = useKeyUsageSummaries(orgId, keyIds);
  const usage = useMemo(() => ({ orgId, summaries }), [orgId, summaries]);

  const sortParam = searchParams.get("sort");
  const sorting = useMemo(() => parseSort(sortParam, KEY_SORT_COLUMNS), [sortParam]);
  const setSorting: OnChangeFn<typeof sorting> = (updater) =>
    setParam("sort", formatSort(typeof updater === "function" ? updater(sorting) : updater));
  const [dialog, setDialog] = useState<KeyDialogState>({ mode: "closed" });
  const [toDelete, setToDelete] = useState<KeyAnswer | null>(null);
  const [pendingKeyIds, setPendingKeyIds] = useState<ReadonlySet<string>>(new Set());
  const toast = useToast();
  const toggleKey = useUpdateKey(orgId);
  const deleteKey = useDeleteKey(orgId);

  const openKey = useCallback((key: KeyAnswer) => setDialog({ mode: "edit", key }), []);
  const rollKey = useCallback((key: KeyAnswer) => setDialog({ mode: "roll", key }), []);
  const askDelete = useCallback(
    (key: KeyAnswer) => {
      deleteKey.reset();
      setToDelete(key);
    },
    [deleteKey.reset],
  );
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
  const keysRef = useRef(keys);
  keysRef.current = keys;
  // Undo in a toast calls the latest toggle (the toast outlives the render that showed it).
  const toggleEnabledRef = useRef<(key: KeyAnswer, enabled: boolean) => void>(() => {});
  const toggleEnabled = useCallback(
    (key: KeyAnswer, enabled: boolean) => {
      setPendingKeyIds((ids) => new Set(ids).add(key.id));
      toggleKey.mutate(
        { keyId: key.id, body: { enabled } },
        {
          onSuccess: (saved) => {
            noteSaved(saved);
            if (enabled) {
              toast.show(`“${key.name}” enabled`);
              return;
            }
            toast.show(`“${key.name}” disabled: it is refused from its next request`, "success", {
              label: "Undo",
              onClick: () => toggleEnabledRef.current(saved, true),
            });
          },
          onError: (error) => toast.show(errorMessage(error), "danger"),
          onSettled: () =>
            setPendingKeyIds((ids) => {
              const next = new Set(ids);
              next.delete(key.id);
              return next;
            }),
        },
      );
    },
    [toggleKey.mutate, toast, noteSaved],
  );
  toggleEnabledRef.current = toggleEnabled;

  const filtered = q !== "" || type !== undefined;
  const addButton = (
    <Button variant="primary" icon={<PlusIcon />} onClick={() => setDialog({ mode: "create" })}>
      Add New
    </Button>
  );

  let content: ReactNode;
  if (keysQuery.isPending) {
    content = <KeysTableSkeleton />;
  } else if (keysQuery.isError) {
    content = (
      <div className="table-state">
        <Alert
          tone="danger"
          title="Could not load keys"
          action={
            <Button size="sm" onClick={() => keysQuery.refetch()}>
              Try again
            </Button>
          }
        >
          {errorMessage(keysQuery.error)}
        </Alert>
      </div>
    );
  } else if (keys.length === 0 && filtered) {
    content = (
      <EmptyState
        icon={<SearchIcon />}
        title="No keys match"
        action={
          <Button
            onClick={() => {
              setSearchInput("");
              setSearchParams(
                (current) => {
                  const next = new URLSearchParams(current);
                  next.delete("q");
                  next.delete("type");
                  return next;
                },
                { replace: true },
              );
            }}
          >
            Clear search and filters
          </Button>
        }
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
  } else if (keys.length === 0) {
    content = <KeysEmptyState includeDisabled={includeDisabled} action={addButton} />;
  } else {
    content = (
      <>
        <KeysTable
          keys={keys}
          showOwner={showOwner}
          sorting={sorting}
          onSortingChange={setSorting}
          onOpen={openKey}
          onToggleEnabled={toggleEnabled}
          onRoll={rollKey}
          onDelete={askDelete}
          pendingKeyIds={pendingKeyIds}
          retainedKeyIds={retained}
          now={now}
          usage={usage}
        />
        <TableFooter
          count={keys.length}
          noun={["key", "keys"]}
          hasMore={keysQuery.hasNextPage}
          isLoadingMore={keysQuery.isFetchingNextPage}
          onLoadMore={() => keysQuery.fetchNextPage()}
          note={sorting.length > 0 ? "sorting applies to loaded keys" : undefined}
        />
      </>
    );
  }

  return (
    <>
      <div className="page-header">
        <div>
          <h1 className="page-header__title">API Keys</h1>
          <p className="page-header__description">
            Write keys send events; Read keys query metrics. Keys are shown once, when created.
          </p>
        </div>
        {addButton}
      </div>

      <section className="card" aria-label="API keys">
        <div className="toolbar">
          <div className="search">
            <SearchIcon />
            <label htmlFor={searchId} className="visually-hidden">
              Search keys by name
            </label>
            <input
              id={searchId}
              type="search"
              className="input"
              placeholder="Search by name"
              value={searchInput}
              onChange={(e) => setSearchInput(e.target.value)}
              maxLength={100}
            />
          </div>
          {keysQuery.isFetching && !keysQuery.isPending && !keysQuery.isFetchingNextPage ? (
            <Spinner size="sm" label="Updating" />
          ) : null}
          <span className="toolbar__spacer" />
          {includeDisabled ? (
            <span className="text-subtle hide-sm">Showing disabled keys</span>
          ) : null}
          <KeysFilterMenu
            includeDisabled={includeDisabled}
            onIncludeDisabledChange={(value) => setParam("disabled", value ? "1" : undefined)}
            type={type}
            onTypeChange={(value) => setParam("type", value)}
          />
        </div>
        {content}
      </section>

      <KeyDialog
        orgId={orgId}
        state={dialog}
        orgWideAccess={access}
        maxLifetimeDays={org.data?.maxKeyLifetimeDays}
        currentUserId={me.data?.user.id}
        onRoll={rollKey}
        onSaved={(saved, before) => {
          noteSaved(saved);
          if (before.enabled && !saved.enabled) {
            toast.show(`“${saved.name}” disabled: it is refused from its next request`, "success", {
              label: "Undo",
              onClick: () => toggleEnabledRef.current(saved, true),
            });
          } else {
            toast.show("Key saved");
          }
        }}
        onClose={() => setDialog({ mode: "closed" })}
      />

      <ConfirmDialog
        open={toDelete !== null}
        title={`Delete “${toDelete?.name ?? ""}”?`}
        confirmLabel="Delete key"
        isPending={deleteKey.isPending}
        error={deleteKey.isError ? errorMessage(deleteKey.error) : undefined}
        onClose={() => setToDelete(null)}
        onConfirm={() => {
          if (!toDelete) return;
          const name = toDelete.name;
          deleteKey.mutate(toDelete.id, {
            onSuccess: () => {
              setToDelete(null);
              toast.show(`“${name}” deleted`);
            },
          });
        }}
      >
        <div className="stack stack--sm">
          {toDelete ? <KeySummary keyData={toDelete} now={now} /> : null}
          <p>Requests with this key will be refused at once. This cannot be undone.</p>
        </div>
      </ConfirmDialog>
    </>
  );
}

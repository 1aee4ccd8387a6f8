import type { KeyAnswer } from "@keyward/shared";
import { useCallback, useState } from "react";
import { Button } from "@/components/ui/button";
import { PlusIcon } from "@/components/ui/icons";
import { useMe, useMembership } from "@/lib/queries/me";
import { useOrg } from "@/lib/queries/org";
import { useDocumentTitle } from "@/lib/use-document-title";
import { useDeleteKey } from "../api/delete-key";
import { DeleteKeyDialog } from "./delete-key-dialog";
import { orgWideAccess } from "./key-access";
import { KeyDialog, type KeyDialogState } from "./key-dialog";
import { KeysListBody } from "./keys-list-body";
import { KeysToolbar } from "./keys-toolbar";
import { useKeyList } from "./use-key-list";
import { useKeyListParams } from "./use-key-list-params";
import { useToggleKey } from "./use-toggle-key";

/** The API Keys page: the list with its search and filters, and the key and delete dialogs. */
export function KeysView({ orgId }: { orgId: string }) {
  const params = useKeyListParams();
  const { filters } = params;
  const me = useMe();
  const membership = useMembership(orgId);
  const org = useOrg(orgId);
  useDocumentTitle("API Keys", membership?.name);

  const list = useKeyList(orgId, filters);
  const { query } = list;
  const toggle = useToggleKey(orgId, list.noteSaved);
  const deleteKey = useDeleteKey(orgId);
  const [dialog, setDialog] = useState<KeyDialogState>({ mode: "closed" });
  const [toDelete, setToDelete] = useState<KeyAnswer | null>(null);

  const openKey = useCallback((key: KeyAnswer) => setDialog({ mode: "edit", key }), []);
  const rollKey = useCallback((key: KeyAnswer) => setDialog({ mode: "roll", key }), []);
  const askDelete = useCallback(
    (key: KeyAnswer) => {
      deleteKey.reset();
      setToDelete(key);
    },
    [deleteKey.reset],
  );

  const addButton = (
    <Button variant="primary" icon={<PlusIcon />} onClick={() => setDialog({ mode: "create" })}>
      Add New
    </Button>
  );

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
        <KeysToolbar
          searchInput={params.searchInput}
          onSearchInputChange={params.setSearchInput}
          isUpdating={query.isFetching && !query.isPending && !query.isFetchingNextPage}
          includeDisabled={filters.includeDisabled}
          onIncludeDisabledChange={params.setIncludeDisabled}
          type={filters.type}
          onTypeChange={params.setType}
        />
        <KeysListBody
          query={query}
          filters={filters}
          filtered={params.filtered}
          onClearSearch={params.clearSearchAndFilters}
          addButton={addButton}
          table={{
            keys: list.keys,
            showOwner: Boolean(membership?.capabilities.seeOthersPersonalKeys),
            sorting: params.sorting,
            onSortingChange: params.setSorting,
            onOpen: openKey,
            onToggleEnabled: toggle.toggleEnabled,
            onRoll: rollKey,
            onDelete: askDelete,
            pendingKeyIds: toggle.pendingKeyIds,
            retainedKeyIds: list.retained,
            now: list.now,
            usage: list.usage,
          }}
        />
      </section>

      <KeyDialog
        orgId={orgId}
        state={dialog}
        orgWideAccess={orgWideAccess(membership)}
        maxLifetimeDays={org.data?.maxKeyLifetimeDays}
        currentUserId={me.data?.user.id}
        onRoll={rollKey}
        onSaved={toggle.announceSaved}
        onClose={() => setDialog({ mode: "closed" })}
      />

      <DeleteKeyDialog
        keyData={toDelete}
        deleteKey={deleteKey}
        now={list.now}
        onClose={() => setToDelete(null)}
      />
    </>
  );
}

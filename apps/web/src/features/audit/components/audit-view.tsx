import type { AuditEventKey } from "@keyward/shared";
import { type ReactNode, useCallback, useMemo } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { EmptyState } from "@/components/ui/empty-state";
import { HistoryIcon } from "@/components/ui/icons";
import { LoadError } from "@/components/ui/load-error";
import { PageLoader, Spinner } from "@/components/ui/spinner";
import { TableFooter } from "@/components/ui/table-footer";
import { paths } from "@/lib/paths";
import { useMe, useMembership } from "@/lib/queries/me";
import { useMembers } from "@/lib/queries/members";
import { useDocumentTitle } from "@/lib/use-document-title";
import { useNow } from "@/lib/use-now";
import { useAudit } from "../api/get-audit";
import { type ChangeContext, deletedKeyIds, keyNamesFromEvents } from "./audit-format";
import { AuditTable, type KeyLabel } from "./audit-table";

export function AuditView({ orgId }: { orgId: string }) {
  const [searchParams] = useSearchParams();
  const keyId = searchParams.get("keyId") || undefined;
  const me = useMe();
  const membership = useMembership(orgId);
  useDocumentTitle("Audit log", membership?.name);
  const seesAll = Boolean(membership?.capabilities.seeAllAudit);
  const members = useMembers(orgId);
  const audit = useAudit(orgId, { keyId });
  const tick = useNow();

  const events = useMemo(() => audit.data?.pages.flatMap((page) => page.items) ?? [], [audit.data]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick and dataUpdatedAt are the triggers
  const now = useMemo(() => Date.now(), [tick, audit.dataUpdatedAt]);
  const namesInEvents = useMemo(() => keyNamesFromEvents(events), [events]);
  const deleted = useMemo(() => deletedKeyIds(events), [events]);

  // Each event names its key as it is now (name and the hint the keys table shows, which tells
  // a rolled key from its successor); a deleted key is null there, and its events name it.
  const currentKeys = useMemo(() => {
    const keys = new Map<string, AuditEventKey>();
    for (const event of events) if (event.keyId && event.key) keys.set(event.keyId, event.key);
    return keys;
  }, [events]);

  const keyLabel = useCallback(
    (id: string): KeyLabel => ({
      name: currentKeys.get(id)?.name ?? namesInEvents.get(id),
      start: currentKeys.get(id)?.start,
      deleted: deleted.has(id),
    }),
    [currentKeys, namesInEvents, deleted],
  );
  const changeContext = useMemo<ChangeContext>(() => {
    const names = new Map(members.data?.map((m) => [m.userId, m.name]));
    return { userName: (userId) => names.get(userId) };
  }, [members.data]);

  const filteredKey = keyId ? keyLabel(keyId) : undefined;
  const filteredKeyName = filteredKey?.name;

  let content: ReactNode;
  if (audit.isPending) {
    content = <PageLoader label="Loading the audit log" />;
  } else if (audit.isError) {
    content = (
      <LoadError
        title="Could not load the audit log"
        error={audit.error}
        onRetry={() => audit.refetch()}
      />
    );
  } else if (events.length === 0) {
    content = (
      <EmptyState icon={<HistoryIcon />} title={keyId ? "No events for this key" : "No events yet"}>
        {keyId
          ? "Nothing you can see has happened to this key, or it does not exist."
          : "Changes to keys, members and settings will show here."}
      </EmptyState>
    );
  } else {
    content = (
      <>
        <AuditTable
          orgId={orgId}
          events={events}
          filteredKeyId={keyId}
          keyLabel={keyLabel}
          changeContext={changeContext}
          currentUserId={me.data?.user.id}
          now={now}
        />
        <TableFooter
          count={events.length}
          noun={["event", "events"]}
          hasMore={audit.hasNextPage}
          isLoadingMore={audit.isFetchingNextPage}
          onLoadMore={() => audit.fetchNextPage()}
        />
      </>
    );
  }

  return (
    <>
      <div className="page-header">
        <div>
          <h1 className="page-header__title">Audit log</h1>
          <p className="page-header__description">
            {seesAll
              ? "Who did what to keys, members and settings, newest first."
              : "Who did what to the keys you can see, newest first. Admins see every event."}
          </p>
        </div>
      </div>

      <section className="card" aria-label="Audit events">
        <div className="toolbar">
          {keyId ? (
            <>
              <p className="toolbar__text">
                History of <strong>{filteredKeyName ? `“${filteredKeyName}”` : "one key"}</strong>
                {filteredKey?.deleted ? <span className="text-subtle"> (deleted)</span> : null}
              </p>
              <span className="toolbar__spacer" />
              <Link className="btn btn--secondary btn--sm" to={paths.audit(orgId)}>
                Show all events
              </Link>
            </>
          ) : (
            <>
              <p className="toolbar__text text-subtle">
                Select a key’s name to see only its history.
              </p>
              <span className="toolbar__spacer" />
            </>
          )}
          {audit.isFetching && !audit.isPending && !audit.isFetchingNextPage ? (
            <Spinner size="sm" label="Updating" />
          ) : null}
        </div>
        {content}
      </section>
    </>
  );
}

import type { KeyAnswer } from "@keyward/shared";
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type OnChangeFn,
  type SortingFn,
  type SortingState,
  useReactTable,
} from "@tanstack/react-table";
import { useMemo } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { IconButton } from "@/components/ui/button";
import { LockIcon, RotateIcon, SortIcon, TrashIcon } from "@/components/ui/icons";
import { Switch } from "@/components/ui/switch";
import { RowCells } from "@/components/ui/table-cells";
import { KEY_LOCK_SHORT } from "@/lib/capability-reasons";
import {
  formatDateTime,
  formatRelative,
  type KeyStatusKind,
  keyHint,
  keyStatus,
  permissionLabels,
} from "@/lib/format";
import { RestrictedBadge } from "./key-restrictions-fields";
import { type UsageColumnData, usageColumn } from "./usage-cell";

/** A control inside a clickable row: its click is its own, not the row's. */
const besideRowClick =
  (action: () => void) =>
  (event: { stopPropagation: () => void }): void => {
    event.stopPropagation();
    action();
  };

const STATUS_TONE: Record<KeyStatusKind, BadgeTone> = {
  active: "success",
  expiring: "warning",
  expired: "danger",
  disabled: "neutral",
};

const STATUS_RANK: Record<KeyStatusKind, number> = {
  active: 0,
  expiring: 1,
  expired: 2,
  disabled: 3,
};

const byStatus: SortingFn<KeyAnswer> = (a, b) => {
  const now = Date.now();
  return (
    STATUS_RANK[keyStatus(a.original, now).kind] - STATUS_RANK[keyStatus(b.original, now).kind]
  );
};

const byTime =
  (field: "createdAt" | "lastUsedAt"): SortingFn<KeyAnswer> =>
  (a, b) => {
    const x = a.original[field];
    const y = b.original[field];
    return (x ? Date.parse(x) : 0) - (y ? Date.parse(y) : 0);
  };

const byName: SortingFn<KeyAnswer> = (a, b) =>
  a.original.name.localeCompare(b.original.name, undefined, { sensitivity: "base", numeric: true });

/** The columns a sort in the URL may name. */
export const KEY_SORT_COLUMNS = ["name", "type", "status", "owner", "created", "lastUsed"] as const;

/** "replaced by kw_ab… · expires in 23 h" / "rolled from kw_ab…", both ways of a roll. */
function RollLinks({
  keyData,
  byId,
  now,
  onOpen,
}: {
  keyData: KeyAnswer;
  byId: ReadonlyMap<string, KeyAnswer>;
  now: number;
  onOpen: (key: KeyAnswer) => void;
}) {
  const link = (target: { id: string; start: string }) => {
    const loaded = byId.get(target.id);
    return loaded ? (
      <button
        type="button"
        className="link-button mono"
        onClick={besideRowClick(() => onOpen(loaded))}
      >
        {keyHint(target.start)}
      </button>
    ) : (
      <span className="mono">{keyHint(target.start)}</span>
    );
  };
  const { replacedBy, rolledFrom, expiresAt } = keyData;
  if (!replacedBy && !rolledFrom) return null;
  return (
    <span className="key-links">
      {replacedBy ? (
        <span data-testid="replaced-by">
          replaced by {link(replacedBy)}
          {expiresAt
            ? Date.parse(expiresAt) > now
              ? ` · expires ${formatRelative(expiresAt, now)}`
              : " · expired"
            : null}
        </span>
      ) : null}
      {rolledFrom ? <span data-testid="rolled-from">rolled from {link(rolledFrom)}</span> : null}
    </span>
  );
}

export interface KeysTableProps {
  keys: KeyAnswer[];
  showOwner: boolean;
  sorting: SortingState;
  onSortingChange: OnChangeFn<SortingState>;
  onOpen: (key: KeyAnswer) => void;
  onToggleEnabled: (key: KeyAnswer, enabled: boolean) => void;
  onRoll: (key: KeyAnswer) => void;
  onDelete: (key: KeyAnswer) => void;
  pendingKeyIds: ReadonlySet<string>;
  /** Keys changed here that the filters would now hide: shown, marked, until a refresh. */
  retainedKeyIds: ReadonlyMap<string, unknown>;
  /** The time statuses and relative times are computed at (refreshed by the caller). */
  now: number;
  /** Each key's last 24 h, for the usage column (left out when not given). */
  usage?: UsageColumnData;
}

export function KeysTable({
  keys,
  showOwner,
  sorting,
  onSortingChange,
  onOpen,
  onToggleEnabled,
  onRoll,
  onDelete,
  pendingKeyIds,
  retainedKeyIds,
  now,
  usage,
}: KeysTableProps) {
  const byId = useMemo(() => new Map(keys.map((key) => [key.id, key])), [keys]);
  const columns = useMemo<ColumnDef<KeyAnswer>[]>(() => {
    const list: ColumnDef<KeyAnswer>[] = [
      {
        id: "name",
        header: "Name",
        accessorKey: "name",
        sortingFn: byName,
        meta: { className: "col-name" },
        cell: ({ row }) => (
          <span className="key-name">
            <button
              type="button"
              className="key-name__button"
              onClick={besideRowClick(() => onOpen(row.original))}
              title={row.original.name}
            >
              {row.original.name}
            </button>
            <span className="key-hint" title="The first characters of the key">
              {keyHint(row.original.start)}
            </span>
            <span className="key-meta">
              {row.original.orgWide ? "Org-Wide" : "Personal"} ·{" "}
              {permissionLabels(row.original.permissions).join(", ")} ·{" "}
              <span
                className={`key-meta__status key-meta__status--${keyStatus(row.original, now).kind}`}
              >
                {keyStatus(row.original, now).label}
              </span>
            </span>
            {/* Phones: who owns it and when it was last used, in place of their columns. */}
            <span className="key-meta">
              {showOwner ? <>{row.original.owner?.name ?? "Organization"} · </> : null}
              Last used{" "}
              {row.original.lastUsedAt ? formatRelative(row.original.lastUsedAt, now) : "never"}
            </span>
            <RollLinks keyData={row.original} byId={byId} now={now} onOpen={onOpen} />
            {retainedKeyIds.has(row.original.id) ? (
              <span className="key-retained">Disabled just now · hidden after a refresh</span>
            ) : null}
          </span>
        ),
      },
      {
        id: "type",
        header: "Type",
        accessorFn: (key) => (key.orgWide ? "Org-Wide" : "Personal"),
        meta: { className: "col-optional" },
        cell: ({ row }) =>
          row.original.orgWide ? <Badge tone="accent">Org-Wide</Badge> : <Badge>Personal</Badge>,
      },
      {
        id: "permissions",
        header: "Permissions",
        enableSorting: false,
        meta: { className: "col-optional" },
        accessorFn: (key) => permissionLabels(key.permissions).join(", "),
        cell: ({ row }) => (
          <span className="badges">
            {permissionLabels(row.original.permissions).map((label) => (
              <Badge key={label}>{label}</Badge>
            ))}
            <RestrictedBadge keyData={row.original} />
          </span>
        ),
      },
      {
        id: "status",
        header: "Status",
        accessorFn: (key) => keyStatus(key, now).label,
        sortingFn: byStatus,
        meta: { className: "col-optional" },
        cell: ({ row }) => {
          const status = keyStatus(row.original, now);
          return (
            <Badge tone={STATUS_TONE[status.kind]} dot title={status.detail}>
              {status.label}
            </Badge>
          );
        },
      },
    ];
    if (showOwner) {
      list.push({
        id: "owner",
        header: "Owner",
        accessorFn: (key) => key.owner?.name ?? "",
        meta: { className: "col-optional" },
        cell: ({ row }) =>
          row.original.owner ? (
            <span title={row.original.owner.email}>{row.original.owner.name}</span>
          ) : (
            <span className="text-subtle">Organization</span>
          ),
      });
    }
    if (usage) list.push(usageColumn(usage, now));
    list.push(
      {
        id: "created",
        header: "Created",
        accessorKey: "createdAt",
        sortingFn: byTime("createdAt"),
        sortDescFirst: true,
        // Below 1440 px the row's facts need the room (its dialog still says when it was made).
        meta: { className: "col-optional col-wide" },
        cell: ({ row }) => (
          <time dateTime={row.original.createdAt} title={formatDateTime(row.original.createdAt)}>
            {formatRelative(row.original.createdAt, now)}
          </time>
        ),
      },
      {
        id: "lastUsed",
        header: "Last used",
        accessorKey: "lastUsedAt",
        sortingFn: byTime("lastUsedAt"),
        sortDescFirst: true,
        meta: { className: "col-optional" },
        cell: ({ row }) =>
          row.original.lastUsedAt ? (
            <time
              dateTime={row.original.lastUsedAt}
              title={formatDateTime(row.original.lastUsedAt)}
            >
              {formatRelative(row.original.lastUsedAt, now)}
            </time>
          ) : (
            <span className="text-subtle">Never</span>
          ),
      },
      {
        id: "actions",
        header: () => <span className="visually-hidden">Actions</span>,
        enableSorting: false,
        meta: { className: "table__actions" },
        cell: ({ row }) => {
          const key = row.original;
          const locked = !key.canEdit;
          if (locked) {
            // The reason, visible and reachable by keyboard and touch (no hover tooltip); it
            // opens the key, read-only, with the full explanation.
            return (
              <div className="table__actions-inner">
                <Switch
                  checked={key.enabled}
                  label={`Enabled: ${key.name}`}
                  disabled
                  onCheckedChange={() => {}}
                />
                <button
                  type="button"
                  className="lock-reason"
                  onClick={besideRowClick(() => onOpen(key))}
                >
                  <LockIcon />
                  {key.cannotEditReason ? KEY_LOCK_SHORT[key.cannotEditReason] : "Read-only"}
                </button>
              </div>
            );
          }
          return (
            <div className="table__actions-inner">
              <Switch
                checked={key.enabled}
                label={`Enabled: ${key.name}`}
                title={key.enabled ? "Disable key" : "Enable key"}
                disabled={pendingKeyIds.has(key.id)}
                onCheckedChange={(enabled) => onToggleEnabled(key, enabled)}
              />
              <IconButton
                label={`Roll ${key.name}`}
                title="Roll key: new secret, old one expires"
                onClick={besideRowClick(() => onRoll(key))}
              >
                <RotateIcon />
              </IconButton>
              <IconButton
                label={`Delete ${key.name}`}
                variant="danger-ghost"
                onClick={besideRowClick(() => onDelete(key))}
              >
                <TrashIcon />
              </IconButton>
            </div>
          );
        },
      },
    );
    return list;
  }, [
    showOwner,
    onOpen,
    onToggleEnabled,
    onRoll,
    onDelete,
    pendingKeyIds,
    retainedKeyIds,
    byId,
    now,
    usage,
  ]);

  const table = useReactTable({
    data: keys,
    columns,
    state: { sorting },
    onSortingChange,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (key) => key.id,
  });

  return (
    <div className="table-wrap">
      <table className="table table--dense table--wrap">
        <caption className="visually-hidden">API keys</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const label = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={header.column.columnDef.meta?.className}
                    aria-sort={
                      sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined
                    }
                  >
                    {header.column.getCanSort() ? (
                      <button
                        type="button"
                        className="table__sort"
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        {label}
                        <SortIcon sort={sorted} />
                      </button>
                    ) : (
                      label
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            // Row clicks are a mouse shortcut; keyboard users open a key with its name button.
            <tr
              key={row.id}
              className={`table__row--clickable ${row.original.enabled ? "" : "table__row--muted"}`}
              data-key-id={row.id}
              onClick={() => onOpen(row.original)}
            >
              <RowCells row={row} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function KeysTableSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <div className="table-wrap" aria-busy="true">
      <table className="table">
        <caption className="visually-hidden">Loading API keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="col-optional">
              Type
            </th>
            <th scope="col">Permissions</th>
            <th scope="col">Status</th>
            <th scope="col" className="col-optional">
              Created
            </th>
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: rows }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholder rows
            <tr key={i} className="skeleton-row">
              <td>
                <span className="skeleton" style={{ width: `${8 + ((i * 3) % 5)}rem` }} />
              </td>
              <td className="col-optional">
                <span className="skeleton" style={{ width: "4rem" }} />
              </td>
              <td>
                <span className="skeleton" style={{ width: "5rem" }} />
              </td>
              <td>
                <span className="skeleton" style={{ width: "4.5rem" }} />
              </td>
              <td className="col-optional">
                <span className="skeleton" style={{ width: "5rem" }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

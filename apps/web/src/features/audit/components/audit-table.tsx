import type { AuditEventAnswer } from "@keyward/shared";
import { type ColumnDef, getCoreRowModel, useReactTable } from "@tanstack/react-table";
import { useMemo } from "react";
import { Link } from "react-router-dom";
import { Badge } from "@/components/ui/badge";
import { HeaderCells, RowCells } from "@/components/ui/table-cells";
import { formatDateTime, formatRelative, keyHint } from "@/lib/format";
import { paths } from "@/lib/paths";
import {
  actionLabel,
  actionTone,
  type ChangeContext,
  describeChanges,
  eventTarget,
} from "./audit-format";

export interface KeyLabel {
  name: string | undefined;
  /** The key's first characters, as the keys table shows them; unknown once deleted. */
  start: string | undefined;
  deleted: boolean;
}

export interface AuditTableProps {
  orgId: string;
  events: AuditEventAnswer[];
  /** The key filter in force: key names are then plain text, not links to themselves. */
  filteredKeyId: string | undefined;
  keyLabel: (keyId: string) => KeyLabel;
  changeContext: ChangeContext;
  currentUserId: string | undefined;
  now: number;
}

function TargetCell({ event }: { event: AuditEventAnswer }) {
  const target = eventTarget(event);
  return (
    <span className="cell-stack">
      <span>{target.name}</span>
      {target.detail ? <span className="cell-stack__sub">{target.detail}</span> : null}
    </span>
  );
}

function KeyCell({
  orgId,
  keyId,
  label,
  isFilter,
}: {
  orgId: string;
  keyId: string;
  label: KeyLabel;
  isFilter: boolean;
}) {
  const name = label.name ?? "Unnamed key";
  return (
    <span className="cell-stack">
      {isFilter ? (
        <span className="audit-target__name">{name}</span>
      ) : (
        <Link className="audit-target__name" to={paths.audit(orgId, keyId)}>
          {name}
        </Link>
      )}
      {label.deleted ? (
        <span className="cell-stack__sub">deleted</span>
      ) : label.start ? (
        <span className="cell-stack__sub mono">{keyHint(label.start)}</span>
      ) : null}
    </span>
  );
}

export function AuditTable({
  orgId,
  events,
  filteredKeyId,
  keyLabel,
  changeContext,
  currentUserId,
  now,
}: AuditTableProps) {
  const columns = useMemo<ColumnDef<AuditEventAnswer>[]>(
    () => [
      {
        id: "at",
        header: "When",
        cell: ({ row }) => (
          <span className="cell-stack">
            <time dateTime={row.original.at} title={formatDateTime(row.original.at)}>
              {formatRelative(row.original.at, now)}
            </time>
            <span className="cell-stack__sub hide-sm">{formatDateTime(row.original.at)}</span>
            {/* Phones: who, what and which key, in place of their hidden columns. */}
            <span className="audit-meta">
              <Badge tone={actionTone(row.original.action)}>
                {actionLabel(row.original.action)}
              </Badge>
              <span>by {row.original.actor.name}</span>
              {row.original.keyId ? (
                <KeyCell
                  orgId={orgId}
                  keyId={row.original.keyId}
                  label={keyLabel(row.original.keyId)}
                  isFilter={row.original.keyId === filteredKeyId}
                />
              ) : (
                <TargetCell event={row.original} />
              )}
            </span>
          </span>
        ),
      },
      {
        id: "actor",
        header: "Who",
        meta: { className: "col-optional" },
        cell: ({ row }) =>
          row.original.actor.id === currentUserId ? (
            <span>
              {row.original.actor.name} <span className="text-subtle">(you)</span>
            </span>
          ) : (
            row.original.actor.name || <span className="text-subtle">Unknown</span>
          ),
      },
      {
        id: "action",
        header: "Action",
        meta: { className: "col-optional" },
        cell: ({ row }) => (
          <Badge tone={actionTone(row.original.action)}>{actionLabel(row.original.action)}</Badge>
        ),
      },
      {
        id: "target",
        header: "About",
        meta: { className: "col-optional" },
        cell: ({ row }) => {
          const { keyId } = row.original;
          if (!keyId) return <TargetCell event={row.original} />;
          return (
            <KeyCell
              orgId={orgId}
              keyId={keyId}
              label={keyLabel(keyId)}
              isFilter={keyId === filteredKeyId}
            />
          );
        },
      },
      {
        id: "changes",
        header: "Changes",
        meta: { className: "audit-changes" },
        cell: ({ row }) => {
          const lines = describeChanges(row.original, changeContext);
          if (lines.length === 0) return <span className="text-subtle">—</span>;
          return (
            <ul className="changes">
              {lines.map((line) => (
                <li key={line.field}>
                  <span className="changes__field">{line.label}:</span> {line.text}
                </li>
              ))}
            </ul>
          );
        },
      },
    ],
    [orgId, filteredKeyId, keyLabel, changeContext, currentUserId, now],
  );

  const table = useReactTable({
    data: events,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (event) => event.id,
  });

  return (
    <div className="table-wrap">
      <table className="table table--top">
        <caption className="visually-hidden">Audit log</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              <HeaderCells headers={group.headers} />
            </tr>
          ))}
        </thead>
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} data-event-id={row.id} data-action={row.original.action}>
              <RowCells row={row} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import type { KeyAnswer, KeyUsageSummary } from "@keyward/shared";
import type { ColumnDef } from "@tanstack/react-table";
import { Badge } from "@/components/ui/badge";
import { inGracePeriod, RotationNotice } from "./rotation-assistant";
import { refusedBreakdown } from "./usage-outcomes";

const HOUR_MS = 3_600_000;
const UNUSED_MS = 30 * 86_400_000;

export interface UsageColumnData {
  orgId: string;
  /** Undefined while loading. */
  summaries: ReadonlyMap<string, KeyUsageSummary> | undefined;
}

/** Older than 30 days and not used in the last 30 (refused requests don't count as use). */
export function unusedFor30Days(key: KeyAnswer, now: number): boolean {
  const cutoff = now - UNUSED_MS;
  return (
    Date.parse(key.createdAt) < cutoff &&
    (key.lastUsedAt === null || Date.parse(key.lastUsedAt) < cutoff)
  );
}

const count = (n: number) => n.toLocaleString("en-US");

/** 24 hourly bars, the refused part of each on top in the danger colour. Decorative: text says it. */
export function UsageSparkline({ summary, now }: { summary: KeyUsageSummary; now: number }) {
  const width = 72;
  const height = 20;
  const slot = width / 24;
  const firstHour = now - (now % HOUR_MS) - 23 * HOUR_MS;
  const max = Math.max(1, ...summary.points.map((p) => p.total));
  return (
    <svg
      className="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      aria-hidden="true"
      data-testid="usage-sparkline"
    >
      <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="sparkline__base" />
      {summary.points.map((point) => {
        const index = Math.round((Date.parse(point.t) - firstHour) / HOUR_MS);
        if (index < 0 || index > 23) return null;
        const total = Math.max(1, (point.total / max) * height);
        const refused = (point.refused / point.total) * total;
        const x = index * slot + 0.5;
        return (
          <g key={point.t}>
            <rect
              x={x}
              y={height - total}
              width={slot - 1}
              height={total - refused}
              className="sparkline__ok"
            />
            {refused > 0 ? (
              <rect
                x={x}
                y={height - total}
                width={slot - 1}
                height={refused}
                className="sparkline__refused"
              />
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

/** Why the last 24 h's refused requests were refused: a swatch of the chart's colour and its label. */
export function RefusedBreakdown({ summary }: { summary: KeyUsageSummary }) {
  const refused = refusedBreakdown(summary.totals);
  if (refused.length === 0) return null;
  return (
    <ul
      className="usage-cell__reasons"
      aria-label="Refused by reason"
      data-testid="usage-refused-by"
    >
      {refused.map((reason) => (
        <li key={reason.outcome}>
          <span
            className="usage-cell__swatch"
            style={{ background: reason.color }}
            aria-hidden="true"
          />
          {reason.label}: {count(reason.count)}
        </li>
      ))}
    </ul>
  );
}

function UsageCell({
  keyData,
  data,
  now,
}: {
  keyData: KeyAnswer;
  data: UsageColumnData;
  now: number;
}) {
  const summary = data.summaries?.get(keyData.id);
  return (
    <div className="usage-cell">
      {summary ? (
        <span className="usage-cell__series">
          <UsageSparkline summary={summary} now={now} />
          <span className="usage-cell__count" data-testid="usage-count">
            {count(summary.total)} {summary.total === 1 ? "request" : "requests"}
            {summary.refused > 0 ? (
              <span className="usage-cell__refused"> · {count(summary.refused)} refused</span>
            ) : null}
          </span>
        </span>
      ) : (
        <span className="text-subtle">…</span>
      )}
      {summary ? <RefusedBreakdown summary={summary} /> : null}
      {unusedFor30Days(keyData, now) ? <Badge tone="warning">Unused for 30 days</Badge> : null}
      {inGracePeriod(keyData, now) ? (
        <RotationNotice orgId={data.orgId} keyData={keyData} summary={summary} />
      ) : null}
    </div>
  );
}

/** The keys table's "Requests (24 h)" column. */
export function usageColumn(data: UsageColumnData, now: number): ColumnDef<KeyAnswer> {
  return {
    id: "usage",
    header: "Requests (24 h)",
    enableSorting: false,
    // Wraps (sparkline over its counts): the row's actions must stay inside the card at 1280 px.
    meta: { className: "col-usage" },
    cell: ({ row }) => <UsageCell keyData={row.original} data={data} now={now} />,
  };
}

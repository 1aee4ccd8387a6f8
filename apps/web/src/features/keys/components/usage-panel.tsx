import { KEY_OUTCOMES, type KeyAnswer, type KeyUsagePoint } from "@keyward/shared";
import { lazy, Suspense, useId, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/spinner";
import { errorMessage } from "@/lib/api-client";
import {
  USAGE_RANGES,
  type UsageRange,
  useKeyUsage,
  useKeyUsageSummaries,
} from "../api/get-key-usage";
import { inGracePeriod, RotationNotice } from "./rotation-assistant";
import { OUTCOME_STYLE } from "./usage-outcomes";

const UsageChart = lazy(() => import("./usage-chart").then((m) => ({ default: m.UsageChart })));

const RANGES = Object.keys(USAGE_RANGES) as UsageRange[];

function tickFormatter(range: UsageRange): (t: string) => string {
  const options: Intl.DateTimeFormatOptions =
    range === "30d"
      ? { month: "short", day: "numeric", timeZone: "UTC" }
      : range === "7d"
        ? { weekday: "short", hour: "2-digit", timeZone: "UTC" }
        : { hour: "2-digit", minute: "2-digit", timeZone: "UTC" };
  const format = new Intl.DateTimeFormat("en-US", options);
  return (t) => format.format(new Date(t));
}

const sum = (point: KeyUsagePoint) => KEY_OUTCOMES.reduce((total, o) => total + point[o], 0);
const count = (n: number) => n.toLocaleString("en-US");

/** The key dialog's Usage view: rotation assistant, outcome-stacked chart, totals, table. */
export function KeyUsagePanel({ orgId, keyData }: { orgId: string; keyData: KeyAnswer }) {
  const [range, setRange] = useState<UsageRange>("24h");
  const usage = useKeyUsage(orgId, keyData.id, range);
  const grace = inGracePeriod(keyData, Date.now());
  const summaries = useKeyUsageSummaries(orgId, grace ? [keyData.id] : []);
  const headingId = useId();
  const formatTick = tickFormatter(range);
  const points = usage.data?.points ?? [];
  const totals = usage.data?.totals;
  const all = totals ? KEY_OUTCOMES.reduce((total, o) => total + totals[o], 0) : 0;

  return (
    <section className="usage-panel" aria-labelledby={headingId}>
      <div className="usage-panel__header">
        <h3 id={headingId} className="usage-panel__title">
          Usage
        </h3>
        <fieldset className="segmented">
          <legend className="visually-hidden">Time range</legend>
          {RANGES.map((value) => (
            <label key={value} className="segmented__option">
              <input
                type="radio"
                name={`${headingId}-range`}
                value={value}
                checked={range === value}
                onChange={() => setRange(value)}
              />
              <span>{USAGE_RANGES[value].label}</span>
            </label>
          ))}
        </fieldset>
      </div>
      {grace ? (
        <RotationNotice orgId={orgId} keyData={keyData} summary={summaries?.get(keyData.id)} />
      ) : null}
      {usage.isError ? (
        <Alert tone="danger" title="Could not load usage">
          {errorMessage(usage.error)}
        </Alert>
      ) : usage.isPending ? (
        <Spinner label="Loading usage" />
      ) : (
        <>
          <p className="usage-panel__total">
            {count(all)} {all === 1 ? "request" : "requests"} in the last{" "}
            {USAGE_RANGES[range].label}
          </p>
          <ul className="usage-legend" aria-label="Totals by outcome">
            {KEY_OUTCOMES.map((outcome) => (
              <li key={outcome}>
                <span
                  className="usage-legend__swatch"
                  style={{ background: OUTCOME_STYLE[outcome].color }}
                  aria-hidden="true"
                />
                {OUTCOME_STYLE[outcome].label}: <strong>{count(totals?.[outcome] ?? 0)}</strong>
              </li>
            ))}
          </ul>
          {points.length === 0 ? (
            <p className="text-subtle">No requests in this period.</p>
          ) : (
            <>
              <div
                className="usage-panel__chart"
                role="img"
                aria-label={`Requests per ${usage.data?.interval ?? "bucket"} by outcome; the table below has the numbers`}
                data-testid="usage-chart"
              >
                <Suspense fallback={<Spinner label="Loading chart" />}>
                  <UsageChart points={points} formatTick={formatTick} />
                </Suspense>
              </div>
              <details className="usage-panel__table">
                <summary>Show as a table</summary>
                {/* Focusable: it scrolls sideways on narrow screens, and keyboards must reach it. */}
                {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region (axe scrollable-region-focusable) */}
                <section className="table-wrap" tabIndex={0} aria-label="Usage table">
                  <table className="table table--dense">
                    <caption className="visually-hidden">Requests by outcome</caption>
                    <thead>
                      <tr>
                        <th scope="col">Time (UTC)</th>
                        {KEY_OUTCOMES.map((outcome) => (
                          <th key={outcome} scope="col">
                            {OUTCOME_STYLE[outcome].label}
                          </th>
                        ))}
                        <th scope="col">Total</th>
                      </tr>
                    </thead>
                    <tbody>
                      {points.map((point) => (
                        <tr key={point.t}>
                          <th scope="row">
                            <time dateTime={point.t}>{formatTick(point.t)}</time>
                          </th>
                          {KEY_OUTCOMES.map((outcome) => (
                            <td key={outcome}>{count(point[outcome])}</td>
                          ))}
                          <td>{count(sum(point))}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </section>
              </details>
            </>
          )}
        </>
      )}
    </section>
  );
}

import { type Db, KEY_USAGE_COUNT_COLUMNS, type KeyUsageCountColumn } from "@keyward/db";
import {
  emptyOutcomeCounts,
  KEY_OUTCOMES,
  type KeyUsageAnswer,
  type KeyUsageInterval,
  type KeyUsagePoint,
  type KeyUsageSummary,
  type keyUsageQuerySchema,
  MAX_KEY_USAGE_POINTS,
  type OutcomeCounts,
} from "@keyward/shared";
import type { z } from "zod";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import { OUTCOME_COLUMN } from "../key-usage/usage-counter.js";
import { canSeeKey } from "../policy.js";
import { getKey } from "./keys.js";

export type KeyUsageInput = z.output<typeof keyUsageQuerySchema>;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const INTERVAL_MS: Record<KeyUsageInterval, number> = {
  minute: MINUTE_MS,
  hour: HOUR_MS,
  day: DAY_MS,
};
const floorTo = (ms: number, size: number) => ms - (ms % size);

type UsageRow = { keyId: string; bucketStart: Date } & Record<KeyUsageCountColumn, number>;

const usageColumns = {
  keyId: true,
  bucketStart: true,
  ...Object.fromEntries(KEY_USAGE_COUNT_COLUMNS.map((column) => [column, true])),
} as { keyId: true; bucketStart: true } & Record<KeyUsageCountColumn, true>;

function addRow(into: OutcomeCounts, row: UsageRow): void {
  for (const outcome of KEY_OUTCOMES) into[outcome] += row[OUTCOME_COLUMN[outcome]];
}

const totalOf = (row: UsageRow) =>
  KEY_USAGE_COUNT_COLUMNS.reduce((total, column) => total + row[column], 0);

/** `from` inclusive, `to` exclusive; default the last 24 hours; at most 10,000 buckets. */
function usageRange(query: KeyUsageInput, now: number): { from: number; to: number } {
  const to = query.to ? Date.parse(query.to) : now;
  const from = query.from ? Date.parse(query.from) : to - DAY_MS;
  if (Number.isNaN(from)) throw ApiError.invalid("from", "is not a valid date-time");
  if (Number.isNaN(to)) throw ApiError.invalid("to", "is not a valid date-time");
  if (from >= to) throw ApiError.invalid("from", "must be before to");
  if ((to - from) / INTERVAL_MS[query.interval] > MAX_KEY_USAGE_POINTS) {
    throw ApiError.invalid(
      "from",
      `the range spans more than ${MAX_KEY_USAGE_POINTS} ${query.interval} buckets; use a coarser interval`,
    );
  }
  // Counts are kept per bucket: every bucket overlapping [from, to) is answered whole.
  return { from: floorTo(from, INTERVAL_MS[query.interval]), to };
}

/** One key's requests per bucket and outcome; 404 unless the caller can see the key. */
export async function getKeyUsage(
  db: Db,
  ctx: OrgContext,
  keyId: string,
  query: KeyUsageInput,
  now = Date.now(),
): Promise<KeyUsageAnswer> {
  const { from, to } = usageRange(query, now);
  await getKey({ db }, ctx, keyId);
  // Days are summed from hour rows (kept 90 days); minute rows are kept 48 hours.
  const stored = query.interval === "minute" ? "minute" : "hour";
  const rows = await db.keyUsage.findMany({
    where: { keyId, interval: stored, bucketStart: { gte: new Date(from), lt: new Date(to) } },
    select: usageColumns,
    orderBy: { bucketStart: "asc" },
  });
  const size = INTERVAL_MS[query.interval];
  const points: KeyUsagePoint[] = [];
  const totals = emptyOutcomeCounts();
  let current: KeyUsagePoint | undefined;
  for (const row of rows) {
    const t = new Date(floorTo(row.bucketStart.getTime(), size)).toISOString();
    if (current?.t !== t) {
      current = { t, ...emptyOutcomeCounts() };
      points.push(current);
    }
    addRow(current, row);
    addRow(totals, row);
  }
  return { keyId, interval: query.interval, points, totals };
}

/**
 * The last 24 hours of each listed key the caller can see, for the keys table: one request for a
 * page of keys. Keys the caller cannot see (or that do not exist) are left out, never a 403.
 */
export async function getKeyUsageSummaries(
  db: Db,
  ctx: OrgContext,
  ids: string[],
  now = Date.now(),
): Promise<KeyUsageSummary[]> {
  const keys = await db.apiKey.findMany({
    where: { id: { in: ids }, orgId: ctx.org.id },
    select: { id: true, orgWide: true, ownerId: true },
  });
  const visible = keys.filter((key) => canSeeKey(ctx.actor, key)).map((key) => key.id);
  if (visible.length === 0) return [];
  const sinceHour = floorTo(now, HOUR_MS) - 23 * HOUR_MS;
  const sinceMinute = floorTo(now, MINUTE_MS) - 59 * MINUTE_MS;
  const last15 = floorTo(now, MINUTE_MS) - 14 * MINUTE_MS;
  const [hours, minutes] = await Promise.all([
    db.keyUsage.findMany({
      where: {
        keyId: { in: visible },
        interval: "hour",
        bucketStart: { gte: new Date(sinceHour) },
      },
      select: usageColumns,
      orderBy: { bucketStart: "asc" },
    }),
    db.keyUsage.findMany({
      where: {
        keyId: { in: visible },
        interval: "minute",
        bucketStart: { gte: new Date(sinceMinute) },
      },
      select: usageColumns,
    }),
  ]);
  const summaries = new Map<string, KeyUsageSummary>(
    visible.map((keyId) => [
      keyId,
      {
        keyId,
        total: 0,
        refused: 0,
        totals: emptyOutcomeCounts(),
        points: [],
        last15Minutes: 0,
        lastHour: 0,
      },
    ]),
  );
  for (const row of hours) {
    const summary = summaries.get(row.keyId);
    if (!summary) continue;
    const total = totalOf(row);
    if (total === 0) continue;
    const refused = total - row.valid;
    summary.total += total;
    summary.refused += refused;
    addRow(summary.totals, row);
    summary.points.push({ t: row.bucketStart.toISOString(), total, refused });
  }
  for (const row of minutes) {
    const summary = summaries.get(row.keyId);
    if (!summary) continue;
    const total = totalOf(row);
    summary.lastHour += total;
    if (row.bucketStart.getTime() >= last15) summary.last15Minutes += total;
  }
  return [...summaries.values()];
}

import { randomBytes } from "node:crypto";
import type { MetricInterval } from "@keyward/shared";

/** One accepted event, ready to store. */
export interface StoredEvent {
  name: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** JSON of the event's other properties. */
  properties: string;
}

/** The events of one request: stored together, acknowledged together. */
export interface IngestBatch {
  orgId: string;
  keyId: string;
  receivedAt: number;
  events: StoredEvent[];
}

export interface MetricsRange {
  orgId: string;
  eventName: string;
  interval: MetricInterval;
  /** Inclusive, ms. */
  from: number;
  /** Exclusive, ms. */
  to: number;
}

export interface MetricPoint {
  /** Bucket start, ISO 8601 UTC. */
  t: string;
  count: number;
}

/**
 * Where the public API writes and reads. One implementation per database: each stores a batch's
 * events and their roll-up increments in one transaction, and resolves only after it committed.
 */
export interface IngestStore {
  append(batch: IngestBatch): Promise<void>;
  /** The JSON text of the range's `MetricPoint[]`, oldest first, empty buckets omitted. */
  metricPointsJson(range: MetricsRange): Promise<string>;
  /** Moves `lastUsedAt` of the given keys forward to the given times (ms), in one statement. */
  touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void>;
  close(): Promise<void>;
}

export const INTERVAL_MS: Record<MetricInterval, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

const INTERVALS = Object.keys(INTERVAL_MS) as MetricInterval[];

export function bucketStart(ms: number, interval: MetricInterval): number {
  const size = INTERVAL_MS[interval];
  return Math.floor(ms / size) * size;
}

export interface RollupIncrement {
  orgId: string;
  eventName: string;
  interval: MetricInterval;
  bucketStart: number;
  count: number;
}

/** The roll-up increments of some batches, summed per row and sorted (a stable lock order). */
export function rollupIncrements(batches: readonly IngestBatch[]): RollupIncrement[] {
  const rows = new Map<string, RollupIncrement>();
  for (const batch of batches) {
    for (const event of batch.events) {
      for (const interval of INTERVALS) {
        const start = bucketStart(event.at, interval);
        const id = `${batch.orgId}\u0000${event.name}\u0000${interval}\u0000${start}`;
        const row = rows.get(id);
        if (row) row.count += 1;
        else
          rows.set(id, {
            orgId: batch.orgId,
            eventName: event.name,
            interval,
            bucketStart: start,
            count: 1,
          });
      }
    }
  }
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

// Event ids: `evt_` + time + per-process randomness + a counter; cheaper than newId() per event
// and still unique across processes and restarts.
const PROCESS_TAG = randomBytes(6).toString("base64url").replace(/[-_]/g, "x");
let counter = 0;

export function nextEventId(now: number): string {
  counter = (counter + 1) % 2_176_782_336;
  return `evt_${now.toString(36).padStart(9, "0")}${PROCESS_TAG}${counter.toString(36).padStart(6, "0")}`;
}

/** An ingest store that keeps nothing: the benchmark's baseline. */
export const discardingStore: Pick<IngestStore, "append"> = {
  append: async () => {},
};

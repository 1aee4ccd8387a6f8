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

/** A stored event as tests read it back. */
export interface StoredEventRow {
  eventName: string;
  eventAt: Date;
  keyId: string;
  properties: string;
}

/**
 * Where the public API writes and reads. One implementation per database: each stores a batch's
 * events and their roll-up increments in one transaction, and resolves only after it committed.
 */
export interface IngestStore {
  append(batch: IngestBatch): Promise<void>;
  /**
   * The JSON text of the range's `MetricPoint[]`, oldest first, empty buckets omitted, in pieces
   * whose concatenation is the array's text: a month of minutes is 2 MB, sent piece by piece
   * (none on V8's large-object space, none copied into one string).
   */
  metricPointsJson(range: MetricsRange): Promise<string[]>;
  /** Moves `ApiKey.lastUsedAt` of the given keys forward to the given times (ms), in one statement. */
  writeLastUsed(lastUsed: ReadonlyMap<string, number>): Promise<void>;
  /** For tests: the events stored for an org (of one name, if given), oldest first. */
  storedEvents(orgId: string, eventName?: string): Promise<StoredEventRow[]>;
  close(): Promise<void>;
}

export const INTERVAL_MS: Record<MetricInterval, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

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

/**
 * Sums roll-up increments per (org, name, minute) as events are added, then per hour and day.
 * `rows()` are sorted: a stable lock order.
 */
export class RollupCounter {
  private readonly perMinute = new Map<string, Map<string, Map<number, number>>>();
  private lastOrgId = "";
  private lastNames: Map<string, Map<number, number>> | undefined;

  add(orgId: string, eventName: string, at: number, count = 1): void {
    let names = orgId === this.lastOrgId ? this.lastNames : this.perMinute.get(orgId);
    if (!names) {
      names = new Map();
      this.perMinute.set(orgId, names);
    }
    this.lastOrgId = orgId;
    this.lastNames = names;
    let minutes = names.get(eventName);
    if (!minutes) {
      minutes = new Map();
      names.set(eventName, minutes);
    }
    const minute = bucketStart(at, "minute");
    minutes.set(minute, (minutes.get(minute) ?? 0) + count);
  }

  /** One org's counts per event name and minute: `[eventName, minute start (ms), count]`. */
  *minutesOf(orgId: string): Generator<[string, number, number]> {
    for (const [eventName, minutes] of this.perMinute.get(orgId) ?? []) {
      for (const [minute, count] of minutes) yield [eventName, minute, count];
    }
  }

  rows(): RollupIncrement[] {
    const rows: RollupIncrement[] = [];
    for (const [orgId, names] of this.perMinute) {
      for (const [eventName, minutes] of names) {
        const hours = new Map<number, number>();
        const days = new Map<number, number>();
        for (const [minute, count] of minutes) {
          rows.push({ orgId, eventName, interval: "minute", bucketStart: minute, count });
          const hour = bucketStart(minute, "hour");
          hours.set(hour, (hours.get(hour) ?? 0) + count);
          const day = bucketStart(minute, "day");
          days.set(day, (days.get(day) ?? 0) + count);
        }
        for (const [hour, count] of hours)
          rows.push({ orgId, eventName, interval: "hour", bucketStart: hour, count });
        for (const [day, count] of days)
          rows.push({ orgId, eventName, interval: "day", bucketStart: day, count });
      }
    }
    return rows.sort(compareRollups);
  }
}

/** The roll-up increments of some batches, summed per row and sorted (a stable lock order). */
export function rollupIncrements(batches: readonly IngestBatch[]): RollupIncrement[] {
  const counter = new RollupCounter();
  for (const batch of batches) {
    for (const event of batch.events) counter.add(batch.orgId, event.name, event.at);
  }
  return counter.rows();
}

function compareRollups(a: RollupIncrement, b: RollupIncrement): number {
  if (a.orgId !== b.orgId) return a.orgId < b.orgId ? -1 : 1;
  if (a.eventName !== b.eventName) return a.eventName < b.eventName ? -1 : 1;
  if (a.interval !== b.interval) return a.interval < b.interval ? -1 : 1;
  return a.bucketStart - b.bucketStart;
}

// Event ids: `evt_` + time + per-process randomness + a counter; cheaper than newId() per event
// and still unique across processes and restarts.
const PROCESS_TAG = randomBytes(6).toString("base64url").replace(/[-_]/g, "x");
const ID_COUNTER_LIMIT = 36 ** 6;
let counter = 0;
let lastTime = -1;
let timePart = "";

function idPrefix(now: number): string {
  if (now !== lastTime) {
    lastTime = now;
    timePart = now.toString(36).padStart(9, "0");
  }
  return `evt_${timePart}${PROCESS_TAG}`;
}

/** The id suffix for a counter value: 6 base-36 digits. */
export function eventIdSuffix(n: number): string {
  return n.toString(36).padStart(6, "0");
}

export function nextEventId(now: number): string {
  counter = (counter + 1) % ID_COUNTER_LIMIT;
  return `${idPrefix(now)}${eventIdSuffix(counter)}`;
}

/** An ingest store that keeps nothing: the benchmark's baseline. */
export const discardingStore: Pick<IngestStore, "append"> = {
  append: async () => {},
};

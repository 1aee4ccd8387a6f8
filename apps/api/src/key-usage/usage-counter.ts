import {
  KEY_USAGE_COUNT_COLUMNS,
  type KeyUsageCountColumn,
  type KeyUsageIncrement,
} from "@keyward/db";
import { KEY_OUTCOMES, type KeyOutcome } from "@keyward/shared";
import type { Logger } from "../logger.js";

/** How often counts and `lastUsedAt` are written: a crash loses at most this much of them. */
export const USAGE_FLUSH_MS = 1_000;
/** How often old buckets are pruned (every instance does it; deleting twice is harmless). */
export const USAGE_PRUNE_MS = 10 * 60_000;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** The KeyUsage column that counts each outcome. */
export const OUTCOME_COLUMN: Record<KeyOutcome, KeyUsageCountColumn> = {
  valid: "valid",
  rate_limited: "rateLimited",
  disabled: "disabled",
  expired: "expired",
  insufficient_permission: "insufficientPermission",
  origin_not_allowed: "originNotAllowed",
  ip_not_allowed: "ipNotAllowed",
  event_not_allowed: "eventNotAllowed",
};

/** Where each outcome is in `counts`: KEY_USAGE_COUNT_COLUMNS order, everywhere in the usage path. */
export const OUTCOME_INDEX = Object.fromEntries(
  KEY_OUTCOMES.map((outcome) => [
    outcome,
    KEY_USAGE_COUNT_COLUMNS.indexOf(OUTCOME_COLUMN[outcome]),
  ]),
) as Record<KeyOutcome, number>;
const OUTCOMES = KEY_USAGE_COUNT_COLUMNS.length;

/** Why a request could not be counted for a key: no key, a malformed one, an unknown one. */
export type UnattributedReason = "missing_key" | "malformed_key" | "invalid_key";
export type UnattributedCounts = Record<UnattributedReason, number>;

/** One key's additive increment of one bucket: `counts` in OUTCOME_INDEX order. */
export interface UsageIncrement extends KeyUsageIncrement {
  counts: number[];
}

export interface UsageWriter {
  /** Adds the increments to the stored buckets (`count = count + n`), in one statement. */
  addUsage(increments: readonly UsageIncrement[]): Promise<void>;
  /** Moves `lastUsedAt` forward, only where the given time is newer. */
  touchKeys(lastUsed: ReadonlyMap<string, number>): Promise<void>;
  /** Deletes minute buckets before `minutesBefore` and hour buckets before `hoursBefore`. */
  prune(minutesBefore: number, hoursBefore: number): Promise<void>;
}

/** What the session API reads from the counter: this instance's uses not yet written. */
export interface PendingKeyUse {
  lastUsedAt(keyId: string): number | undefined;
}

interface Tally {
  keyId: string;
  orgId: string;
  minute: number;
  counts: number[];
}

/**
 * How long a committed use is still answered from memory: a read that loaded its row before the
 * commit and asks after it must not lose the use (it would show `lastUsedAt` older, or null).
 */
const COMMITTED_KEPT_MS = 60_000;

const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;

export interface UsageCounterOptions {
  flushMs?: number;
  pruneMs?: number;
  minuteRetentionMs: number;
  hourRetentionMs: number;
}

/**
 * Counts `/v1` requests per key and outcome in memory and writes them every `flushMs` (and on
 * close) as additive minute and hour increments, with `lastUsedAt`: no write per request, and
 * several instances add up exactly. A failed write is merged back and retried, after a back-off
 * (5 s, doubling to 1 min) so that a locked or unreachable database is not asked every second: on
 * SQLite each attempt holds the event loop for the busy timeout.
 */
export class UsageCounter implements PendingKeyUse {
  /** The current minute's tally of each key; a key's earlier minutes move to `spilled`. */
  private tallies = new Map<string, Tally>();
  private spilled: Tally[] = [];
  private used = new Map<string, number>();
  /** The uses being written right now, still answered by `lastUsedAt` until committed. */
  private writing = new Map<string, number>();
  /** The uses committed in the last COMMITTED_KEPT_MS, and when they were committed. */
  private committed = new Map<string, { at: number; committedAt: number }>();
  private flushing: Promise<void> | undefined;
  private readonly unattributedCounts: UnattributedCounts = {
    missing_key: 0,
    malformed_key: 0,
    invalid_key: 0,
  };
  private readonly flushTimer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  /** Consecutive failed writes, and when the timer may try again. */
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly writer: UsageWriter,
    private readonly logger: Logger,
    private readonly options: UsageCounterOptions,
  ) {
    this.flushTimer = setInterval(() => {
      if (Date.now() >= this.retryAt) void this.flush();
    }, options.flushMs ?? USAGE_FLUSH_MS);
    this.flushTimer.unref();
    this.pruneTimer = setInterval(() => void this.prune(), options.pruneMs ?? USAGE_PRUNE_MS);
    this.pruneTimer.unref();
  }

  count(key: { id: string; orgId: string }, outcome: KeyOutcome, at = Date.now()): void {
    const minute = at - (at % MINUTE_MS);
    let tally = this.tallies.get(key.id);
    if (!tally || tally.minute !== minute) {
      if (tally) this.spilled.push(tally);
      tally = {
        keyId: key.id,
        orgId: key.orgId,
        minute,
        counts: new Array<number>(OUTCOMES).fill(0),
      };
      this.tallies.set(key.id, tally);
    }
    (tally.counts[OUTCOME_INDEX[outcome]] as number) += 1;
  }

  markUsed(keyId: string, at = Date.now()): void {
    this.used.set(keyId, at);
  }

  countUnattributed(reason: UnattributedReason): void {
    this.unattributedCounts[reason] += 1;
  }

  /** Since this instance started: requests that no key could be charged with. */
  unattributed(): UnattributedCounts {
    return { ...this.unattributedCounts };
  }

  lastUsedAt(keyId: string): number | undefined {
    return latestOf(
      latestOf(this.used.get(keyId), this.writing.get(keyId)),
      this.committed.get(keyId)?.at,
    );
  }

  /** Writes everything counted so far; concurrent calls wait for the same write, then write again. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.tallies.size === 0 && this.spilled.length === 0 && this.used.size === 0) return;
    const tallies = [...this.spilled, ...this.tallies.values()];
    this.tallies = new Map();
    this.spilled = [];
    this.writing = this.used;
    this.used = new Map();
    this.flushing = this.write(tallies, this.writing).finally(() => {
      this.flushing = undefined;
      this.writing = new Map();
    });
    await this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.pruneTimer);
    await this.flush();
  }

  async prune(now = Date.now()): Promise<void> {
    try {
      await this.writer.prune(
        now - this.options.minuteRetentionMs,
        now - this.options.hourRetentionMs,
      );
    } catch (err) {
      this.logger.warn({ err }, "could not prune old key usage; will retry");
    }
  }

  private remember(used: ReadonlyMap<string, number>): void {
    const now = Date.now();
    for (const [keyId, entry] of this.committed) {
      if (now - entry.committedAt > COMMITTED_KEPT_MS) this.committed.delete(keyId);
    }
    for (const [keyId, at] of used) {
      const kept = this.committed.get(keyId);
      if (!kept || at >= kept.at) this.committed.set(keyId, { at, committedAt: now });
    }
  }

  private async write(tallies: Tally[], used: Map<string, number>): Promise<void> {
    const [counted] = await Promise.allSettled([
      tallies.length > 0 ? this.writer.addUsage(increments(tallies)) : undefined,
    ]);
    // One attempt at a time: after a failure the uses wait for the next write too.
    const [touched] =
      counted?.status === "rejected"
        ? [{ status: "rejected" as const, reason: counted.reason }]
        : await Promise.allSettled([used.size > 0 ? this.writer.touchKeys(used) : undefined]);
    if (touched?.status === "fulfilled") this.remember(used);
    if (counted?.status === "rejected" || touched?.status === "rejected") {
      this.failures += 1;
      this.retryAt = Date.now() + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (this.failures - 1));
    } else {
      this.failures = 0;
      this.retryAt = 0;
    }
    if (counted?.status === "rejected") {
      // Additive: merged back, they are written with the next batch.
      for (const tally of tallies) this.spilled.push(tally);
      this.logger.warn(
        { err: counted.reason, keys: tallies.length },
        "could not record key usage; will retry",
      );
    }
    if (touched?.status === "rejected") {
      for (const [keyId, at] of used) if (!this.used.has(keyId)) this.used.set(keyId, at);
      this.logger.warn(
        { err: touched.reason, keys: used.size },
        "could not record keys' lastUsedAt; will retry",
      );
    }
  }
}

function latestOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined || a > b ? a : b;
}

/** Minute rows and their hour rows, summed per row and sorted (a stable lock order). */
export function increments(tallies: readonly Tally[]): UsageIncrement[] {
  const rows = new Map<string, UsageIncrement>();
  const add = (tally: Tally, interval: "minute" | "hour", bucketStart: number) => {
    const id = `${tally.keyId}\u0000${interval}\u0000${bucketStart}`;
    const row = rows.get(id);
    if (!row) {
      rows.set(id, {
        keyId: tally.keyId,
        orgId: tally.orgId,
        interval,
        bucketStart,
        counts: [...tally.counts],
      });
      return;
    }
    for (let i = 0; i < OUTCOMES; i++) (row.counts[i] as number) += tally.counts[i] as number;
  };
  for (const tally of tallies) {
    add(tally, "minute", tally.minute);
    add(tally, "hour", tally.minute - (tally.minute % HOUR_MS));
  }
  return [...rows.values()].sort(
    (a, b) =>
      (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0) ||
      (a.interval < b.interval ? -1 : a.interval > b.interval ? 1 : 0) ||
      a.bucketStart - b.bucketStart,
  );
}

import { KEY_USAGE_COUNT_COLUMNS } from "@keyward/db";
import { KEY_OUTCOMES } from "@keyward/shared";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../logger.js";
import {
  increments,
  OUTCOME_COLUMN,
  OUTCOME_INDEX,
  UsageCounter,
  type UsageIncrement,
  type UsageWriter,
} from "./usage-counter.js";

/** A writer that keeps what it was given, and fails while `failing` is set. */
function recordingWriter() {
  const written: UsageIncrement[] = [];
  const touched = new Map<string, number>();
  const writer: UsageWriter & { failing: boolean } = {
    failing: false,
    async addUsage(rows) {
      if (this.failing) throw new Error("database down");
      written.push(...rows);
    },
    async touchKeys(lastUsed) {
      if (this.failing) throw new Error("database down");
      for (const [id, at] of lastUsed) touched.set(id, Math.max(at, touched.get(id) ?? 0));
    },
    async prune() {},
  };
  return { writer, written, touched };
}

const options = { flushMs: 60_000, minuteRetentionMs: 1, hourRetentionMs: 1 };
const logger = createLogger("silent");
const key = { id: "key_a", orgId: "org_a" };
const at = Date.parse("2030-01-01T10:59:30Z");

const sumOf = (rows: UsageIncrement[], interval: "minute" | "hour") =>
  rows.filter((r) => r.interval === interval).reduce((s, r) => s + (r.counts[0] ?? 0), 0);

afterEach(() => {
  vi.useRealTimers();
});

describe("UsageCounter", () => {
  it("gives every outcome its own column, in the order the dialect writes them", async () => {
    const indexes = KEY_OUTCOMES.map((outcome) => OUTCOME_INDEX[outcome]);
    expect(new Set(indexes).size).toBe(KEY_USAGE_COUNT_COLUMNS.length);
    for (const outcome of KEY_OUTCOMES) {
      expect(KEY_USAGE_COUNT_COLUMNS[OUTCOME_INDEX[outcome]]).toBe(OUTCOME_COLUMN[outcome]);
    }
    const { writer, written } = recordingWriter();
    const counter = new UsageCounter(writer, logger, options);
    counter.count(key, "origin_not_allowed", at);
    counter.count(key, "event_not_allowed", at);
    counter.count(key, "event_not_allowed", at);
    await counter.close();
    const minute = written.find((r) => r.interval === "minute");
    expect(minute?.counts).toEqual([0, 0, 0, 0, 0, 1, 0, 2]);
  });

  it("writes minute and hour increments that sum to what was counted, across a minute boundary", async () => {
    const { writer, written } = recordingWriter();
    const counter = new UsageCounter(writer, logger, options);
    for (let i = 0; i < 3; i++) counter.count(key, "valid", at);
    for (let i = 0; i < 2; i++) counter.count(key, "valid", at + 60_000);
    counter.count(key, "expired", at + 60_000);
    await counter.close();
    expect(sumOf(written, "minute")).toBe(5);
    expect(sumOf(written, "hour")).toBe(5);
    const hours = written.filter((r) => r.interval === "hour").map((r) => r.bucketStart);
    expect(hours).toEqual([Date.parse("2030-01-01T10:00:00Z"), Date.parse("2030-01-01T11:00:00Z")]);
    expect(
      written.find((r) => r.bucketStart === at + 30_000 && r.interval === "minute")?.counts,
    ).toEqual([2, 0, 0, 1, 0, 0, 0, 0]);
  });

  it("keeps counts and uses a failed write could not store, and writes them with the next", async () => {
    const { writer, written, touched } = recordingWriter();
    const counter = new UsageCounter(writer, logger, options);
    counter.count(key, "valid", at);
    counter.markUsed(key.id, at);
    writer.failing = true;
    await counter.flush();
    expect(written).toEqual([]);
    expect(counter.lastUsedAt(key.id)).toBe(at);
    counter.count(key, "valid", at);
    writer.failing = false;
    await counter.flush();
    expect(sumOf(written, "minute")).toBe(2);
    expect(touched.get(key.id)).toBe(at);
  });

  it("still answers a use for a minute after it is committed (a read that loaded its row before)", async () => {
    vi.useFakeTimers({ now: at, toFake: ["Date"] });
    const { writer, touched } = recordingWriter();
    const counter = new UsageCounter(writer, logger, options);
    counter.markUsed(key.id, at);
    await counter.flush();
    expect(touched.get(key.id)).toBe(at);
    expect(counter.lastUsedAt(key.id)).toBe(at);

    vi.setSystemTime(at + 61_000);
    counter.markUsed("key_b", at + 61_000);
    await counter.flush();
    expect(counter.lastUsedAt(key.id)).toBeUndefined();
    expect(counter.lastUsedAt("key_b")).toBe(at + 61_000);
    await counter.close();
  });

  it("backs off after a failed write instead of asking a locked database every second", async () => {
    vi.useFakeTimers({ now: at });
    const { writer, written } = recordingWriter();
    let attempts = 0;
    const addUsage = writer.addUsage.bind(writer);
    writer.addUsage = async (rows) => {
      attempts += 1;
      return addUsage(rows);
    };
    const counter = new UsageCounter(writer, logger, { ...options, flushMs: 1_000 });
    writer.failing = true;
    counter.count(key, "valid");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(attempts).toBe(1);
    counter.count(key, "valid");
    await vi.advanceTimersByTimeAsync(4_000);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(attempts).toBe(2);
    writer.failing = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(attempts).toBe(3);
    expect(sumOf(written, "minute")).toBe(2);
    await counter.close();
  });

  it("sums a key's rows per bucket and sorts them (a stable lock order)", () => {
    const rows = increments([
      { keyId: "key_b", orgId: "o", minute: at - 30_000, counts: [1, 0, 0, 0, 0] },
      { keyId: "key_a", orgId: "o", minute: at - 30_000, counts: [0, 1, 0, 0, 0] },
      { keyId: "key_a", orgId: "o", minute: at - 30_000, counts: [2, 0, 0, 0, 0] },
    ]);
    expect(rows.map((r) => [r.keyId, r.interval, r.counts[0], r.counts[1]])).toEqual([
      ["key_a", "hour", 2, 1],
      ["key_a", "minute", 2, 1],
      ["key_b", "hour", 1, 0],
      ["key_b", "minute", 1, 0],
    ]);
  });
});

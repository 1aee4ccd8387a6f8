import type { KeyAnswer, KeyUsageSummary } from "@keyward/shared";
import { emptyOutcomeCounts } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { keyAnswerAt } from "@/testing/key-answer";
import { graceTraffic, inGracePeriod } from "./rotation-assistant";
import { unusedFor30Days } from "./usage-cell";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const DAY = 86_400_000;

const key = (overrides: Partial<KeyAnswer>) => keyAnswerAt("2026-01-01T00:00:00.000Z", overrides);

const summary = (last15Minutes: number, lastHour: number): KeyUsageSummary => ({
  keyId: "key_1",
  total: lastHour,
  refused: 0,
  totals: { ...emptyOutcomeCounts(), valid: lastHour },
  points: [],
  last15Minutes,
  lastHour,
});

describe("inGracePeriod", () => {
  const soon = new Date(NOW + DAY).toISOString();
  it("is a rolled key (replacedBy) that has not expired yet", () => {
    expect(
      inGracePeriod(key({ expiresAt: soon, replacedBy: { id: "key_2", start: "kw_x" } }), NOW),
    ).toBe(true);
    expect(inGracePeriod(key({ expiresAt: soon }), NOW)).toBe(false);
    const past = new Date(NOW - 1).toISOString();
    expect(
      inGracePeriod(key({ expiresAt: past, replacedBy: { id: "key_2", start: "kw_x" } }), NOW),
    ).toBe(false);
  });

  it("falls back to an expiry within the longest grace period when the API does not say", () => {
    const { replacedBy: _, ...older } = key({ expiresAt: soon });
    expect(inGracePeriod(older as KeyAnswer, NOW)).toBe(true);
    const far = { ...older, expiresAt: new Date(NOW + 8 * DAY).toISOString() };
    expect(inGracePeriod(far as KeyAnswer, NOW)).toBe(false);
  });
});

describe("graceTraffic", () => {
  it("says whether clients still use the old key", () => {
    expect(graceTraffic(summary(412, 500))).toEqual({
      stillUsed: true,
      text: "412 requests in the last 15 min — clients still use this key",
    });
    expect(graceTraffic(summary(0, 3)).text).toBe("No requests in the last 15 min");
    expect(graceTraffic(summary(0, 0))).toEqual({ stillUsed: false, text: "No requests for 1 h" });
  });
});

describe("unusedFor30Days", () => {
  it("marks keys older than 30 days not used in the last 30", () => {
    expect(unusedFor30Days(key({}), NOW)).toBe(true);
    expect(unusedFor30Days(key({ lastUsedAt: new Date(NOW - 29 * DAY).toISOString() }), NOW)).toBe(
      false,
    );
    expect(unusedFor30Days(key({ lastUsedAt: new Date(NOW - 31 * DAY).toISOString() }), NOW)).toBe(
      true,
    );
    expect(unusedFor30Days(key({ createdAt: new Date(NOW - 2 * DAY).toISOString() }), NOW)).toBe(
      false,
    );
  });
});

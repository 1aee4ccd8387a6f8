import { describe, expect, it } from "vitest";
import { formatRelative, keyStatus } from "./format";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (offset: number) => new Date(NOW + offset).toISOString();

describe("formatRelative", () => {
  it("rounds to the nearest unit, choosing the unit after rounding", () => {
    expect(formatRelative(at(DAY - 30_000), NOW)).toBe("in 24 hours");
    expect(formatRelative(at(HOUR - 1_000), NOW)).toBe("in 1 hour");
    expect(formatRelative(at(7 * DAY - MIN), NOW)).toBe("in 7 days");
    expect(formatRelative(at(40 * DAY), NOW)).toBe("in 40 days");
    expect(formatRelative(at(-5 * MIN - 10_000), NOW)).toBe("5 minutes ago");
    expect(formatRelative(at(-50 * HOUR), NOW)).toBe("2 days ago");
    expect(formatRelative(at(-30 * HOUR), NOW)).toBe("yesterday");
    expect(formatRelative(at(20_000), NOW)).toBe("in less than a minute");
    expect(formatRelative(at(-20_000), NOW)).toBe("just now");
  });
});

describe("keyStatus", () => {
  const key = { enabled: true, expiresAt: null, disabledReason: null } as const;

  it("says a rolled key's grace period as 'Expires in …'", () => {
    expect(keyStatus({ ...key, expiresAt: at(DAY - 2_000) }, NOW)).toMatchObject({
      kind: "expiring",
      label: "Expires in 24 hours",
    });
    expect(keyStatus({ ...key, expiresAt: at(90 * DAY) }, NOW).kind).toBe("active");
  });

  it("says Expired once the time has passed, and Active without expiry", () => {
    expect(keyStatus({ ...key, expiresAt: at(-1) }, NOW)).toMatchObject({
      kind: "expired",
      label: "Expired",
    });
    expect(keyStatus({ ...key, expiresAt: at(0) }, NOW).label).toBe("Expired");
    expect(keyStatus(key, NOW)).toEqual({ kind: "active", label: "Active" });
  });

  it("says why the system disabled a key", () => {
    expect(
      keyStatus({ ...key, enabled: false, disabledReason: "owner_removed" }, NOW),
    ).toMatchObject({ kind: "disabled", label: "Disabled — owner removed" });
    expect(keyStatus({ ...key, enabled: false }, NOW)).toEqual({
      kind: "disabled",
      label: "Disabled",
    });
    // Disabled wins over expired: enabling it would not make it work.
    expect(keyStatus({ ...key, enabled: false, expiresAt: at(-DAY) }, NOW).label).toBe("Disabled");
  });
});

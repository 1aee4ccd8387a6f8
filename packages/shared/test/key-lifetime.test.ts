import { describe, expect, it } from "vitest";
import { DAY_MS, lifetimeEnd, lifetimeViolation } from "../src/key-lifetime.js";

const NOW = Date.UTC(2026, 11, 1, 12);

describe("an org's maximum key lifetime", () => {
  it("ends the limit's days after now, or never without a limit", () => {
    expect(lifetimeEnd(30, NOW)).toBe(NOW + 30 * DAY_MS);
    expect(lifetimeEnd(null, NOW)).toBeNull();
  });

  it("requires an expiry under a limit and refuses one past its end, to the millisecond", () => {
    expect(lifetimeViolation(null, 90, NOW)).toBe("required");
    expect(lifetimeViolation(NOW + 90 * DAY_MS, 90, NOW)).toBeUndefined();
    expect(lifetimeViolation(NOW + 90 * DAY_MS + 1, 90, NOW)).toBe("too_late");
  });

  it("allows anything, never included, without a limit", () => {
    expect(lifetimeViolation(null, null, NOW)).toBeUndefined();
    expect(lifetimeViolation(NOW + 10_000 * DAY_MS, null, NOW)).toBeUndefined();
  });
});

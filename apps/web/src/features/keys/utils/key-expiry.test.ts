import { DAY_MS } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { expiresAtFor, expiryError, expiryOptions, localDate, startOfLocalDay } from "./key-expiry";

// Noon local time, so that adding days never crosses midnight through a DST change.
const NOW = new Date(2026, 5, 1, 12, 0, 0).getTime();

describe("expiryOptions", () => {
  it("without a limit offers never and every preset; create defaults to never", () => {
    const options = expiryOptions("create", null, null, NOW);
    expect(options.choices).toEqual(["never", "7", "30", "90", "365", "date"]);
    expect(options.defaultChoice).toBe("never");
    expect(options.minDate).toBe("2026-06-02");
    expect(options.maxDate).toBeUndefined();
  });

  it("under a limit offers no never and nothing longer, defaults to the limit, bounds the picker", () => {
    const options = expiryOptions("create", null, 90, NOW);
    expect(options.choices).toEqual(["7", "30", "90", "date"]);
    expect(options.defaultChoice).toBe("90");
    expect(options.maxDate).toBe(localDate(NOW + 90 * DAY_MS));
    expect(options.maxDate).toBe("2026-08-30");
  });

  it("in edit mode keeps the key's date, and offers never only to a key that expires", () => {
    expect(expiryOptions("edit", null, null, NOW).choices).toEqual([
      "keep",
      "7",
      "30",
      "90",
      "365",
      "date",
    ]);
    const dated = expiryOptions("edit", "2026-07-01T00:00:00.000Z", null, NOW);
    expect(dated.choices.slice(0, 2)).toEqual(["keep", "never"]);
    expect(dated.defaultChoice).toBe("keep");
    expect(expiryOptions("edit", "2026-07-01T00:00:00.000Z", 30, NOW).choices).toEqual([
      "keep",
      "7",
      "30",
      "date",
    ]);
  });

  it("treats a limit not loaded yet as none", () => {
    expect(expiryOptions("create", null, undefined, NOW).choices).toContain("never");
  });
});

describe("expiresAtFor", () => {
  it("maps each choice to the body's expiresAt", () => {
    expect(expiresAtFor("keep", "", NOW)).toBeUndefined();
    expect(expiresAtFor("never", "", NOW)).toBeNull();
    expect(expiresAtFor("7", "", NOW)).toBe(new Date(NOW + 7 * DAY_MS).toISOString());
    expect(expiresAtFor("date", "2026-12-27", NOW)).toBe(new Date(2026, 11, 27).toISOString());
    expect(expiresAtFor("date", "", NOW)).toBe("");
    expect(expiresAtFor("date", "2026-02-30", NOW)).toBe("");
  });
});

describe("startOfLocalDay", () => {
  it("reads yyyy-mm-dd as local midnight and refuses what is no date", () => {
    expect(startOfLocalDay("2026-03-04")?.getTime()).toBe(new Date(2026, 2, 4).getTime());
    expect(startOfLocalDay("2026-13-01")).toBeNull();
    expect(startOfLocalDay("4 March")).toBeNull();
  });
});

describe("expiryError, the org's maximum key lifetime", () => {
  it("asks for a date when none is chosen", () => {
    expect(expiryError("", 30, NOW)).toBe("Choose a date.");
  });

  it("refuses a date past the limit and takes one on it", () => {
    const limit = NOW + 30 * DAY_MS;
    expect(expiryError(new Date(limit + 1000).toISOString(), 30, NOW)).toBe(
      "must be within 30 days: this organization limits key lifetime",
    );
    expect(expiryError(new Date(limit).toISOString(), 30, NOW)).toBeUndefined();
  });

  it("has nothing to say without a limit or without a date", () => {
    expect(expiryError(new Date(NOW + 999 * DAY_MS).toISOString(), null, NOW)).toBeUndefined();
    expect(expiryError(null, 30, NOW)).toBeUndefined();
    expect(expiryError(undefined, 30, NOW)).toBeUndefined();
  });
});

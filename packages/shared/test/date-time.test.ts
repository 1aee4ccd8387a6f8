import { describe, expect, it } from "vitest";
import { dateTimeSchema } from "../src/date-time.js";
import { MAX_EVENT_PROPERTY_DEPTH, tooDeepProperty } from "../src/public-api.js";

describe("dateTimeSchema", () => {
  it.each([
    "0001-01-01T00:00:00Z",
    "0001-01-01T01:30:00+01:00",
    "9999-12-31T23:59:59.999Z",
    "9999-12-31T22:30:00-01:00",
  ])("accepts %s (within years 0001–9999 in UTC)", (value) => {
    expect(dateTimeSchema.safeParse(value).success).toBe(true);
  });

  it.each([
    "0000-12-31T23:59:59Z",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:30:00-01:00",
    "2026-01-01T00:00:00",
  ])("refuses %s", (value) => {
    expect(dateTimeSchema.safeParse(value).success).toBe(false);
  });
});

describe("tooDeepProperty", () => {
  const nest = (depth: number) => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
    return value;
  };

  it("names the first property nested deeper than the limit, however deep", () => {
    expect(tooDeepProperty({ flat: 1, ok: nest(MAX_EVENT_PROPERTY_DEPTH) })).toBeUndefined();
    expect(tooDeepProperty({ flat: 1, deep: nest(MAX_EVENT_PROPERTY_DEPTH + 1) })).toBe("deep");
    expect(tooDeepProperty({ deep: nest(200_000) })).toBe("deep");
  });
});

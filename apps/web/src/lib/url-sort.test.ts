import { describe, expect, it } from "vitest";
import { formatSort, parseSort } from "./url-sort";

const allowed = ["name", "lastUsed"];

describe("sort in the URL", () => {
  it("round-trips ascending and descending", () => {
    expect(parseSort("name", allowed)).toEqual([{ id: "name", desc: false }]);
    expect(parseSort("-lastUsed", allowed)).toEqual([{ id: "lastUsed", desc: true }]);
    expect(formatSort([{ id: "lastUsed", desc: true }])).toBe("-lastUsed");
    expect(formatSort([])).toBeUndefined();
  });

  it("ignores a column it does not know", () => {
    expect(parseSort("-secret", allowed)).toEqual([]);
    expect(parseSort(null, allowed)).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { withRetained } from "./retained-rows";

const row = (id: string) => ({ id });

describe("withRetained", () => {
  it("puts a row the list no longer has back where it was", () => {
    const retained = new Map([["b", { item: row("b"), index: 1 }]]);
    expect(withRetained([row("a"), row("c")], retained).map((r) => r.id)).toEqual(["a", "b", "c"]);
  });

  it("keeps the list's own copy when the row is still there", () => {
    const fresh = { id: "b", v: 2 };
    const retained = new Map([["b", { item: { id: "b", v: 1 }, index: 0 }]]);
    expect(withRetained([row("a") as typeof fresh, fresh], retained)).toEqual([row("a"), fresh]);
  });

  it("appends a row whose place is past the end", () => {
    const retained = new Map([["z", { item: row("z"), index: 9 }]]);
    expect(withRetained([row("a")], retained).map((r) => r.id)).toEqual(["a", "z"]);
  });
});

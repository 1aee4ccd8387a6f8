import { emptyOutcomeCounts, KEY_OUTCOMES, type KeyUsageSummary } from "@keyward/shared";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { RefusedBreakdown } from "./usage-cell";
import { OUTCOME_STYLE, refusedBreakdown } from "./usage-outcomes";

describe("OUTCOME_STYLE", () => {
  it("names and colours every outcome, each differently", () => {
    expect(Object.keys(OUTCOME_STYLE).sort()).toEqual([...KEY_OUTCOMES].sort());
    const labels = KEY_OUTCOMES.map((o) => OUTCOME_STYLE[o].label);
    const colors = KEY_OUTCOMES.map((o) => OUTCOME_STYLE[o].color.toLowerCase());
    expect(new Set(labels).size).toBe(KEY_OUTCOMES.length);
    expect(new Set(colors).size).toBe(KEY_OUTCOMES.length);
    for (const color of colors) expect(color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it("labels the restriction refusals plainly", () => {
    expect(OUTCOME_STYLE.origin_not_allowed.label).toBe("Origin not allowed");
    expect(OUTCOME_STYLE.ip_not_allowed.label).toBe("IP not allowed");
    expect(OUTCOME_STYLE.event_not_allowed.label).toBe("Event not allowed");
  });
});

describe("refusedBreakdown", () => {
  it("lists the refused outcomes that happened, most first, never valid", () => {
    const totals = {
      ...emptyOutcomeCounts(),
      valid: 40,
      ip_not_allowed: 1,
      origin_not_allowed: 5,
      event_not_allowed: 1,
    };
    expect(refusedBreakdown(totals).map((r) => [r.label, r.count])).toEqual([
      ["Origin not allowed", 5],
      ["IP not allowed", 1],
      ["Event not allowed", 1],
    ]);
    expect(refusedBreakdown({ ...emptyOutcomeCounts(), valid: 3 })).toEqual([]);
  });
});

const summary = (totals: Partial<KeyUsageSummary["totals"]>): KeyUsageSummary => {
  const all = { ...emptyOutcomeCounts(), ...totals };
  const total = KEY_OUTCOMES.reduce((sum, o) => sum + all[o], 0);
  return {
    keyId: "key_1",
    total,
    refused: total - all.valid,
    totals: all,
    points: [],
    last15Minutes: 0,
    lastHour: 0,
  };
};

describe("RefusedBreakdown", () => {
  it("says in text why requests were refused, beside each colour", () => {
    render(
      <RefusedBreakdown summary={summary({ valid: 2, origin_not_allowed: 3, rate_limited: 1 })} />,
    );
    const list = screen.getByRole("list", { name: "Refused by reason" });
    const items = within(list).getAllByRole("listitem");
    expect(items.map((item) => item.textContent)).toEqual([
      "Origin not allowed: 3",
      "Rate limited: 1",
    ]);
    const swatch = items[0]?.querySelector(".usage-cell__swatch") as HTMLElement;
    expect(swatch.getAttribute("aria-hidden")).toBe("true");
    expect(swatch.style.background).not.toBe("");
  });

  it("shows nothing when nothing was refused", () => {
    const { container } = render(<RefusedBreakdown summary={summary({ valid: 4 })} />);
    expect(container).toBeEmptyDOMElement();
  });
});

import { type KeyOutcome, type OutcomeCounts, REFUSED_OUTCOMES } from "@keyward/shared";

/**
 * How each outcome is named and drawn, in the chart, its legend, the table and the keys table:
 * the one place for them. Colours tell the stacked bars apart; the label always goes with one.
 */
export const OUTCOME_STYLE: Record<KeyOutcome, { label: string; color: string }> = {
  valid: { label: "Valid", color: "#4f46e5" },
  rate_limited: { label: "Rate limited", color: "#b45309" },
  disabled: { label: "Disabled", color: "#475569" },
  expired: { label: "Expired", color: "#b91c1c" },
  insufficient_permission: { label: "Missing permission", color: "#7e22ce" },
  origin_not_allowed: { label: "Origin not allowed", color: "#0e7490" },
  ip_not_allowed: { label: "IP not allowed", color: "#be185d" },
  event_not_allowed: { label: "Event not allowed", color: "#4d7c0f" },
};

/** The refused outcomes that happened, most first (ties in the usual order), with their labels. */
export function refusedBreakdown(
  totals: OutcomeCounts,
): { outcome: KeyOutcome; label: string; color: string; count: number }[] {
  return REFUSED_OUTCOMES.filter((outcome) => totals[outcome] > 0)
    .map((outcome) => ({ outcome, ...OUTCOME_STYLE[outcome], count: totals[outcome] }))
    .sort((a, b) => b.count - a.count);
}

import type { KeyOutcome } from "@keyward/shared";

/** How each outcome is named and drawn, in the chart, its legend and the table. */
export const OUTCOME_STYLE: Record<KeyOutcome, { label: string; color: string }> = {
  valid: { label: "Valid", color: "#4f46e5" },
  rate_limited: { label: "Rate limited", color: "#b45309" },
  disabled: { label: "Disabled", color: "#475569" },
  expired: { label: "Expired", color: "#b91c1c" },
  insufficient_permission: { label: "Missing permission", color: "#7e22ce" },
};

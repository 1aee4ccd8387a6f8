import type { KeyAnswer } from "@keyward/shared";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "medium" });

export function formatDateTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateOnly.format(new Date(iso));
}

/**
 * "5 minutes ago", "in 24 hours", "yesterday": rounded to the nearest unit, the unit chosen
 * after rounding (so 23 h 59 min is "in 24 hours", not "in 23 hours").
 */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  if (Math.abs(diff) < MINUTE) return diff <= 0 ? "just now" : "in less than a minute";
  const minutes = Math.round(diff / MINUTE);
  if (Math.abs(minutes) < 60) return relative.format(minutes, "minute");
  const hours = Math.round(diff / HOUR);
  if (Math.abs(hours) <= 24) return relative.format(hours, "hour");
  const days = Math.round(diff / DAY);
  if (Math.abs(days) < 60) return relative.format(days, "day");
  const months = Math.round(diff / (30 * DAY));
  if (Math.abs(months) < 12) return relative.format(months, "month");
  return relative.format(Math.round(diff / (365 * DAY)), "year");
}

export type KeyStatusKind = "active" | "expiring" | "expired" | "disabled";

export interface KeyStatus {
  kind: KeyStatusKind;
  label: string;
  detail?: string;
}

const EXPIRING_SOON = 7 * DAY;

/** Why the system disabled a key, as the table and dialog say it. */
export const DISABLED_REASONS: Record<NonNullable<KeyAnswer["disabledReason"]>, string> = {
  owner_removed: "owner removed",
};

const DISABLED_REASON_DETAILS: Record<NonNullable<KeyAnswer["disabledReason"]>, string> = {
  owner_removed:
    "Disabled automatically when its owner was removed from the organization. Anyone who may edit it can enable it again.",
};

export function keyStatus(
  key: Pick<KeyAnswer, "enabled" | "expiresAt"> & Partial<Pick<KeyAnswer, "disabledReason">>,
  now: number = Date.now(),
): KeyStatus {
  if (!key.enabled) {
    return key.disabledReason
      ? {
          kind: "disabled",
          label: `Disabled — ${DISABLED_REASONS[key.disabledReason]}`,
          detail: DISABLED_REASON_DETAILS[key.disabledReason],
        }
      : { kind: "disabled", label: "Disabled" };
  }
  if (key.expiresAt) {
    const at = new Date(key.expiresAt).getTime();
    if (at <= now)
      return {
        kind: "expired",
        label: "Expired",
        detail: `Expired ${formatDateTime(key.expiresAt)}`,
      };
    return {
      kind: at - now <= EXPIRING_SOON ? "expiring" : "active",
      label: `Expires ${formatRelative(key.expiresAt, now)}`,
      detail: `Expires ${formatDateTime(key.expiresAt)}`,
    };
  }
  return { kind: "active", label: "Active" };
}

export function keyHint(start: string): string {
  return `${start}…`;
}

export function permissionLabels(permissions: KeyAnswer["permissions"]): string[] {
  const labels: string[] = [];
  if (permissions.read) labels.push("Read");
  if (permissions.write) labels.push("Write");
  return labels;
}

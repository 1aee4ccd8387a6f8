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

/** "5 minutes ago", "in 3 days", "yesterday"; whole units, rounded toward zero. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  if (abs < MINUTE) return diff <= 0 ? "just now" : "in less than a minute";
  if (abs < HOUR) return relative.format(Math.trunc(diff / MINUTE), "minute");
  if (abs < DAY) return relative.format(Math.trunc(diff / HOUR), "hour");
  if (abs < 30 * DAY) return relative.format(Math.trunc(diff / DAY), "day");
  if (abs < 365 * DAY) return relative.format(Math.trunc(diff / (30 * DAY)), "month");
  return relative.format(Math.trunc(diff / (365 * DAY)), "year");
}

export type KeyStatusKind = "active" | "expiring" | "expired" | "disabled";

export interface KeyStatus {
  kind: KeyStatusKind;
  label: string;
  detail?: string;
}

const EXPIRING_SOON = 7 * DAY;

export function keyStatus(
  key: Pick<KeyAnswer, "enabled" | "expiresAt">,
  now: number = Date.now(),
): KeyStatus {
  if (!key.enabled) return { kind: "disabled", label: "Disabled" };
  if (key.expiresAt) {
    const at = new Date(key.expiresAt).getTime();
    if (at <= now)
      return { kind: "expired", label: "Expired", detail: formatDateTime(key.expiresAt) };
    return {
      kind: at - now <= EXPIRING_SOON ? "expiring" : "active",
      label: `Expires ${formatRelative(key.expiresAt, now)}`,
      detail: formatDateTime(key.expiresAt),
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

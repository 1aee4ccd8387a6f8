import { DAY_MS, lifetimeViolation, type MaxKeyLifetimeDays } from "@keyward/shared";
import { formatDate } from "@/lib/format";

export const EXPIRY_DAYS = [7, 30, 90, 365] as const;

/** The Expiration select: keep the key's date (edit), never, in N days, or a chosen day. */
export type ExpiryChoice = "keep" | "never" | "date" | `${(typeof EXPIRY_DAYS)[number]}`;

/** `yyyy-mm-dd` of a moment, in the browser's time zone (what `<input type="date">` uses). */
export function localDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The start (00:00, local time) of a `yyyy-mm-dd` day, or null if it is not a date. */
export function startOfLocalDay(date: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const day = new Date(y, m - 1, d);
  return day.getMonth() === m - 1 && day.getDate() === d ? day : null;
}

/** "Dec 27, 2026" for `2026-12-27`. */
export function formatLocalDate(date: string): string {
  const day = startOfLocalDay(date);
  return day ? formatDate(day.toISOString()) : date;
}

/**
 * The expiration choices an org's limit allows: no "never" under a limit, nothing longer, and
 * custom dates from tomorrow to the last day within the limit (a key expires at the start of
 * the chosen day, so that day is still within it).
 */
export function expiryOptions(
  mode: "create" | "edit",
  keyExpiresAt: string | null,
  maxDays: MaxKeyLifetimeDays | undefined,
  now = Date.now(),
) {
  const limit = maxDays ?? null;
  const days = EXPIRY_DAYS.filter((d) => limit === null || d <= limit);
  const choices: ExpiryChoice[] = [
    ...(mode === "edit" ? (["keep"] as const) : []),
    ...(limit === null && (mode === "create" || keyExpiresAt) ? (["never"] as const) : []),
    ...days.map((d) => `${d}` as const),
    "date",
  ];
  return {
    choices,
    days,
    defaultChoice: (mode === "edit"
      ? "keep"
      : limit === null
        ? "never"
        : `${limit}`) as ExpiryChoice,
    minDate: localDate(now + DAY_MS),
    maxDate: limit === null ? undefined : localDate(now + limit * DAY_MS),
  };
}

export type ExpiryOptions = ReturnType<typeof expiryOptions>;

/** `expiresAt` for a body: undefined leaves it as it is; "" is a date not chosen yet. */
export function expiresAtFor(
  expiry: ExpiryChoice,
  expiryDate: string,
  now = Date.now(),
): string | null | undefined {
  switch (expiry) {
    case "keep":
      return undefined;
    case "never":
      return null;
    case "date":
      return startOfLocalDay(expiryDate)?.toISOString() ?? "";
    default:
      return new Date(now + Number(expiry) * DAY_MS).toISOString();
  }
}

/**
 * The checks zod cannot make on `expiresAt`: a date was chosen, and it lies within the org's
 * maximum key lifetime (the server's rule, checked before sending).
 */
export function expiryError(
  expiresAt: string | null | undefined,
  maxDays: MaxKeyLifetimeDays | undefined,
  now = Date.now(),
): string | undefined {
  if (expiresAt === "") return "Choose a date.";
  if (expiresAt && lifetimeViolation(Date.parse(expiresAt), maxDays ?? null, now) === "too_late") {
    return `must be within ${maxDays} days: this organization limits key lifetime`;
  }
  return undefined;
}

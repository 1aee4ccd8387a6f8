// An org's maximum key lifetime, one rule for the API (which enforces it) and the web app (which
// offers only what it allows and checks before sending).

export const DAY_MS = 86_400_000;

/** The latest expiry (epoch ms) the limit allows for a key made at `now`; null without a limit. */
export function lifetimeEnd(maxDays: number | null, now: number): number | null {
  return maxDays === null ? null : now + maxDays * DAY_MS;
}

/**
 * How `expiresAt` (epoch ms, or null for "never") breaks the limit: `required` when the org has
 * a limit and the key would never expire, `too_late` when it expires after the limit's end.
 */
export function lifetimeViolation(
  expiresAt: number | null,
  maxDays: number | null,
  now: number,
): "required" | "too_late" | undefined {
  const end = lifetimeEnd(maxDays, now);
  if (end === null) return undefined;
  if (expiresAt === null) return "required";
  return expiresAt > end ? "too_late" : undefined;
}

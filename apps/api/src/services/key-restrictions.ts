import {
  isRestricted,
  type KeyRestrictions,
  type KeyRestrictionsInput,
  mergeRestrictions,
  NO_RESTRICTIONS,
} from "@keyward/shared";
import { ApiError } from "../http/api-error.js";

/** The `ApiKey.restrictions` column (JSON, null for none) as the contract's restrictions. */
export function readRestrictions(stored: string | null): KeyRestrictions {
  if (stored === null) return NO_RESTRICTIONS;
  return { ...NO_RESTRICTIONS, ...(JSON.parse(stored) as Partial<KeyRestrictions>) };
}

export function storeRestrictions(restrictions: KeyRestrictions): string | null {
  return isRestricted(restrictions) ? JSON.stringify(restrictions) : null;
}

/**
 * The restrictions a create or update leaves on a key, checked against the key and its org:
 * event names only for keys that write, and never a rate set above the org's.
 */
export function nextRestrictions(
  current: KeyRestrictions,
  input: KeyRestrictionsInput | null | undefined,
  key: { canWrite: boolean },
  orgRateLimitPerSecond: number,
): KeyRestrictions {
  const next = mergeRestrictions(current, input);
  if (next.allowedEventNames.length > 0 && !key.canWrite) {
    throw ApiError.invalid(
      "restrictions.allowedEventNames",
      "applies to keys with the write permission only",
    );
  }
  // Checked when set: a key set below an org limit lowered since still answers at the lower one.
  const rate = input?.rateLimitPerSecond;
  if (rate != null && rate > orgRateLimitPerSecond) {
    throw ApiError.invalid(
      "restrictions.rateLimitPerSecond",
      `must be at most the org's limit of ${orgRateLimitPerSecond} per second`,
    );
  }
  return next;
}

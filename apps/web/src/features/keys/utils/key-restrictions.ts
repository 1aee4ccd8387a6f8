import {
  type KeyAnswer,
  type KeyRestrictions,
  type KeyRestrictionsBody,
  keyRestrictionsBodySchema,
  NO_RESTRICTIONS,
} from "@keyward/shared";
import type { FieldErrors } from "@/lib/form-errors";

/** The Restrictions section's inputs: one entry per line for the lists. */
export interface RestrictionValues {
  allowedOrigins: string;
  allowedIps: string;
  allowedEventNames: string;
  rateLimitPerSecond: string;
}

export function restrictionValues(key?: KeyAnswer): RestrictionValues {
  const r = key?.restrictions ?? NO_RESTRICTIONS;
  return {
    allowedOrigins: r.allowedOrigins.join("\n"),
    allowedIps: r.allowedIps.join("\n"),
    allowedEventNames: r.allowedEventNames.join("\n"),
    rateLimitPerSecond: r.rateLimitPerSecond === null ? "" : String(r.rateLimitPerSecond),
  };
}

const entries = (text: string) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line !== "");

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((item, i) => item === b[i]);

/**
 * The `restrictions` of a create (what is set) or an update (what changed from `key`); undefined
 * when there is nothing to send. The rate is sent as typed, so a bad one reaches validation.
 */
export function restrictionsBody(
  values: RestrictionValues,
  key?: KeyAnswer,
): KeyRestrictionsBody | undefined {
  const before: KeyRestrictions = key?.restrictions ?? NO_RESTRICTIONS;
  const body: KeyRestrictionsBody = {};
  for (const field of ["allowedOrigins", "allowedIps", "allowedEventNames"] as const) {
    const list = entries(values[field]);
    if (!sameList(list, before[field])) body[field] = list;
  }
  const rateText = values.rateLimitPerSecond.trim();
  const rate = rateText === "" ? null : Number(rateText);
  if (rate !== before.rateLimitPerSecond) body.rateLimitPerSecond = rate;
  return Object.keys(body).length > 0 ? body : undefined;
}

/** Client-side checks with the server's schema, keyed `restrictions.<field>[.<index>]`. */
export function restrictionErrors(body: KeyRestrictionsBody | undefined): FieldErrors {
  const errors: FieldErrors = {};
  if (!body) return errors;
  const parsed = keyRestrictionsBodySchema.safeParse(body);
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) {
    errors[["restrictions", ...issue.path].join(".")] ??= issue.message;
  }
  return errors;
}

export function hasRestrictionError(errors: FieldErrors): boolean {
  return Object.keys(errors).some((field) => field.startsWith("restrictions"));
}

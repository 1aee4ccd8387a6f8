import { z } from "zod";
import { dateTimeSchema } from "./date-time.js";

// ---- Session API: key usage ----

/**
 * How a `/v1` request made with an existing key ended, as the usage counters count it: admitted
 * (`valid`), or refused, with the refusal's error code (`disabled` for `disabled_key`, `expired`
 * for `expired_key`); `rate_limited` at the org's rate or the key's own.
 */
export const KEY_OUTCOMES = [
  "valid",
  "rate_limited",
  "disabled",
  "expired",
  "insufficient_permission",
  "origin_not_allowed",
  "ip_not_allowed",
  "event_not_allowed",
] as const;
export type KeyOutcome = (typeof KEY_OUTCOMES)[number];
export type RefusedOutcome = Exclude<KeyOutcome, "valid">;
export const REFUSED_OUTCOMES = KEY_OUTCOMES.filter((o): o is RefusedOutcome => o !== "valid");

export const KEY_USAGE_INTERVALS = ["minute", "hour", "day"] as const;
export type KeyUsageInterval = (typeof KEY_USAGE_INTERVALS)[number];

/** Minute buckets are kept this long, hour buckets (which also answer `day`) longer. */
export const KEY_USAGE_MINUTE_RETENTION_HOURS = 48;
export const KEY_USAGE_HOUR_RETENTION_DAYS = 90;
export const MAX_KEY_USAGE_POINTS = 10_000;

export const keyUsageQuerySchema = z.strictObject({
  from: dateTimeSchema.optional().meta({ description: "Inclusive; default 24 hours before `to`." }),
  to: dateTimeSchema.optional().meta({ description: "Exclusive; default now." }),
  interval: z.enum(KEY_USAGE_INTERVALS).default("hour"),
});
export type KeyUsageQuery = z.input<typeof keyUsageQuerySchema>;

const count = z.number().int().min(0);
export const outcomeCountsSchema = z
  .object({
    valid: count,
    rate_limited: count,
    disabled: count,
    expired: count,
    insufficient_permission: count,
    origin_not_allowed: count.meta({
      description: "Refused: a browser origin not among the key's allowed origins.",
    }),
    ip_not_allowed: count.meta({
      description: "Refused: a client address not among the key's allowed addresses.",
    }),
    event_not_allowed: count.meta({
      description: "Refused: a batch holding an event name the key may not send.",
    }),
  })
  .meta({ id: "KeyOutcomeCounts" });
export type OutcomeCounts = z.infer<typeof outcomeCountsSchema>;

export const keyUsagePointSchema = outcomeCountsSchema
  .extend({
    t: z
      .string()
      .meta({ description: "Bucket start, ISO 8601, UTC.", example: "2026-01-31T12:00:00.000Z" }),
  })
  .meta({ id: "KeyUsagePoint" });
export type KeyUsagePoint = z.infer<typeof keyUsagePointSchema>;

export const keyUsageAnswerSchema = z
  .object({
    keyId: z.string(),
    interval: z.enum(KEY_USAGE_INTERVALS),
    points: z.array(keyUsagePointSchema),
    totals: outcomeCountsSchema,
  })
  .meta({
    id: "KeyUsage",
    description:
      "Requests made with the key per bucket and outcome, oldest first; empty buckets are omitted. Each request is counted once, by how it ended: `valid` when the key admitted it (whatever the handler then answered), else its refusal (a batch refused for an event name is `event_not_allowed`, not also `valid`; `rate_limited` is the org's rate or the key's own). Minute buckets are kept 48 hours, hour (and day) buckets 90 days.",
  });
export type KeyUsageAnswer = z.infer<typeof keyUsageAnswerSchema>;

/** At most one page of the keys list. */
export const MAX_KEY_USAGE_SUMMARY_IDS = 100;

export const keyUsageSummaryQuerySchema = z.strictObject({
  ids: z
    .string()
    .max(MAX_KEY_USAGE_SUMMARY_IDS * 64)
    .transform((s) => [...new Set(s.split(",").filter((id) => id !== ""))])
    .refine((ids) => ids.length >= 1, { message: "must name at least one key" })
    .refine((ids) => ids.length <= MAX_KEY_USAGE_SUMMARY_IDS, {
      message: `must name at most ${MAX_KEY_USAGE_SUMMARY_IDS} keys`,
    })
    .meta({ description: "Comma-separated key ids, e.g. the ids of one page of the keys list." }),
});

export const keyUsageSummarySchema = z
  .object({
    keyId: z.string(),
    /** All requests in the last 24 h; `refused` of them were refused. */
    total: count,
    refused: count,
    /** The same requests by outcome (they add up to `total`). */
    totals: outcomeCountsSchema,
    /** Hourly, last 24 h, oldest first, empty hours omitted. */
    points: z.array(z.object({ t: z.string(), total: count, refused: count })),
    last15Minutes: count,
    lastHour: count,
  })
  .meta({ id: "KeyUsageSummary" });
export type KeyUsageSummary = z.infer<typeof keyUsageSummarySchema>;

export const keyUsageSummariesAnswerSchema = z
  .object({ items: z.array(keyUsageSummarySchema) })
  .meta({
    id: "KeyUsageSummaries",
    description:
      "The last 24 hours of each named key the caller can see (keys they cannot see, or that do not exist, are left out).",
  });
export type KeyUsageSummariesAnswer = z.infer<typeof keyUsageSummariesAnswerSchema>;

export function emptyOutcomeCounts(): OutcomeCounts {
  return {
    valid: 0,
    rate_limited: 0,
    disabled: 0,
    expired: 0,
    insufficient_permission: 0,
    origin_not_allowed: 0,
    ip_not_allowed: 0,
    event_not_allowed: 0,
  };
}

import { z } from "zod";
import { dateTimeSchema } from "./date-time.js";
import { hasNul, isEventNameLength, MAX_EVENT_NAME_LENGTH } from "./event-name.js";
import { keyRestrictionsSchema } from "./key-restrictions.js";

export { hasNul, isEventName, isEventNameLength, MAX_EVENT_NAME_LENGTH } from "./event-name.js";

// ---- Public API (machines), under /v1 ----

/** The header machines send their key in (as Aggregations.io clients do); `Authorization: Bearer` also works. */
export const API_KEY_HEADER = "x-api-token";

export const MAX_INGEST_BODY_BYTES = 1_048_576;
export const MAX_EVENTS_PER_BATCH = 10_000;

export const METRIC_INTERVALS = ["minute", "hour", "day"] as const;
export type MetricInterval = (typeof METRIC_INTERVALS)[number];

export const eventNameSchema = z
  .string()
  .refine(isEventNameLength, { message: `must be 1–${MAX_EVENT_NAME_LENGTH} characters` })
  .refine((s) => !hasNul(s), { message: "must not contain NUL characters" })
  .meta({ description: "1–200 characters (Unicode code points).", example: "page_view" });

/** How deep an event's property may nest (`{"a":{"b":1}}` is 2): deeper ones are refused by name. */
export const MAX_EVENT_PROPERTY_DEPTH = 64;
export const TOO_DEEP_MESSAGE = `must be nested at most ${MAX_EVENT_PROPERTY_DEPTH} levels deep`;

/**
 * The first top-level property of an event nested deeper than `maxDepth`, found without
 * recursion (a deep value must not exhaust the stack before it is refused).
 */
export function tooDeepProperty(
  event: Record<string, unknown>,
  maxDepth = MAX_EVENT_PROPERTY_DEPTH,
): string | undefined {
  for (const field in event) {
    const top = event[field];
    if (top === null || typeof top !== "object") continue;
    const values: unknown[] = [top];
    const depths: number[] = [1];
    while (values.length > 0) {
      const value = values.pop() as object;
      const depth = depths.pop() as number;
      if (depth > maxDepth) return field;
      for (const child of Object.values(value)) {
        if (child !== null && typeof child === "object") {
          values.push(child);
          depths.push(depth + 1);
        }
      }
    }
  }
  return undefined;
}

export const ingestEventSchema = z
  .looseObject({
    eventName: eventNameSchema,
    eventTimestamp: dateTimeSchema
      .optional()
      .meta({ description: "When the event happened; defaults to when it was received." }),
  })
  .check((ctx) => {
    const field = tooDeepProperty(ctx.value);
    if (field === undefined) return;
    ctx.issues.push({
      code: "custom",
      input: ctx.value[field],
      path: [field],
      message: TOO_DEEP_MESSAGE,
    });
  })
  .meta({
    id: "Event",
    description:
      "An event: its name, optional timestamp, and any other properties (nested at most 64 levels), stored with it.",
    example: { eventName: "page_view", eventTimestamp: "2026-01-31T12:00:00Z", path: "/pricing" },
  });
export type IngestEvent = z.infer<typeof ingestEventSchema>;

const eventListSchema = z.array(ingestEventSchema).max(MAX_EVENTS_PER_BATCH);

export const ingestBodySchema = z
  .union([eventListSchema, z.strictObject({ events: eventListSchema })])
  .meta({
    id: "EventBatch",
    description:
      "A JSON array of events, or `{events:[…]}`; at most 10,000 events and 1 MB. A batch with any bad event is rejected whole.",
  });

export const ingestAnswerSchema = z
  .object({ accepted: z.number().int().min(0) })
  .meta({ id: "IngestAnswer", description: "Every event of the batch is stored durably." });
export type IngestAnswer = z.infer<typeof ingestAnswerSchema>;

export const metricsQuerySchema = z.strictObject({
  eventName: eventNameSchema,
  from: dateTimeSchema.optional().meta({ description: "Inclusive; default 24 hours before `to`." }),
  to: dateTimeSchema.optional().meta({ description: "Exclusive; default now." }),
  interval: z.enum(METRIC_INTERVALS).default("hour"),
});
export type MetricsQuery = z.input<typeof metricsQuerySchema>;

export const metricPointSchema = z
  .object({
    t: z
      .string()
      .meta({ description: "Bucket start, ISO 8601, UTC.", example: "2026-01-31T12:00:00.000Z" }),
    count: z.number().int().min(1),
  })
  .meta({ id: "MetricPoint" });

export const metricsAnswerSchema = z
  .object({
    eventName: z.string(),
    interval: z.enum(METRIC_INTERVALS),
    points: z.array(metricPointSchema),
  })
  .meta({
    id: "MetricsAnswer",
    description: "Counts of accepted events per bucket, oldest first; empty buckets are omitted.",
  });
export type MetricsAnswer = z.infer<typeof metricsAnswerSchema>;

export const keyInfoAnswerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    orgId: z.string(),
    orgWide: z.boolean(),
    permissions: z.object({ read: z.boolean(), write: z.boolean() }),
    expiresAt: z.string().nullable(),
    restrictions: keyRestrictionsSchema,
  })
  .meta({ id: "KeyInfo", description: "What the calling key is and may do." });
export type KeyInfoAnswer = z.infer<typeof keyInfoAnswerSchema>;

import { metricsQuerySchema } from "@keyward/shared";
import type { RequestHandler } from "express";
import { ApiError } from "../http/api-error.js";
import type { JsonAnswer } from "../http/json-answer.js";
import { bucketStart, INTERVAL_MS, type IngestStore } from "../ingest/ingest-store.js";
import { verifiedKey } from "./verify-key.js";

const DAY_MS = 86_400_000;
/** Enough for 31 days of minutes; finer or longer asks are a 400, not a slow answer. */
export const MAX_METRIC_POINTS = 50_000;

// GET /v1/metrics — counts of an event per minute/hour/day bucket, for the key's org
export function getMetrics(
  store: Pick<IngestStore, "metricPointsJson">,
  answer: JsonAnswer,
): RequestHandler {
  return async (req, res) => {
    const key = verifiedKey(req);
    const query = metricsQuerySchema.parse(req.query);
    const to = query.to ? Date.parse(query.to) : Date.now();
    const from = query.from ? Date.parse(query.from) : to - DAY_MS;
    if (Number.isNaN(from)) throw ApiError.invalid("from", "is not a valid date-time");
    if (Number.isNaN(to)) throw ApiError.invalid("to", "is not a valid date-time");
    if (from >= to) throw ApiError.invalid("from", "must be before to");
    if ((to - from) / INTERVAL_MS[query.interval] > MAX_METRIC_POINTS) {
      throw ApiError.invalid(
        "from",
        `the range spans more than ${MAX_METRIC_POINTS} ${query.interval} buckets; use a coarser interval`,
      );
    }
    // Counts are kept per bucket: every bucket overlapping [from, to) is answered whole.
    const points = await store.metricPointsJson({
      orgId: key.orgId,
      eventName: query.eventName,
      interval: query.interval,
      from: bucketStart(from, query.interval),
      to,
    });
    // A MetricsAnswer, spliced as text, in pieces: a month of minutes is 44,640 points.
    // Sent as is (jsonAnswer): res.send() would also hash it for an ETag.
    const head = JSON.stringify({ eventName: query.eventName, interval: query.interval });
    answer(req, res, [`${head.slice(0, -1)},"points":`, ...points, "}"]);
  };
}

import {
  dateTimeSchema,
  type IngestAnswer,
  type IngestEvent,
  ingestEventSchema,
  isEventName,
  MAX_EVENTS_PER_BATCH,
  TOO_DEEP_MESSAGE,
  tooDeepProperty,
} from "@keyward/shared";
import type { RequestHandler } from "express";
import { ApiError } from "../http/api-error.js";
import { zodIssues } from "../http/error-handler.js";
import type { JsonAnswer } from "../http/json-answer.js";
import type { IngestStore, StoredEvent } from "../ingest/ingest-store.js";
import type { VerifiedKey } from "../key-verification/key-verifier.js";
import {
  assertEventsAllowed,
  type OutcomeCounter,
  type Reverify,
  verifiedKey,
} from "./verify-key.js";

const BATCH_SHAPE = "must be a JSON array of events or {events:[…]}";

function eventList(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === "object") {
    const { events, ...rest } = body as { events?: unknown };
    if (Array.isArray(events) && Object.keys(rest).length === 0) return events;
  }
  throw ApiError.invalid("body", BATCH_SHAPE);
}

function badEvent(index: number, field: string, message: string): ApiError {
  return new ApiError("invalid_request", `events[${index}].${field}: ${message}`, { index, field });
}

/**
 * The common case, checked without building zod's result: an object with a valid name and, if
 * any, a valid timestamp. Whatever it does not vouch for goes through the schema itself.
 */
function isPlainValidEvent(value: unknown): value is IngestEvent {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { eventName, eventTimestamp } = value as Record<string, unknown>;
  if (typeof eventName !== "string" || !isEventName(eventName)) return false;
  return (
    eventTimestamp === undefined ||
    (typeof eventTimestamp === "string" && dateTimeSchema.safeParse(eventTimestamp).success)
  );
}

/**
 * Validates a whole batch before anything is stored; the first bad event fails it with
 * `details: {index, field}`.
 */
export function parseEventBatch(body: unknown, receivedAt: number): StoredEvent[] {
  const list = eventList(body);
  if (list.length > MAX_EVENTS_PER_BATCH) {
    throw ApiError.invalid("events", `must hold at most ${MAX_EVENTS_PER_BATCH} events`);
  }
  const events: StoredEvent[] = new Array(list.length);
  for (let index = 0; index < list.length; index++) {
    let event = list[index];
    // Before anything recursive (zod, JSON.stringify) walks it.
    if (typeof event === "object" && event !== null && !Array.isArray(event)) {
      const deep = tooDeepProperty(event as Record<string, unknown>);
      if (deep !== undefined) throw badEvent(index, deep, TOO_DEEP_MESSAGE);
    }
    if (!isPlainValidEvent(event)) {
      const parsed = ingestEventSchema.safeParse(event);
      if (!parsed.success) {
        const issue = zodIssues(parsed.error)[0];
        const field = issue && issue.field !== "body" ? issue.field : "event";
        throw badEvent(
          index,
          field,
          field === "event" ? "must be an object" : (issue?.message ?? "is invalid"),
        );
      }
      event = parsed.data;
    }
    const { eventName, eventTimestamp, ...properties } = event as IngestEvent;
    let at = receivedAt;
    if (eventTimestamp !== undefined) {
      at = Date.parse(eventTimestamp);
      if (Number.isNaN(at)) throw badEvent(index, "eventTimestamp", "is not a valid date-time");
    }
    events[index] = { name: eventName, at, properties: JSON.stringify(properties) };
  }
  return events;
}

// POST /v1/events — store a batch of events (and their metric roll-ups) durably
/**
 * The body parser, then the handler. Each request admitted by the key gates (which leave `valid` to
 * this route) is counted here once: `event_not_allowed` when a name is refused, else `valid`,
 * whatever the answer (a body that does not parse, a key changed while it arrived, a failed write).
 */
export function ingestEvents(
  body: RequestHandler,
  store: Pick<IngestStore, "append">,
  reverify: Reverify,
  outcomes: OutcomeCounter,
  answer: JsonAnswer,
): [RequestHandler, RequestHandler] {
  // A body that never parses (not JSON, too large, aborted) never reaches `ingest`.
  const parse: RequestHandler = (req, res, next) =>
    body(req, res, (err?: unknown) => {
      if (err) outcomes.count(verifiedKey(req), "valid");
      next(err);
    });
  const ingest: RequestHandler = async (req, res) => {
    const receivedAt = Date.now();
    let events: StoredEvent[];
    let key: VerifiedKey;
    try {
      events = parseEventBatch(req.body, receivedAt);
      // The key was checked on the headers; the body may have taken long enough for it to change.
      key = await reverify(req);
    } catch (err) {
      outcomes.count(verifiedKey(req), "valid");
      throw err;
    }
    assertEventsAllowed(key, events, outcomes);
    outcomes.count(key, "valid");
    const accepted = events.length;
    if (accepted > 0) {
      const stored = store.append({ orgId: key.orgId, keyId: key.id, receivedAt, events });
      // Nothing of the body is needed while the commit is awaited: let it die young.
      events = [];
      req.body = undefined;
      await stored;
    }
    const body: IngestAnswer = { accepted };
    answer(req, res, JSON.stringify(body));
  };
  return [parse, ingest];
}

import { z } from "zod";

/** The earliest and latest instants both databases store: years 0001–9999, in UTC. */
export const MIN_STORABLE_TIME = Date.parse("0001-01-01T00:00:00.000Z");
export const MAX_STORABLE_TIME = Date.parse("9999-12-31T23:59:59.999Z");

export function isStorableTime(ms: number): boolean {
  return ms >= MIN_STORABLE_TIME && ms <= MAX_STORABLE_TIME;
}

/**
 * An ISO 8601 date-time with a time zone, within years 0001–9999 once the offset is applied
 * (`0001-01-01T00:30:00+01:00` is year 0000 in UTC): the one rule for every date-time the API takes.
 */
export const dateTimeSchema = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time with a time zone" })
  .refine((s) => isStorableTime(Date.parse(s)), {
    message: "must be between years 0001 and 9999 (UTC)",
  })
  .meta({ example: "2026-01-31T12:00:00Z" });

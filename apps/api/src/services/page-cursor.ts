import type { Page } from "@keyward/shared";
import { ApiError } from "../http/api-error.js";

/** Where a page ends in a newest-first list ordered by (time desc, id desc). */
export interface CursorPosition {
  time: Date;
  id: string;
}

/** An opaque cursor: base64url of `{[timeField]: ISO time, id}`. */
export function encodeCursor(timeField: string, position: CursorPosition): string {
  const json = JSON.stringify({ [timeField]: position.time.toISOString(), id: position.id });
  return Buffer.from(json, "utf8").toString("base64url");
}

/** Any cursor this API did not hand out is a 400 naming `cursor`. */
export function decodeCursor(timeField: string, cursor: string): CursorPosition {
  const invalid = ApiError.invalid("cursor", "is not a cursor from a previous page");
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== "object" || parsed === null) throw invalid;
  const { [timeField]: time, id } = parsed as Record<string, unknown>;
  if (typeof time !== "string" || typeof id !== "string" || id.length === 0 || id.length > 100) {
    throw invalid;
  }
  // Four-digit years only: a cursor we handed out never holds another, and PostgreSQL's
  // timestamps end where JavaScript's do not (a year of ±100,000 was a 500 there).
  if (!/^\d{4}-/.test(time)) throw invalid;
  const date = new Date(time);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== time) throw invalid;
  return { time: date, id };
}

/** Cuts a `limit + 1` fetch into a page, with the cursor of its last row when more follow. */
export function toPage<Row extends { id: string }, Item>(
  rows: Row[],
  limit: number,
  timeField: string,
  timeOf: (row: Row) => Date,
  present: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(timeField, { time: timeOf(last), id: last.id })
      : null;
  return { items: pageRows.map(present), nextCursor };
}

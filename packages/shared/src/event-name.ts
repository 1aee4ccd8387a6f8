export const MAX_EVENT_NAME_LENGTH = 200;

/** 1–200 Unicode code points; a UTF-16 length check first spares most strings the count. */
export function isEventNameLength(s: string): boolean {
  if (s.length === 0 || s.length > MAX_EVENT_NAME_LENGTH * 2) return false;
  if (s.length <= MAX_EVENT_NAME_LENGTH) return true;
  return [...s].length <= MAX_EVENT_NAME_LENGTH;
}

/** No database keeps a NUL character in text (PostgreSQL refuses it outright). */
export function hasNul(s: string): boolean {
  return s.includes("\u0000");
}

/** A valid event name: 1–200 code points, no NUL. */
export function isEventName(s: string): boolean {
  return isEventNameLength(s) && !hasNul(s);
}

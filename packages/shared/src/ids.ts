import { randomBytes } from "node:crypto";

export type IdPrefix = "usr" | "org" | "key" | "inv" | "ses" | "aud" | "evt" | "lf" | "req";

/** A prefixed id (`key_…`): a millisecond timestamp then randomness, so ids sort by creation. */
export function newId(prefix: IdPrefix): string {
  const time = Date.now().toString(36).padStart(9, "0");
  const random = randomBytes(10).toString("base64url").replace(/[-_]/g, "x");
  return `${prefix}_${time}${random}`;
}

/** An opaque token (sessions, invites): 256 random bits. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

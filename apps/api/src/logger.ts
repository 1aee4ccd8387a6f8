import { type Logger, pino } from "pino";

export type { Logger };

/** Paths that could ever carry a secret; pino replaces them before a line is written. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-token"]',
  'res.headers["set-cookie"]',
  "password",
  "secret",
  "token",
  "*.password",
  "*.secret",
  "*.token",
];

/** Anything shaped like an API key (`kw_…`), wherever a careless client put it. */
const KEY_LIKE = /kw_[0-9A-Za-z]{8,}/g;

function redactText(text: string): string {
  return text.replace(KEY_LIKE, "kw_[redacted]");
}

/**
 * Invite links carry their token in the path (`/invites/<token>`, `/api/invites/<token>/accept`);
 * a key sent in the query string (refused, but still requested) must not be logged either.
 */
export function redactUrlSecrets<T extends { url?: string; query?: unknown }>(req: T): T {
  if (typeof req.url !== "string") return req;
  const url = redactText(req.url.replace(/(\/invites\/)[^/?#]+/, "$1[redacted]"));
  const query =
    req.query && typeof req.query === "object"
      ? JSON.parse(redactText(JSON.stringify(req.query)))
      : req.query;
  return { ...req, url, query };
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

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

/** Invite links carry their token in the path (`/invites/<token>`, `/api/invites/<token>/accept`). */
export function redactUrlSecrets<T extends { url?: string }>(req: T): T {
  if (typeof req.url !== "string") return req;
  return { ...req, url: req.url.replace(/(\/invites\/)[^/?#]+/, "$1[redacted]") };
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

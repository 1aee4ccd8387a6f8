import { pino, type Logger } from "pino";

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

export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } };
  return destination ? pino(options, destination) : pino(options);
}

import { type Logger, pino } from "pino";

export type { Logger };

/**
 * Log lines are built from allow-listed fields (`http/request-log.ts`, `http/error-handler.ts`):
 * nothing logs a request's headers, query, body or an error object that may carry them.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level };
  return destination ? pino(options, destination) : pino(options);
}

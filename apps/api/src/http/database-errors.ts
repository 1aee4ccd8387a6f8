import { ApiError } from "./api-error.js";
import { databaseUnavailableReason, type UnavailableReason } from "./database-failures.js";

const MESSAGES: Record<UnavailableReason, string> = {
  database_unreachable: "the database is unreachable; try again shortly",
  database_busy: "the database is busy (locked or timed out); try again shortly",
  database_read_only: "the database is read-only: changes cannot be saved right now",
  database_full: "the database is out of space: changes cannot be saved right now",
};

const RETRY_AFTER_SECONDS: Record<UnavailableReason, number> = {
  database_unreachable: 2,
  database_busy: 1,
  database_read_only: 30,
  database_full: 30,
};

/** 503 `unavailable` naming the problem, or undefined when the error is not about availability. */
export function databaseUnavailableError(err: unknown): ApiError | undefined {
  const reason = databaseUnavailableReason(err);
  if (!reason) return undefined;
  const retryAfter = RETRY_AFTER_SECONDS[reason];
  return new ApiError(
    "unavailable",
    MESSAGES[reason],
    { reason, retryAfterSeconds: retryAfter },
    {
      "Retry-After": String(retryAfter),
    },
  );
}

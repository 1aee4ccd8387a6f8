import { ERROR_STATUS, type ErrorCode, type FieldIssue } from "@keyward/shared";

/**
 * An answer the client gets (4xx, or 503 for an outage), not a bug: it carries no stack trace,
 * which is never logged for it and would cost every refused `/v1` request (a 401 or 429 flood) the
 * stack walk and its garbage.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldIssue[] | Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = stackTraceLimit;
    this.status = ERROR_STATUS[code];
  }

  static notFound(what = "resource"): ApiError {
    return new ApiError("not_found", `${what} not found`);
  }

  /** `reason`, when given, is machine-readable (`details.reason`), as on a key's `cannotEditReason`. */
  static forbidden(
    message = "you are not allowed to do this",
    details?: { reason: string },
  ): ApiError {
    return new ApiError("forbidden", message, details);
  }

  static invalid(field: string, message: string): ApiError {
    return new ApiError("invalid_request", `${field}: ${message}`, [{ field, message }]);
  }

  static conflict(message: string): ApiError {
    return new ApiError("conflict", message);
  }

  static unauthenticated(message = "sign in first"): ApiError {
    return new ApiError("unauthenticated", message);
  }
}

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  missing_key: 401,
  invalid_key: 401,
  disabled_key: 401,
  expired_key: 401,
  forbidden: 403,
  insufficient_permission: 403,
  origin_not_allowed: 403,
  ip_not_allowed: 403,
  event_not_allowed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A field-level problem: `path` is the dotted field name ("permissions", "events.3.eventName"). */
export interface FieldIssue {
  field: string;
  message: string;
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    details?: FieldIssue[] | Record<string, unknown>;
  };
}

export const CSRF_HEADER = "x-requested-with";
export const CSRF_HEADER_VALUE = "keyward";

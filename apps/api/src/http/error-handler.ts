import type { ErrorBody, FieldIssue } from "@keyward/shared";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { ZodError } from "zod";
import type { Logger } from "../logger.js";
import { ApiError } from "./api-error.js";
import { databaseUnavailableError } from "./database-errors.js";
import { requestLogFields } from "./request-log.js";
import { setSecurityHeaders } from "./security-headers.js";

export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join(".") : "body";
    // The message says what is wrong (shared's fieldMessage words zod's issues).
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown field(s): ${issue.keys.join(", ")}`
        : issue.message;
    return { field: issue.code === "unrecognized_keys" ? issue.keys.join(",") : field, message };
  });
}

function toApiError(err: unknown): ApiError | undefined {
  if (err instanceof ApiError) return err;
  if (err instanceof ZodError) {
    const details = zodIssues(err);
    const summary = details.map((d) => `${d.field}: ${d.message}`).join("; ");
    return new ApiError("invalid_request", summary, details);
  }
  const httpError = err as { type?: string; status?: number } | null;
  switch (httpError?.type) {
    case "entity.parse.failed":
      return ApiError.invalid("body", "is not valid JSON");
    case "entity.too.large":
      return new ApiError("payload_too_large", "the request body is larger than allowed");
    case "encoding.unsupported":
    case "charset.unsupported":
      return ApiError.invalid("body", "has an unsupported encoding");
    case "request.aborted":
      return ApiError.invalid("body", "was aborted");
  }
  if (typeof httpError?.status === "number" && httpError.status >= 400 && httpError.status < 500) {
    return ApiError.invalid("request", "is malformed");
  }
  return databaseUnavailableError(err);
}

/**
 * What of an unexpected error may be logged: its class, code and stack frames. Not its message
 * or properties: those can quote the request (a parser's input, a query's arguments).
 */
export function loggableError(err: unknown): { type: string; code?: string; frames?: string[] } {
  if (!(err instanceof Error)) return { type: typeof err };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    ...(typeof code === "string" || typeof code === "number" ? { code: String(code) } : {}),
    frames: err.stack
      ?.split("\n")
      .filter((line) => line.startsWith("    at "))
      .map((line) => line.trim()),
  };
}

const V1_PATH = /^\/v1\//i;

/**
 * The one error answer. `security`: the security headers (`securityHeaders().flat`), set here
 * because the hot paths answer before helmet runs; with them the request id and, on `/v1`,
 * `Vary: Origin` and the key's CORS grant.
 */
export function errorHandler(
  logger: Logger,
  security: readonly string[] = [],
): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = req.requestId ?? "";
    setSecurityHeaders(res, security);
    if (requestId) res.setHeader("x-request-id", requestId);
    if (V1_PATH.test(req.originalUrl)) {
      res.setHeader("Vary", "Origin");
      if (req.corsOrigin !== undefined)
        res.setHeader("Access-Control-Allow-Origin", req.corsOrigin);
    }
    const apiError = toApiError(err);
    if (!apiError) {
      logger.error({ ...requestLogFields(req), error: loggableError(err) }, "unhandled error");
    } else if (apiError.code === "unavailable") {
      // An outage, not a bug: one line per request, without the stack.
      logger.warn({ ...requestLogFields(req), details: apiError.details }, apiError.message);
    }
    const known = apiError ?? new ApiError("internal", "something went wrong on our side");
    for (const [name, value] of Object.entries(known.headers ?? {})) res.setHeader(name, value);
    const body: ErrorBody = {
      error: {
        code: known.code,
        message: known.message,
        requestId,
        ...(known.details ? { details: known.details } : {}),
      },
    };
    res.status(known.status).json(body);
  };
}

export const notFoundHandler: RequestHandler = () => {
  throw ApiError.notFound("route");
};

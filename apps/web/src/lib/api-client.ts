import { CSRF_HEADER_VALUE, type ErrorBody, type FieldIssue } from "@keyward/shared";
import { FORBIDDEN_NOW, SESSION_ENDED } from "./capability-reasons";

/** An error answer from the API, or a network failure (`status` 0, code `network`). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  /** Field name (as the server names it, e.g. `name`, `permissions`) → message. */
  readonly fieldErrors: Record<string, string>;

  constructor(options: {
    status: number;
    code: string;
    message: string;
    requestId?: string | undefined;
    fieldErrors?: Record<string, string>;
  }) {
    super(options.message);
    this.name = "ApiError";
    this.status = options.status;
    this.code = options.code;
    this.requestId = options.requestId;
    this.fieldErrors = options.fieldErrors ?? {};
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

type UnauthenticatedHandler = (error: ApiError) => void;
let onUnauthenticated: UnauthenticatedHandler | undefined;

/** The app registers how to go back to sign-in when a session ends. */
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler | undefined): void {
  onUnauthenticated = handler;
}

function isFieldIssueList(details: unknown): details is FieldIssue[] {
  return (
    Array.isArray(details) &&
    details.every((d) => typeof d === "object" && d !== null && "field" in d && "message" in d)
  );
}

function toFieldErrors(details: unknown): Record<string, string> {
  if (!isFieldIssueList(details)) return {};
  const errors: Record<string, string> = {};
  for (const issue of details) {
    const field = String(issue.field);
    errors[field] ??= String(issue.message);
    // "permissions.read" should still land next to the Permissions field.
    const top = field.split(".")[0];
    if (top && top !== field) errors[top] ??= String(issue.message);
  }
  return errors;
}

async function toApiError(response: Response, path: string): Promise<ApiError> {
  let body: Partial<ErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ErrorBody>;
  } catch {
    body = undefined;
  }
  const error = body?.error;
  return new ApiError({
    status: response.status,
    code: error?.code ?? (response.status >= 500 ? "internal" : "unknown"),
    // A refusal on an org's data means the page was out of date (rights or policy changed):
    // said plainly, not in the API's terms.
    message:
      response.status === 403 && path.startsWith("/api/orgs/")
        ? FORBIDDEN_NOW
        : response.status === 401 && !path.startsWith("/api/auth/")
          ? SESSION_ENDED
          : (error?.message ??
            `The server answered ${response.status} ${response.statusText}`.trim()),
    requestId: error?.requestId ?? response.headers.get("x-request-id") ?? undefined,
    fieldErrors: toFieldErrors(error?.details),
  });
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal | undefined;
  /** Skip the global "back to sign-in" redirect (e.g. a wrong password answers 401). */
  expectUnauthenticated?: boolean;
}

function withQuery(path: string, query: RequestOptions["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === "") continue;
    params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET") headers["x-requested-with"] = CSRF_HEADER_VALUE;
  if (options.body !== undefined) headers["content-type"] = "application/json";

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: "same-origin",
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError({
      status: 0,
      code: "network",
      message: "Could not reach Keyward. Check your connection and try again.",
    });
  }

  if (!response.ok) {
    const error = await toApiError(response, path);
    if (error.status === 401 && !options.expectUnauthenticated) onUnauthenticated?.(error);
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "GET" }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "POST", body }),
  patch: <T>(path: string, body: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "PATCH", body }),
  delete: <T = void>(path: string, options?: Omit<RequestOptions, "method" | "body">) =>
    apiRequest<T>(path, { ...options, method: "DELETE" }),
};

/** A one-line message for an error of any kind, for alerts and toasts. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) {
    if (error.status === 429) return "Too many attempts. Wait a moment and try again.";
    if (error.status >= 500) {
      return `Something went wrong on our side${error.requestId ? ` (request ${error.requestId})` : ""}. Try again.`;
    }
    return capitalize(error.message);
  }
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

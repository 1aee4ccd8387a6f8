import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import {
  API_KEY_HEADER,
  acceptInviteBodySchema,
  createInviteBodySchema,
  createKeyBodySchema,
  ERROR_STATUS,
  type ErrorCode,
  ingestAnswerSchema,
  ingestBodySchema,
  keyInfoAnswerSchema,
  keyUsageAnswerSchema,
  keyUsageQuerySchema,
  keyUsageSummariesAnswerSchema,
  listAuditQuerySchema,
  listKeysQuerySchema,
  loginBodySchema,
  metricsAnswerSchema,
  metricsQuerySchema,
  rollKeyBodySchema,
  signupBodySchema,
  updateKeyBodySchema,
  updateMemberBodySchema,
  updateOrgBodySchema,
} from "@keyward/shared";
import { z } from "zod";

type Document = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      requestId: z.string(),
      details: z
        .union([
          z.array(z.object({ field: z.string(), message: z.string() })),
          z.record(z.string(), z.unknown()),
        ])
        .optional()
        .meta({
          description:
            "400: the bad fields (`[{field, message}]`), or `{index, field}` of the first bad event; 403 `insufficient_permission`: `{permission}`; 429: `{limitPerSecond, retryAfterSeconds}`.",
        }),
    }),
  })
  .meta({ id: "Error", description: "Every error, on every route." });

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: errorSchema } },
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

const KEY_ERRORS = {
  401: errorResponse(
    "`missing_key`, `invalid_key` (malformed, wrong checksum or unknown), `disabled_key` or `expired_key`.",
  ),
  429: {
    ...errorResponse("`rate_limited`: over the key's requests per second (1,000 by default)."),
    headers: {
      "Retry-After": { description: "Seconds to wait.", schema: { type: "integer" as const } },
    },
  },
};

const keySecurity: Record<string, string[]>[] = [{ apiKey: [] }, { bearer: [] }];
const sessionSecurity: Record<string, string[]>[] = [{ session: [] }];

function registerPublicApi(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: "post",
    path: "/v1/events",
    tags: ["Public API"],
    summary: "Send events",
    description:
      "Needs the **write** permission. The batch is validated whole, then stored in one transaction with its metric roll-ups before the answer: events answered 200 survive a crash. A bad event rejects the batch (nothing stored) with `details: {index, field}` of the first bad event.",
    security: keySecurity,
    request: {
      body: { required: true, content: { "application/json": { schema: ingestBodySchema } } },
    },
    responses: {
      200: json(ingestAnswerSchema, "All events stored."),
      400: errorResponse(
        "`invalid_request`: not an array or `{events}`, more than 10,000 events, or a bad event.",
      ),
      ...KEY_ERRORS,
      403: errorResponse("`insufficient_permission`: the key lacks write."),
      413: errorResponse("`payload_too_large`: the body is over 1 MB (1,048,576 bytes)."),
    },
  });
  registry.registerPath({
    method: "get",
    path: "/v1/metrics",
    tags: ["Public API"],
    summary: "Count events per bucket",
    description:
      "Needs the **read** permission. Counts of the key's org's accepted events named `eventName`, per `interval` bucket (UTC), for every bucket overlapping [`from`, `to`): the first bucket is answered whole, so it may include events shortly before `from`. Empty buckets are omitted. An event answered 200 is counted at once. At most 50,000 buckets per call.",
    security: keySecurity,
    request: { query: metricsQuerySchema },
    responses: {
      200: json(metricsAnswerSchema, "Points, oldest first."),
      400: errorResponse(
        "`invalid_request`: a missing or bad parameter, `from` not before `to`, or too many buckets.",
      ),
      ...KEY_ERRORS,
      403: errorResponse("`insufficient_permission`: the key lacks read."),
    },
  });
  registry.registerPath({
    method: "get",
    path: "/v1/key",
    tags: ["Public API"],
    summary: "Introspect the calling key",
    security: keySecurity,
    responses: { 200: json(keyInfoAnswerSchema, "The calling key."), ...KEY_ERRORS },
  });
}

const orgParams = z.object({ orgId: z.string() });
const keyParams = orgParams.extend({ keyId: z.string() });
const memberParams = orgParams.extend({ userId: z.string() });

const SESSION_ERRORS = {
  401: errorResponse("`unauthenticated`: no session."),
  403: errorResponse("`forbidden`: missing `X-Requested-With: keyward`, or not allowed."),
  404: errorResponse("`not_found`: no such resource, or not visible to the caller."),
};

function registerSessionApi(registry: OpenAPIRegistry): void {
  type Method = "get" | "post" | "patch" | "delete";
  const route = (
    method: Method,
    path: string,
    summary: string,
    options: {
      body?: z.ZodType;
      params?: z.ZodObject;
      query?: z.ZodObject;
      ok?: number;
      auth?: boolean;
    } = {},
  ) => {
    const okStatus = options.ok ?? (method === "delete" ? 204 : 200);
    registry.registerPath({
      method,
      path,
      tags: ["Session API"],
      summary,
      security: options.auth === false ? [] : sessionSecurity,
      request: {
        ...(options.params ? { params: options.params } : {}),
        ...(options.query ? { query: options.query } : {}),
        ...(options.body
          ? { body: { content: { "application/json": { schema: options.body } } } }
          : {}),
      },
      responses: {
        [okStatus]: { description: "Success; see the product contract for the answer's shape." },
        400: errorResponse("`invalid_request`, with `details` naming each bad field."),
        ...SESSION_ERRORS,
        409: errorResponse("`conflict`."),
      },
    });
  };
  route("post", "/api/auth/signup", "Sign up (creates an org)", {
    body: signupBodySchema,
    ok: 201,
    auth: false,
  });
  route("post", "/api/auth/login", "Sign in", { body: loginBodySchema, auth: false });
  route("post", "/api/auth/logout", "Sign out", { ok: 204 });
  route("get", "/api/me", "The signed-in user and their orgs");
  route("get", "/api/orgs/{orgId}", "An org", { params: orgParams });
  route("patch", "/api/orgs/{orgId}", "Update an org (admins)", {
    params: orgParams,
    body: updateOrgBodySchema,
  });
  route("get", "/api/orgs/{orgId}/members", "List members", { params: orgParams });
  route("patch", "/api/orgs/{orgId}/members/{userId}", "Update a member (admins)", {
    params: memberParams,
    body: updateMemberBodySchema,
  });
  route("delete", "/api/orgs/{orgId}/members/{userId}", "Remove a member (admins)", {
    params: memberParams,
  });
  route("post", "/api/orgs/{orgId}/invites", "Invite someone (admins)", {
    params: orgParams,
    body: createInviteBodySchema,
    ok: 201,
  });
  route("get", "/api/invites/{token}", "What an invite is for (org, email, role)", {
    params: z.object({ token: z.string() }),
    auth: false,
  });
  route(
    "post",
    "/api/invites/{token}/accept",
    "Accept an invite (401 when signed out for an email that has an account: sign in first)",
    {
      params: z.object({ token: z.string() }),
      body: acceptInviteBodySchema,
      auth: false,
    },
  );
  route("get", "/api/orgs/{orgId}/keys", "List keys", {
    params: orgParams,
    query: listKeysQuerySchema,
  });
  route("post", "/api/orgs/{orgId}/keys", "Create a key (answers its secret once)", {
    params: orgParams,
    body: createKeyBodySchema,
    ok: 201,
  });
  route("get", "/api/orgs/{orgId}/keys/{keyId}", "A key", { params: keyParams });
  route("patch", "/api/orgs/{orgId}/keys/{keyId}", "Update, enable or disable a key", {
    params: keyParams,
    body: updateKeyBodySchema,
  });
  route("delete", "/api/orgs/{orgId}/keys/{keyId}", "Delete a key", { params: keyParams });
  route("post", "/api/orgs/{orgId}/keys/{keyId}/roll", "Roll a key (answers the new secret once)", {
    params: keyParams,
    body: rollKeyBodySchema,
    ok: 201,
  });
  registry.registerPath({
    method: "get",
    path: "/api/orgs/{orgId}/keys/{keyId}/usage",
    tags: ["Session API"],
    summary: "A key's requests per bucket and outcome",
    description:
      "Every `/v1` request made with the key, by outcome: `valid` (authenticated and permitted, whatever the handler then answered), `rate_limited`, `disabled`, `expired`, `insufficient_permission`. Written every second by each instance. Same visibility as the key (404 otherwise). At most 10,000 buckets; minute buckets are kept 48 hours, hour and day buckets 90 days.",
    security: sessionSecurity,
    request: { params: keyParams, query: keyUsageQuerySchema },
    responses: {
      200: json(keyUsageAnswerSchema, "Points, oldest first; empty buckets omitted."),
      400: errorResponse(
        "`invalid_request`: a bad date, `from` not before `to`, or too many buckets.",
      ),
      ...SESSION_ERRORS,
    },
  });
  registry.registerPath({
    method: "get",
    path: "/api/orgs/{orgId}/keys/usage",
    tags: ["Session API"],
    summary: "The last 24 hours of several keys (for the keys table)",
    description:
      "For each named key the caller can see: all requests and refused ones in the last 24 hours, hourly points, and the requests of the last 15 minutes and hour. Keys the caller cannot see are left out.",
    security: sessionSecurity,
    request: {
      params: orgParams,
      query: z.object({
        ids: z.string().meta({ description: "Comma-separated key ids, at most 100." }),
      }),
    },
    responses: {
      200: json(keyUsageSummariesAnswerSchema, "One item per visible key."),
      400: errorResponse("`invalid_request`: no ids, or more than 100."),
      ...SESSION_ERRORS,
    },
  });
  route("get", "/api/orgs/{orgId}/audit", "The org's audit log", {
    params: orgParams,
    query: listAuditQuerySchema,
  });
}

/** The OpenAPI 3.1 document of Keyward's HTTP API, from the shared zod schemas. */
export function buildOpenApiDocument(): Document {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "apiKey", {
    type: "apiKey",
    in: "header",
    name: API_KEY_HEADER,
    description: "An API key (`kw_…`). Never put it in a URL.",
  });
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "The same API key as `Authorization: Bearer kw_…`.",
  });
  registry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "kw_session",
    description:
      "The web app's session cookie. State-changing calls also need the header `X-Requested-With: keyward`.",
  });
  registerPublicApi(registry);
  registerSessionApi(registry);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Keyward API",
      version: "1.0.0",
      description:
        'Machines use API keys on `/v1` to send events (write) and read metrics (read). People manage keys through the session API under `/api`. Errors are always `{"error":{"code","message","requestId","details"?}}`.',
    },
    tags: [
      { name: "Public API", description: "Key-authenticated, under /v1." },
      { name: "Session API", description: "Cookie-authenticated, used by the web app." },
    ],
  });
}

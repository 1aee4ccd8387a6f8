import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import {
  API_KEY_HEADER,
  acceptInviteBodySchema,
  auditPageSchema,
  CSRF_HEADER_VALUE,
  createInviteBodySchema,
  createKeyBodySchema,
  ERROR_STATUS,
  type ErrorCode,
  ingestAnswerSchema,
  ingestBodySchema,
  inviteAnswerSchema,
  invitePreviewAnswerSchema,
  keyAnswerSchema,
  keyInfoAnswerSchema,
  keyPageSchema,
  keyUsageAnswerSchema,
  keyUsageQuerySchema,
  keyUsageSummariesAnswerSchema,
  keyUsageSummaryQuerySchema,
  keyWithSecretAnswerSchema,
  listAuditQuerySchema,
  listKeysQuerySchema,
  loginBodySchema,
  MAX_EVENTS_PER_BATCH,
  memberAnswerSchema,
  metricsAnswerSchema,
  metricsQuerySchema,
  orgAnswerSchema,
  pendingInviteAnswerSchema,
  rollKeyBodySchema,
  sessionAnswerSchema,
  signupBodySchema,
  updateKeyBodySchema,
  updateMemberBodySchema,
  updateOrgBodySchema,
} from "@keyward/shared";
import { z } from "zod";

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]).meta({
        description:
          "Extension: `unavailable` (503) when the database cannot be reached; try again later.",
      }),
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
            "400: the bad fields (`[{field, message}]`), or `{index, field, message}` of the first bad event; 403 `insufficient_permission`: `{permission}`; 429: `{retryAfterSeconds, …}`.",
        }),
    }),
  })
  .meta({ id: "Error", description: "Every error, on every route." });

type Method = "get" | "post" | "patch" | "delete" | "options";
type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

const retryAfterHeader = {
  "Retry-After": {
    description: "Seconds to wait before trying again.",
    schema: { type: "integer" as const, minimum: 1 },
  },
};

/** What each error status means where nothing more specific is said. */
const ERROR_MEANINGS: Record<ErrorStatus, string> = {
  400: "`invalid_request`: `details` names each bad field and what is wrong with it.",
  401: "`unauthenticated`: no valid session.",
  403: "`forbidden`.",
  404: "`not_found`: no such resource, or not visible to the caller.",
  409: "`conflict`.",
  413: "`payload_too_large`: the body is over 1 MB (1,048,576 bytes).",
  429: "`rate_limited`: too many requests; see `Retry-After`.",
  500: "`internal`: a fault on our side (no detail is given; the `requestId` is logged).",
  503: "`unavailable`: the database cannot be reached right now; try again later.",
};

interface Operation {
  method: Method;
  /** OpenAPI path (`{param}`). */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** `session` (cookie), `key` (API key) or `none`. */
  auth: "session" | "key" | "none";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A body whose fields are all optional may be left out. */
  bodyOptional?: true;
  ok: { status: 200 | 201 | 204; schema?: z.ZodType; description: string; setsCookie?: boolean };
  /** Error statuses beyond the ones every call of its kind can answer, with what they mean here. */
  errors?: Partial<Record<ErrorStatus, string>>;
}

/** The path parameters of `path` (`{orgId}` and the like), every one a string. */
function pathParams(path: string): z.ZodObject | undefined {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? "");
  if (names.length === 0) return undefined;
  return z.object(
    Object.fromEntries(
      names.map((name) => [
        name,
        name === "orgId" ? z.string().meta({ example: "org_01J..." }) : z.string(),
      ]),
    ),
  );
}

/** An operation as written below: `route` is "METHOD /path"; a session call unless it says. */
type OperationSpec = Omit<Operation, "method" | "path" | "tag" | "auth" | "params"> & {
  route: `${Uppercase<Exclude<Method, "options">>} /${string}`;
  auth?: Operation["auth"];
};

/** The operations of one tag, their path parameters read from their paths. */
function operations(tag: string, specs: OperationSpec[]): Operation[] {
  return specs.map(({ route, auth = "session", ...spec }) => {
    const [method, path] = route.split(" ") as [Uppercase<Method>, string];
    const params = pathParams(path);
    return {
      ...spec,
      method: method.toLowerCase() as Method,
      path,
      tag,
      auth,
      ...(params ? { params } : {}),
    };
  });
}

const ROLE_403 = "`forbidden`: missing `X-Requested-With: keyward`, or the caller is not an admin.";
const LAST_ADMIN_409 = "`conflict`: it would leave the org without an admin.";
const KEY_EDIT_403 =
  "`forbidden`: missing `X-Requested-With: keyward`, or the caller may see the key but not change it (its `cannotEditReason`).";

const SESSION_OPERATIONS: Operation[] = [
  ...operations("Auth", [
    {
      route: "POST /api/auth/signup",
      operationId: "signup",
      summary: "Sign up (creates an org)",
      auth: "none",
      body: signupBodySchema,
      ok: {
        status: 201,
        schema: sessionAnswerSchema,
        description: "Signed up and in.",
        setsCookie: true,
      },
      errors: { 409: "`conflict`: an account with this email exists." },
    },
    {
      route: "POST /api/auth/login",
      operationId: "login",
      summary: "Sign in",
      auth: "none",
      body: loginBodySchema,
      ok: { status: 200, schema: sessionAnswerSchema, description: "Signed in.", setsCookie: true },
      errors: {
        401: "`unauthenticated`: the same message for an unknown email and a wrong password.",
        429: "`rate_limited`: 10 failures for this email within 15 minutes (or many from one address); even the right password waits for `Retry-After`.",
      },
    },
    {
      route: "POST /api/auth/logout",
      operationId: "logout",
      summary: "Sign out",
      auth: "none",
      ok: { status: 204, description: "Signed out (also when there was no session)." },
    },
    {
      route: "GET /api/me",
      operationId: "getMe",
      summary: "The signed-in user and their orgs",
      ok: { status: 200, schema: sessionAnswerSchema, description: "The session." },
    },
  ]),
  ...operations("Orgs", [
    {
      route: "GET /api/orgs/{orgId}",
      operationId: "getOrg",
      summary: "An org",
      ok: { status: 200, schema: orgAnswerSchema, description: "The org." },
    },
    {
      route: "PATCH /api/orgs/{orgId}",
      operationId: "updateOrg",
      summary: "Rename an org, change its key policy or key lifetime limit (admins)",
      body: updateOrgBodySchema,
      ok: { status: 200, schema: orgAnswerSchema, description: "The org as changed." },
      errors: { 403: ROLE_403 },
    },
  ]),
  ...operations("Members", [
    {
      route: "GET /api/orgs/{orgId}/members",
      operationId: "listMembers",
      summary: "The org's members, with their effective grants",
      ok: { status: 200, schema: z.array(memberAnswerSchema), description: "Every member." },
    },
    {
      route: "PATCH /api/orgs/{orgId}/members/{userId}",
      operationId: "updateMember",
      summary: "Change a member's role or grants (admins)",
      body: updateMemberBodySchema,
      ok: { status: 200, schema: memberAnswerSchema, description: "The member as changed." },
      errors: { 403: ROLE_403, 409: LAST_ADMIN_409 },
    },
    {
      route: "DELETE /api/orgs/{orgId}/members/{userId}",
      operationId: "removeMember",
      summary: "Remove a member (admins); their personal keys are disabled",
      ok: { status: 204, description: "Removed." },
      errors: { 403: ROLE_403, 409: LAST_ADMIN_409 },
    },
  ]),
  ...operations("Invites", [
    {
      route: "POST /api/orgs/{orgId}/invites",
      operationId: "createInvite",
      summary: "Invite someone by email (admins); answers a one-time link",
      body: createInviteBodySchema,
      ok: { status: 201, schema: inviteAnswerSchema, description: "The invite link." },
      errors: { 403: ROLE_403, 409: "`conflict`: this person is already a member." },
    },
    {
      route: "GET /api/orgs/{orgId}/invites",
      operationId: "listInvites",
      summary: "The org's pending invites (admins)",
      ok: {
        status: 200,
        schema: z.array(pendingInviteAnswerSchema),
        description: "Pending invites (never their tokens).",
      },
      errors: { 403: "`forbidden`: the caller is not an admin." },
    },
    {
      route: "DELETE /api/orgs/{orgId}/invites/{inviteId}",
      operationId: "revokeInvite",
      summary: "Revoke a pending invite (admins); accepting it is then 404",
      ok: { status: 204, description: "Revoked." },
      errors: { 403: ROLE_403 },
    },
    {
      route: "POST /api/orgs/{orgId}/invites/{inviteId}/renew",
      operationId: "renewInvite",
      summary: "Renew a pending invite (admins)",
      description:
        "Extension of the contract: answers a fresh link with its expiry reset to 7 days; the old link stops working.",
      ok: { status: 200, schema: inviteAnswerSchema, description: "The new invite link." },
      errors: { 403: ROLE_403 },
    },
    {
      route: "GET /api/invites/{token}",
      operationId: "previewInvite",
      summary: "What an invite is for",
      description:
        "Extension of the contract: the org, email and role of a usable invite, so the accept page can show them. Needs no session.",
      auth: "none",
      ok: { status: 200, schema: invitePreviewAnswerSchema, description: "The invite." },
      errors: { 404: "`not_found`: unknown, used, revoked or expired." },
    },
    {
      route: "POST /api/invites/{token}/accept",
      operationId: "acceptInvite",
      summary: "Accept an invite",
      description:
        "Signed in with the invited email: joins as is (no body needed). Signed out: creates the account from `name` and `password` (the invited email). Signed out for an email that has an account: 401, sign in first.",
      auth: "none",
      body: acceptInviteBodySchema,
      bodyOptional: true,
      ok: {
        status: 200,
        schema: sessionAnswerSchema,
        description: "Joined; the session is the invited user's.",
        setsCookie: true,
      },
      errors: {
        401: "`unauthenticated`: the invited email has an account; sign in first.",
        403: "`forbidden`: missing `X-Requested-With: keyward`, or signed in with another email.",
        404: "`not_found`: unknown, used, revoked or expired.",
        409: "`conflict`: already a member, or an account with this email was created meanwhile.",
      },
    },
  ]),
  ...operations("Keys", [
    {
      route: "GET /api/orgs/{orgId}/keys",
      operationId: "listKeys",
      summary: "The keys the caller can see, newest first",
      description: "Enabled keys only unless `includeDisabled=true`. `q` searches names.",
      query: listKeysQuerySchema,
      ok: { status: 200, schema: keyPageSchema, description: "A page of keys." },
    },
    {
      route: "POST /api/orgs/{orgId}/keys",
      operationId: "createKey",
      summary: "Create a key; its secret is answered only here",
      body: createKeyBodySchema,
      ok: {
        status: 201,
        schema: keyWithSecretAnswerSchema,
        description: "The key and its secret.",
      },
      errors: {
        403: "`forbidden`: missing `X-Requested-With: keyward`, or the org restricts org-wide keys and the caller may not edit them.",
      },
    },
    {
      route: "GET /api/orgs/{orgId}/keys/{keyId}",
      operationId: "getKey",
      summary: "A key",
      ok: { status: 200, schema: keyAnswerSchema, description: "The key." },
    },
    {
      route: "PATCH /api/orgs/{orgId}/keys/{keyId}",
      operationId: "updateKey",
      summary: "Rename, re-scope, enable or disable a key, change its type or expiry",
      body: updateKeyBodySchema,
      ok: { status: 200, schema: keyAnswerSchema, description: "The key as changed." },
      errors: { 403: KEY_EDIT_403 },
    },
    {
      route: "DELETE /api/orgs/{orgId}/keys/{keyId}",
      operationId: "deleteKey",
      summary: "Delete a key",
      ok: { status: 204, description: "Deleted; the key stops working at once." },
      errors: { 403: KEY_EDIT_403 },
    },
    {
      route: "POST /api/orgs/{orgId}/keys/{keyId}/roll",
      operationId: "rollKey",
      summary: "Replace a key's secret; the old key expires after a grace period",
      description:
        "A new key with the old one's name, type, permissions, enabled, expiresAt and owner; the old key's `expiresAt` becomes the earlier of its own and now + `graceSeconds`.",
      body: rollKeyBodySchema,
      ok: {
        status: 201,
        schema: keyWithSecretAnswerSchema,
        description: "The new key and its secret.",
      },
      errors: { 403: KEY_EDIT_403 },
    },
    {
      route: "GET /api/orgs/{orgId}/keys/{keyId}/usage",
      operationId: "getKeyUsage",
      summary: "A key's requests over time, by outcome",
      description: "Same visibility as the key; `from`, `to` and `interval` as on `/v1/metrics`.",
      query: keyUsageQuerySchema,
      ok: { status: 200, schema: keyUsageAnswerSchema, description: "Usage per bucket." },
    },
    {
      route: "GET /api/orgs/{orgId}/keys/usage",
      operationId: "listKeyUsageSummaries",
      summary: "The last 24 hours of usage of several keys, for a keys table",
      description:
        "Extends the product contract: one call for a page of keys (`ids`, comma-separated, at most 100) instead of one per row. Keys the caller can't see are left out.",
      query: keyUsageSummaryQuerySchema,
      ok: {
        status: 200,
        schema: keyUsageSummariesAnswerSchema,
        description: "One summary per visible key.",
      },
    },
  ]),
  ...operations("Audit", [
    {
      route: "GET /api/orgs/{orgId}/audit",
      operationId: "listAuditEvents",
      summary: "The org's audit log, newest first",
      description:
        "Admins see every event; other members see the `key.*` events of keys they can see.",
      query: listAuditQuerySchema,
      ok: { status: 200, schema: auditPageSchema, description: "A page of audit events." },
    },
  ]),
];

const KEY_401 =
  "`missing_key`, `invalid_key` (malformed, wrong checksum or unknown), `disabled_key` or `expired_key`.";
const KEY_429 = "`rate_limited`: over the key's requests per second (1,000 by default).";

/** CORS preflights of the public API: answered for any origin, without a key (extension). */
const PREFLIGHT_OPERATIONS: Operation[] = (
  [
    ["/v1/events", "preflightEvents", "POST"],
    ["/v1/metrics", "preflightMetrics", "GET"],
    ["/v1/key", "preflightKeyInfo", "GET"],
  ] as const
).map(([path, operationId, method]) => ({
  method: "options",
  path,
  operationId,
  tag: "Public API",
  summary: `CORS preflight for ${method} ${path}`,
  description:
    "Extension: a browser's preflight, answered for any origin asking for `x-api-token`, `authorization` or `content-type`, with `Access-Control-Max-Age`. The real request is then accepted only from an origin in the key's `restrictions.allowedOrigins`.",
  auth: "none",
  ok: { status: 204, description: "The methods and headers a browser may send." },
}));

const PUBLIC_OPERATIONS = operations("Public API", [
  {
    route: "POST /v1/events",
    operationId: "sendEvents",
    summary: "Send events",
    description:
      "Needs the **write** permission. The batch is validated whole, then stored in one transaction with its metric roll-ups before the answer: events answered 200 survive a crash. A bad event rejects the batch (nothing stored) with `details: {index, field}` of the first bad event.",
    auth: "key",
    body: ingestBodySchema,
    ok: { status: 200, schema: ingestAnswerSchema, description: "All events stored." },
    errors: {
      400: `\`invalid_request\`: not an array or \`{events}\`, more than ${MAX_EVENTS_PER_BATCH.toLocaleString("en")} events, or a bad event.`,
      403: "`insufficient_permission`: the key lacks write; `event_not_allowed` (extension): an event name the key's restrictions refuse, naming the first one's `index` and `eventName` (nothing stored).",
      413: ERROR_MEANINGS[413],
    },
  },
  {
    route: "GET /v1/metrics",
    operationId: "getMetrics",
    summary: "Count events per bucket",
    description:
      "Needs the **read** permission. Counts of the key's org's accepted events named `eventName`, per `interval` bucket (UTC), for every bucket overlapping [`from`, `to`): the first bucket is answered whole, so it may include events shortly before `from`. Empty buckets are omitted. An event answered 200 is counted at once. At most 50,000 buckets per call.",
    auth: "key",
    query: metricsQuerySchema,
    ok: { status: 200, schema: metricsAnswerSchema, description: "Points, oldest first." },
    errors: {
      400: "`invalid_request`: a missing or bad parameter, `from` not before `to`, or too many buckets.",
      403: "`insufficient_permission`: the key lacks read.",
    },
  },
  {
    route: "GET /v1/key",
    operationId: "getKeyInfo",
    summary: "What the calling key is and may do",
    auth: "key",
    ok: { status: 200, schema: keyInfoAnswerSchema, description: "The calling key." },
  },
]);

/** Every operation of both APIs: the document, the route test and the response validator read it. */
export const OPERATIONS: readonly Operation[] = [
  ...PUBLIC_OPERATIONS,
  ...PREFLIGHT_OPERATIONS,
  ...SESSION_OPERATIONS,
];

const isStateChanging = (op: Operation) => op.method !== "get" && op.method !== "options";

const KEY_403 =
  "`origin_not_allowed` or `ip_not_allowed`: the key's restrictions refuse this browser origin or client address (extension).";

/** The statuses an operation can answer besides its success, and what each means there. */
function errorStatuses(op: Operation): Partial<Record<ErrorStatus, string>> {
  const statuses: Partial<Record<ErrorStatus, string>> = {};
  if (op.auth === "key") {
    statuses[401] = KEY_401;
    statuses[403] = op.errors?.[403] ? `${op.errors[403]} ${KEY_403}` : KEY_403;
    statuses[429] = KEY_429;
    const { 403: _own, ...others } = op.errors ?? {};
    return { ...statuses, 500: ERROR_MEANINGS[500], 503: ERROR_MEANINGS[503], ...others };
  } else if (op.method === "options") {
    // A preflight answers 204 whatever it asks; only the server itself can fail.
  } else {
    // Any session path, query or body with a NUL, or a malformed body, is a 400.
    statuses[400] = ERROR_MEANINGS[400];
    if (op.auth === "session") statuses[401] = ERROR_MEANINGS[401];
    if (isStateChanging(op)) {
      statuses[403] = "`forbidden`: missing `X-Requested-With: keyward`, or from another origin.";
      statuses[413] = ERROR_MEANINGS[413];
    }
    if (op.path.startsWith("/api/orgs/")) statuses[404] = ERROR_MEANINGS[404];
  }
  statuses[500] = ERROR_MEANINGS[500];
  statuses[503] = ERROR_MEANINGS[503];
  return { ...statuses, ...op.errors };
}

const SET_COOKIE = {
  "Set-Cookie": {
    description: "The session cookie `kw_session` (HttpOnly, SameSite=Lax; Secure behind TLS).",
    schema: { type: "string" as const },
  },
};

function register(registry: OpenAPIRegistry, op: Operation): void {
  const responses: Record<number, object> = {
    [op.ok.status]: {
      description: op.ok.description,
      ...(op.ok.setsCookie ? { headers: SET_COOKIE } : {}),
      ...(op.ok.schema ? { content: { "application/json": { schema: op.ok.schema } } } : {}),
    },
  };
  for (const [status, description] of Object.entries(errorStatuses(op))) {
    responses[Number(status)] = {
      description,
      ...(status === "429" ? { headers: retryAfterHeader } : {}),
      content: { "application/json": { schema: errorSchema } },
    };
  }
  registry.registerPath({
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    security:
      op.auth === "key"
        ? [{ apiKey: [] }, { bearer: [] }]
        : op.auth === "session"
          ? [{ session: [] }]
          : [],
    ...(op.auth !== "key" && isStateChanging(op)
      ? { parameters: [{ $ref: "#/components/parameters/CsrfHeader" }] }
      : {}),
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.body
        ? {
            body: {
              required: !op.bodyOptional,
              content: { "application/json": { schema: op.body } },
            },
          }
        : {}),
    },
    responses,
  });
}

/** The OpenAPI 3.1 document of Keyward's HTTP API, from the shared zod schemas. */
export function buildOpenApiDocument(serverUrl = "/"): OpenApiDocument {
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
  registry.registerComponent("parameters", "CsrfHeader", {
    name: "X-Requested-With",
    in: "header",
    required: true,
    description:
      "CSRF defence: every state-changing session call, `/api/auth/*` included, must send it; without it 403 and nothing changes.",
    schema: { type: "string", enum: [CSRF_HEADER_VALUE] },
  });
  for (const op of OPERATIONS) register(registry, op);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Keyward API",
      version: "1.0.0",
      description:
        'Machines use API keys on `/v1` to send events (write) and read metrics (read). People manage keys through the session API under `/api`. Errors are always `{"error":{"code","message","requestId","details"?}}`. Lengths are in Unicode code points; list calls take `limit` 1–100 (default 50) and an opaque `cursor`, and answer `nextCursor` (null on the last page).',
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: "Public API", description: "Key-authenticated, under /v1: events and metrics." },
      { name: "Auth", description: "Sign up, sign in and out, the session." },
      { name: "Orgs", description: "An org and its settings." },
      { name: "Members", description: "Who belongs to an org, with which role and grants." },
      { name: "Invites", description: "One-time invite links." },
      { name: "Keys", description: "API keys: create, change, roll, delete, usage." },
      { name: "Audit", description: "Who changed what, when." },
    ],
  });
}

// Category 3: property-based fuzzing (fast-check) of every JSON body, query parameter and path
// parameter of every route. Whatever the contract refuses must get a 4xx in the error shape naming
// the problem — never a 5xx — and must change nothing in the database. Inputs the shared schemas
// accept are skipped (they may legitimately write); login attempts are recorded by design and
// accounted for explicitly.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  API_KEY_HEADER,
  acceptInviteBodySchema,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  createInviteBodySchema,
  createKeyBodySchema,
  ingestBodySchema,
  isStorableTime,
  loginBodySchema,
  MAX_EVENT_PROPERTY_DEPTH,
  normaliseIp,
  normaliseOrigin,
  rollKeyBodySchema,
  signupBodySchema,
  updateKeyBodySchema,
  updateMemberBodySchema,
  updateOrgBodySchema,
} from "@keyward/shared";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newKey, storedEvents, useV1 } from "../v1-fixtures.js";
import { expectUnchanged, fingerprint, type Table } from "./support.js";

// ---- generators -------------------------------------------------------------------------------

const PROTO_KEYS = ["__proto__", "constructor", "prototype"];
const INJECTIONS = [
  "' OR '1'='1",
  '\'; DROP TABLE "ApiKey"; --',
  '" OR ""="',
  "1; SELECT pg_sleep(5)--",
  "%' AND 1=1 --",
  '\\\' UNION SELECT * FROM "User" --',
  "<script>window.__xss=1</script>",
  '"><svg onload=alert(1)>',
  "<img src=x onerror=alert(1)>",
  "javascript:alert(1)",
  "{{7*7}}",
  "#{7*7}",
  "../../../../etc/passwd",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "\u202e\u2066",
  "🔑".repeat(101),
  "\ufeff",
  "%00",
  "\r\nSet-Cookie: pwned=1",
];

const hugeString = fc.constantFrom("A".repeat(100_001), "é".repeat(70_000), "\u0000".repeat(5_000));
const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 150 }),
  fc.constantFrom(...INJECTIONS, ...PROTO_KEYS),
  fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`),
  hugeString,
);

function nest(depth: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

const deep = fc
  .tuple(fc.integer({ min: 20, max: 3_000 }), fc.boolean())
  .map(([depth, asArray]) => nest(depth, "deep", asArray));

/** Objects with an own `__proto__` / `constructor` / `prototype` key, as JSON.parse makes them. */
const protoObject = fc
  .tuple(fc.constantFrom(...PROTO_KEYS), fc.jsonValue({ maxDepth: 2 }))
  .map(([key, value]) =>
    JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify({ polluted: value, isAdmin: true })}}`),
  );

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
  fc.constantFrom(
    1e308,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    "true",
    "1",
    "",
    " ",
    "2026-13-45T99:99:99Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:30:00-01:00",
  ),
);

const badValue = fc.oneof(wrongType, nastyString, deep, protoObject);

/** A body for a route: random JSON, a valid body with one field spoiled, or one with an extra key. */
function bodyFor(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const fields = Object.keys(valid);
  return fc.oneof(
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: protoObject },
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(...fields), badValue)
        .map(([field, value]) => ({ ...valid, [field]: value })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.constantFrom(...PROTO_KEYS, "ownerId", "orgId", "id", "role", "hash"),
            fc.string(),
          ),
          badValue,
        )
        .filter(([key]) => !fields.includes(key))
        .map(([key, value]) => {
          // Built from text so that `__proto__` is an own key, not the prototype.
          const extra = JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? "null"}}`);
          return { ...valid, ...extra };
        }),
    },
  );
}

/** Percent-encoding that also sends lone surrogates, as the raw bytes a careless client would. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return `${encodeURIComponent(s.replace(/\p{Cs}/gu, ""))}%ED%A0%80`;
  }
}

/** Query strings: known and unknown names, repeated names, nasty values. */
function queryFor(names: string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTO_KEYS, "orgId", "a[b]", "limit[]", "") },
    { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
  );
  const value = fc.oneof(
    nastyString.filter((s) => s.length < 5_000),
    fc.integer().map(String),
    fc.double().map(String),
    fc.constantFrom(
      "true",
      "false",
      "0",
      "101",
      "-1",
      "1e3",
      "NaN",
      "personal",
      "org",
      "minute",
      "day",
    ),
    fc
      .date({ noInvalidDate: false })
      .map((d) => (Number.isNaN(d.getTime()) ? "Invalid" : d.toISOString())),
    // Cursors: base64url of JSON with extreme dates and odd ids.
    fc
      .record({
        createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        id: fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom(...INJECTIONS)),
      })
      .map((c) => Buffer.from(JSON.stringify(c)).toString("base64url")),
  );
  return fc
    .array(fc.tuple(name, value), { maxLength: 6 })
    .map((pairs) => pairs.map(([n, v]) => `${encode(n)}=${encode(v)}`).join("&"));
}

// ---- the app under test -----------------------------------------------------------------------

const v1 = useV1();
let server: Server;
let base: string;
let adminToken: string;
let memberId: string;
let keyId: string;
let writeKey: string;
let inviteToken: string;
let tried = 0;
const breakdown: Record<string, number> = {};
const SNAPSHOT = Object.getOwnPropertyNames(Object.prototype).sort();

interface Sent {
  status: number;
  body: unknown;
  text: string;
}

async function send(
  method: string,
  path: string,
  options: { body?: string; contentType?: string; token?: string; apiKey?: string } = {},
): Promise<Sent> {
  const headers: Record<string, string> = { [CSRF_HEADER]: CSRF_HEADER_VALUE };
  if (options.body !== undefined)
    headers["content-type"] = options.contentType ?? "application/json";
  if (options.token) headers.cookie = `kw_session=${options.token}`;
  if (options.apiKey) headers[API_KEY_HEADER] = options.apiKey;
  const res = await fetch(`${base}${path}`, { method, headers, body: options.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

/** A refusal in the contract's shape that names the problem. */
function expectNamedRefusal(res: Sent, label: string, allowed: number[] = [400, 413]): void {
  expect(res.status, `${label} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
  expect(allowed, `${label} → ${res.status} ${res.text.slice(0, 300)}`).toContain(res.status);
  const error = (res.body as { error?: Record<string, unknown> } | undefined)?.error;
  expect(error, `${label}: error body`).toBeDefined();
  expect(typeof error?.code, label).toBe("string");
  expect(typeof error?.message, label).toBe("string");
  expect(String(error?.message).length, label).toBeGreaterThan(0);
  expect(String(error?.requestId), label).toMatch(/^req_/);
  if (res.status === 400) {
    const details = error?.details;
    const fields = Array.isArray(details)
      ? details.map((d: { field?: unknown }) => d.field)
      : [(details as { field?: unknown } | undefined)?.field];
    expect(fields.length, `${label}: details name the field`).toBeGreaterThan(0);
    for (const field of fields)
      expect(typeof field, `${label}: details ${JSON.stringify(details)}`).toBe("string");
  }
  // No stack trace or SQL in an answer.
  expect(res.text, label).not.toMatch(/\n\s+at |prisma|SELECT |sqlite|postgres/i);
}

function serialize(body: unknown): string {
  return JSON.stringify(body) ?? "null";
}

interface BodyRoute {
  name: string;
  method: string;
  path: () => string;
  valid: Record<string, unknown>;
  /** The shared schema's verdict: inputs it accepts are not bad input. */
  accepts: (body: unknown) => boolean;
  runs: number;
  token?: () => string | undefined;
}

const BODY_ROUTES: BodyRoute[] = [
  {
    name: "POST /api/auth/signup",
    method: "POST",
    path: () => "/api/auth/signup",
    valid: { email: "new@example.com", password: "correct horse battery", name: "N", orgName: "O" },
    accepts: (b) => signupBodySchema.safeParse(b).success,
    runs: 600,
  },
  {
    name: "POST /api/auth/login",
    method: "POST",
    path: () => "/api/auth/login",
    valid: { email: "nobody@example.com", password: "whatever password" },
    accepts: (b) => loginBodySchema.safeParse(b).success,
    runs: 600,
  },
  {
    name: "POST /api/invites/:token/accept",
    method: "POST",
    path: () => `/api/invites/${inviteToken}/accept`,
    valid: { name: "Joiner", password: "correct horse battery" },
    accepts: (b) => acceptInviteBodySchema.safeParse(b).success,
    runs: 600,
  },
  {
    name: "PATCH /api/orgs/:orgId",
    method: "PATCH",
    path: () => `/api/orgs/${v1.admin.orgId}`,
    valid: { name: "Renamed", orgKeyPolicy: "restricted", maxKeyLifetimeDays: 90 },
    accepts: (b) => updateOrgBodySchema.safeParse(b).success,
    runs: 700,
    token: () => adminToken,
  },
  {
    name: "PATCH /api/orgs/:orgId/members/:userId",
    method: "PATCH",
    path: () => `/api/orgs/${v1.admin.orgId}/members/${memberId}`,
    valid: { role: "admin", manageOrgKeys: true, managePersonalKeys: true },
    accepts: (b) => updateMemberBodySchema.safeParse(b).success,
    runs: 700,
    token: () => adminToken,
  },
  {
    name: "POST /api/orgs/:orgId/invites",
    method: "POST",
    path: () => `/api/orgs/${v1.admin.orgId}/invites`,
    valid: { email: "invitee@example.com", role: "member" },
    accepts: (b) => createInviteBodySchema.safeParse(b).success,
    runs: 700,
    token: () => adminToken,
  },
  {
    name: "POST /api/orgs/:orgId/keys",
    method: "POST",
    path: () => `/api/orgs/${v1.admin.orgId}/keys`,
    valid: {
      name: "k",
      orgWide: true,
      permissions: { read: true, write: false },
      enabled: true,
      expiresAt: "2999-01-01T00:00:00Z",
    },
    accepts: (b) => createKeyBodySchema.safeParse(b).success,
    runs: 1_000,
    token: () => adminToken,
  },
  {
    name: "PATCH /api/orgs/:orgId/keys/:keyId",
    method: "PATCH",
    path: () => `/api/orgs/${v1.admin.orgId}/keys/${keyId}`,
    valid: {
      name: "k2",
      orgWide: false,
      permissions: { read: false, write: true },
      enabled: false,
      expiresAt: null,
    },
    // The route reads a JSON null or no body as `{}`: a PATCH that changes nothing (and writes nothing).
    accepts: (b) => updateKeyBodySchema.safeParse(b ?? {}).success,
    runs: 1_000,
    token: () => adminToken,
  },
  {
    name: "POST /api/orgs/:orgId/keys/:keyId/roll",
    method: "POST",
    path: () => `/api/orgs/${v1.admin.orgId}/keys/${keyId}/roll`,
    valid: { graceSeconds: 60 },
    accepts: (b) => rollKeyBodySchema.safeParse(b).success,
    runs: 600,
    token: () => adminToken,
  },
  {
    name: "POST /v1/events",
    method: "POST",
    path: () => "/v1/events",
    valid: { events: [{ eventName: "e", eventTimestamp: "2026-01-01T00:00:00Z" }] },
    accepts: (b) => ingestBodySchema.safeParse(b).success,
    runs: 1_000,
  },
];

beforeAll(async () => {
  const member = await v1.h.member(v1.admin, { name: "Fuzz Member" });
  memberId = member.user.id;
  adminToken = (await v1.h.client(v1.admin.user)).token ?? "";
  const key = await newKey(v1, { read: true, write: true }, { name: "fuzz target" });
  keyId = key.id;
  writeKey = key.secret;
  inviteToken = (await v1.h.invite(v1.admin, "fuzz-invitee@example.com", "member")).token;
  // Thousands of requests at trace level would spend the time budget on logging; errors still log.
  v1.h.deps.logger.level = "warn";
  server = v1.h.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  const parts = Object.entries(breakdown)
    .map(([k, n]) => `${k} ${n}`)
    .join(", ");
  console.log(`[hardening] bad input: ${tried.toLocaleString("en-US")} inputs tried (${parts})`);
  await new Promise((resolve) => server?.close(resolve));
});

function count(name: string, n = 1): void {
  tried += n;
  breakdown[name] = (breakdown[name] ?? 0) + n;
}

async function eventCount(): Promise<number> {
  return (await storedEvents(v1)).length;
}

describe("JSON bodies", () => {
  it.each(BODY_ROUTES)(
    "$name: refused bodies get a named 4xx and change nothing",
    async (route) => {
      // Login failures are recorded by design (the brute-force throttle); every other table must stay put.
      const ignore: Table[] = route.name === "POST /api/auth/login" ? ["loginFailure"] : [];
      const before = await fingerprint(v1.h, ignore);
      const failuresBefore = await v1.h.deps.db.loginFailure.count();
      const eventsBefore = route.name === "POST /v1/events" ? await eventCount() : 0;
      let unauthorizedLogins = 0;
      await fc.assert(
        fc.asyncProperty(bodyFor(route.valid), async (body) => {
          fc.pre(!route.accepts(body));
          count(route.name);
          const res = await send(route.method, route.path(), {
            body: serialize(body),
            token: route.token?.(),
            apiKey: route.name === "POST /v1/events" ? writeKey : undefined,
          });
          // An invite accepted by someone not signed in names the missing fields with a 400;
          // a login body that is well-formed but wrong is a 401 (counted below).
          if (route.name === "POST /api/auth/login" && res.status === 401) unauthorizedLogins += 1;
          expectNamedRefusal(
            res,
            `${route.name} ${serialize(body).slice(0, 200)}`,
            [400, 401, 413, 429],
          );
          if (route.name !== "POST /api/auth/login") expect(res.status).not.toBe(401);
        }),
        { numRuns: route.runs, seed: 20261127, endOnFailure: true, maxSkipsPerRun: 1_000 },
      );
      await expectUnchanged(v1.h, before, route.name, ignore);
      const failuresAdded = (await v1.h.deps.db.loginFailure.count()) - failuresBefore;
      expect(failuresAdded).toBeLessThanOrEqual(unauthorizedLogins);
      if (route.name === "POST /v1/events") expect(await eventCount()).toBe(eventsBefore);
    },
    120_000,
  );

  it("malformed JSON and wrong content types on every body route", async () => {
    const before = await fingerprint(v1.h, ["loginFailure"]);
    const eventsBefore = await eventCount();
    const malformed = fc.oneof(
      fc.constantFrom(
        "{",
        "[",
        '{"a":',
        "{'a':1}",
        "nul",
        "tru",
        '{"a":1,}',
        "[1,2",
        "\u0000",
        "\ufeff{}x",
        '{"__proto__":',
        "1e99999",
        `${"[".repeat(10_000)}${"]".repeat(9_999)}`,
        `{"a":"${"\\ud800".repeat(10)}"`,
      ),
      // (An empty body is no body: the PATCH routes then change nothing, as with `{}`.)
      fc.string({ minLength: 1, maxLength: 50 }).filter((s) => {
        try {
          JSON.parse(s);
          return false;
        } catch {
          return true;
        }
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BODY_ROUTES), malformed, async (route, text) => {
        count("malformed JSON");
        const res = await send(route.method, route.path(), {
          body: text,
          token: route.token?.(),
          apiKey: route.name === "POST /v1/events" ? writeKey : undefined,
        });
        expectNamedRefusal(res, `${route.name} ${JSON.stringify(text.slice(0, 80))}`);
      }),
      { numRuns: 600, seed: 7, endOnFailure: true },
    );
    const contentTypes = fc.constantFrom(
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "application/json; charset=utf-16",
      "application/json; charset=latin-9",
      "image/png",
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BODY_ROUTES),
        contentTypes,
        async (route, contentType) => {
          // The session API reads only JSON: any other type is no body at all; /v1/events reads any type as JSON.
          const body = contentType.startsWith("application/x-www")
            ? "name=x&orgWide=true"
            : serialize(route.valid);
          count("content types");
          const res = await send(route.method, route.path(), {
            body,
            contentType,
            token: route.token?.(),
            apiKey: route.name === "POST /v1/events" ? writeKey : undefined,
          });
          if (route.name === "POST /v1/events" && res.status === 200) return; // valid JSON, any label
          // A body of another type is no body: for a key PATCH that is an empty change, answered 200.
          if (route.name === "PATCH /api/orgs/:orgId/keys/:keyId" && res.status === 200) return;
          expectNamedRefusal(
            res,
            `${route.name} as ${contentType}`,
            [400, 401, 404, 409, 413, 415],
          );
        },
      ),
      { numRuns: 150, seed: 11, endOnFailure: true },
    );
    await expectUnchanged(v1.h, before, "malformed JSON", ["loginFailure"]);
    // Any /v1/events accepted above was a valid body under an odd label: subtract none of them silently.
    expect(await eventCount()).toBeGreaterThanOrEqual(eventsBefore);
  }, 120_000);

  it("bodies over 1 MB are a 413 on every body route", async () => {
    const big = JSON.stringify({ name: "x".repeat(1_100_000) });
    for (const route of BODY_ROUTES) {
      count("oversized");
      const res = await send(route.method, route.path(), {
        body: big,
        token: route.token?.(),
        apiKey: route.name === "POST /v1/events" ? writeKey : undefined,
      });
      expectNamedRefusal(res, `${route.name} oversized`, [413]);
      expect((res.body as { error: { code: string } }).error.code).toBe("payload_too_large");
    }
  });
});

describe("NUL characters in otherwise valid input", () => {
  it("are a 400 naming the field on every route, before any database sees them", async () => {
    const before = await fingerprint(v1.h, ["loginFailure"]);
    const eventsBefore = await eventCount();
    const nul = "a\u0000b";
    const cases: [string, string, string, unknown, string][] = [
      [
        "POST",
        "/api/auth/signup",
        "",
        { email: "nul@example.com", password: `correct horse ${nul}`, name: nul, orgName: "O" },
        "name",
      ],
      [
        "POST",
        "/api/auth/login",
        "",
        { email: `x${nul}@example.com`, password: "whatever password" },
        "email",
      ],
      ["PATCH", `/api/orgs/${v1.admin.orgId}`, adminToken, { name: nul }, "name"],
      [
        "POST",
        `/api/orgs/${v1.admin.orgId}/invites`,
        adminToken,
        { email: `y${nul}@example.com`, role: "member" },
        "email",
      ],
      [
        "POST",
        `/api/orgs/${v1.admin.orgId}/keys`,
        adminToken,
        { name: nul, orgWide: true, permissions: { read: true, write: false } },
        "name",
      ],
      ["PATCH", `/api/orgs/${v1.admin.orgId}/keys/${keyId}`, adminToken, { name: nul }, "name"],
      [
        "POST",
        `/api/invites/${inviteToken}/accept`,
        "",
        { name: nul, password: "correct horse battery" },
        "name",
      ],
      [
        "GET",
        `/api/orgs/${v1.admin.orgId}/keys?q=${encodeURIComponent(nul)}`,
        adminToken,
        undefined,
        "query",
      ],
      [
        "GET",
        `/api/orgs/${v1.admin.orgId}/audit?keyId=${encodeURIComponent(nul)}`,
        adminToken,
        undefined,
        "query",
      ],
      [
        "GET",
        `/api/orgs/${v1.admin.orgId}/keys/${encodeURIComponent(nul)}`,
        adminToken,
        undefined,
        "path",
      ],
    ];
    for (const [method, path, token, body, field] of cases) {
      count("NUL in valid input");
      const res = await send(method, path, {
        body: body === undefined ? undefined : serialize(body),
        token,
      });
      expectNamedRefusal(res, `${method} ${path}`, [400]);
      const details = (res.body as { error: { details: { field: string }[] } }).error.details;
      expect(
        details.map((d) => d.field),
        `${method} ${path}`,
      ).toContain(field);
    }
    for (const [path, field] of [
      ["/v1/events", "eventName"],
      [`/v1/metrics?eventName=${encodeURIComponent(nul)}`, "eventName"],
    ] as const) {
      count("NUL in valid input");
      const res = path.startsWith("/v1/events")
        ? await send("POST", path, {
            body: serialize([{ eventName: "fine" }, { eventName: nul }]),
            apiKey: writeKey,
          })
        : await send("GET", path, { apiKey: writeKey });
      expectNamedRefusal(res, path, [400]);
      expect(JSON.stringify((res.body as { error: { details: unknown } }).error.details)).toContain(
        field,
      );
    }
    await expectUnchanged(v1.h, before, "NUL characters", ["loginFailure"]);
    expect(await eventCount()).toBe(eventsBefore);
  });

  it("a cursor outside four-digit years is a 400 naming cursor", async () => {
    for (const time of ["-142372-06-26T13:37:38.629Z", "+272996-01-29T06:45:50.974Z"]) {
      count("NUL in valid input");
      const cursor = Buffer.from(
        JSON.stringify({ createdAt: time, at: time, id: "key_x" }),
      ).toString("base64url");
      for (const path of [
        `/api/orgs/${v1.admin.orgId}/keys`,
        `/api/orgs/${v1.admin.orgId}/audit`,
      ]) {
        const res = await send("GET", `${path}?cursor=${cursor}`, { token: adminToken });
        expectNamedRefusal(res, `${path} cursor ${time}`, [400]);
      }
    }
  });
});

describe("query and path parameters", () => {
  const QUERIES = [
    {
      name: "GET /api/orgs/:orgId/keys",
      path: () => `/api/orgs/${v1.admin.orgId}/keys`,
      names: ["includeDisabled", "type", "q", "cursor", "limit"],
      runs: 900,
    },
    {
      name: "GET /api/orgs/:orgId/audit",
      path: () => `/api/orgs/${v1.admin.orgId}/audit`,
      names: ["keyId", "cursor", "limit"],
      runs: 600,
    },
    {
      name: "GET /v1/metrics",
      path: () => "/v1/metrics",
      names: ["eventName", "from", "to", "interval"],
      runs: 1_000,
    },
  ];

  it.each(QUERIES)(
    "$name: any query is a 200 or a named 400",
    async (route) => {
      const before = await fingerprint(v1.h);
      await fc.assert(
        fc.asyncProperty(queryFor(route.names), async (query) => {
          count(route.name);
          const res = await send("GET", `${route.path()}?${query}`, {
            token: route.name.startsWith("GET /api") ? adminToken : undefined,
            apiKey: route.name === "GET /v1/metrics" ? writeKey : undefined,
          });
          if (res.status === 200) return;
          expectNamedRefusal(res, `${route.name}?${query.slice(0, 300)}`, [400, 403]);
        }),
        { numRuns: route.runs, seed: 3, endOnFailure: true },
      );
      await expectUnchanged(v1.h, before, route.name);
    },
    120_000,
  );

  it("odd path parameters are a 404 or a named 400, never a 5xx, and change nothing", async () => {
    const before = await fingerprint(v1.h);
    const segment = fc.oneof(
      nastyString.filter((s) => s.length > 0 && s.length < 3_000),
      fc.constantFrom(
        "..",
        ".",
        "%2e%2e",
        "%00",
        "%",
        "%zz",
        "key_",
        "usr_",
        "org_",
        "*",
        "null",
        "undefined",
      ),
    );
    const templates: [string, string, (s: string) => string][] = [
      ["GET", "org", (s) => `/api/orgs/${s}`],
      ["PATCH", "org", (s) => `/api/orgs/${s}`],
      ["GET", "members", (s) => `/api/orgs/${s}/members`],
      ["PATCH", "member", (s) => `/api/orgs/${v1.admin.orgId}/members/${s}`],
      ["DELETE", "member", (s) => `/api/orgs/${v1.admin.orgId}/members/${s}`],
      ["GET", "key", (s) => `/api/orgs/${v1.admin.orgId}/keys/${s}`],
      ["PATCH", "key", (s) => `/api/orgs/${v1.admin.orgId}/keys/${s}`],
      ["DELETE", "key", (s) => `/api/orgs/${v1.admin.orgId}/keys/${s}`],
      ["POST", "roll", (s) => `/api/orgs/${v1.admin.orgId}/keys/${s}/roll`],
      ["GET", "invite", (s) => `/api/invites/${s}`],
      ["POST", "accept", (s) => `/api/invites/${s}/accept`],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        segment,
        fc.boolean(),
        async ([method, label, make], s, encoded) => {
          const path = make(encoded ? encode(s) : s.replace(/[/?#\s%]/g, "_"));
          // Dot segments are resolved by the client before anything is sent: not an input to the app.
          fc.pre(new URL(path, base).pathname === path);
          count("path parameters");
          const body =
            method === "PATCH"
              ? '{"name":"x"}'
              : method === "POST"
                ? '{"graceSeconds":0}'
                : undefined;
          let res: Sent;
          try {
            res = await send(method, path, { body, token: adminToken });
          } catch (err) {
            // fetch itself refuses some raw paths (invalid URL characters): nothing reached the app.
            expect(String(err)).toMatch(/Invalid URL|invalid|TypeError/i);
            return;
          }
          expectNamedRefusal(
            res,
            `${method} ${label} ${JSON.stringify(path.slice(0, 200))}`,
            [400, 404],
          );
        },
      ),
      { numRuns: 800, seed: 5, endOnFailure: true },
    );
    await expectUnchanged(v1.h, before, "path parameters");
  }, 120_000);
});

/** A JSON value nested `depth` levels, as text: JSON.stringify itself gives up long before 100,000. */
function nestedText(depth: number, asArray: boolean): string {
  return asArray
    ? `${"[".repeat(depth)}"deep"${"]".repeat(depth)}`
    : `${'{"a":'.repeat(depth)}"deep"${"}".repeat(depth)}`;
}

/** Depths from just past the limit to 100,000 (about 600 KB of JSON), the extremes always among them. */
const deepDepth = fc.oneof(
  fc.constantFrom(MAX_EVENT_PROPERTY_DEPTH + 1, 5_000, 100_000),
  fc.integer({ min: MAX_EVENT_PROPERTY_DEPTH + 1, max: 100_000 }),
);

describe("deeply nested JSON", () => {
  it("an event property deeper than 64 levels is a 400 naming the event and the property", async () => {
    const eventsBefore = await eventCount();
    await fc.assert(
      fc.asyncProperty(
        deepDepth,
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom("payload", "__proto__", "eventName", "x y"),
        async (depth, asArray, index, field) => {
          count("deep event property");
          const events = Array.from({ length: index }, () => '{"eventName":"fine"}');
          const property = field === "eventName" ? "nested" : field;
          events.push(
            `{"eventName":"deep",${JSON.stringify(property)}:${nestedText(depth, asArray)}}`,
          );
          const res = await send("POST", "/v1/events", {
            body: `[${events.join(",")}]`,
            apiKey: writeKey,
          });
          expectNamedRefusal(res, `depth ${depth} at events[${index}].${property}`, [400]);
          expect((res.body as { error: { details: unknown } }).error.details).toEqual({
            index,
            field: property,
          });
        },
      ),
      { numRuns: 60, seed: 17, endOnFailure: true },
    );
    // 64 levels are fine.
    const res = await send("POST", "/v1/events", {
      body: `[{"eventName":"deep enough","p":${nestedText(MAX_EVENT_PROPERTY_DEPTH, false)}}]`,
      apiKey: writeKey,
    });
    expect(res.status, res.text).toBe(200);
    expect(await eventCount()).toBe(eventsBefore + 1);
  }, 120_000);

  it("a body or field nested up to 100,000 levels is a 4xx on every body route", async () => {
    const before = await fingerprint(v1.h, ["loginFailure"]);
    const eventsBefore = await eventCount();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BODY_ROUTES),
        deepDepth,
        fc.boolean(),
        fc.boolean(),
        async (route, depth, asArray, whole) => {
          count("deep body");
          const deepValue = nestedText(depth, asArray);
          const [field] = Object.keys(route.valid);
          const rest = { ...route.valid };
          if (field) delete rest[field];
          const inField = `${JSON.stringify(rest).slice(0, -1)}${Object.keys(rest).length ? "," : ""}${JSON.stringify(field)}:${deepValue}}`;
          const res = await send(route.method, route.path(), {
            body: whole ? deepValue : inField,
            token: route.token?.(),
            apiKey: route.name === "POST /v1/events" ? writeKey : undefined,
          });
          expectNamedRefusal(
            res,
            `${route.name} depth ${depth} ${whole ? "body" : field}`,
            [400, 413],
          );
        },
      ),
      { numRuns: 80, seed: 19, endOnFailure: true },
    );
    await expectUnchanged(v1.h, before, "deep bodies", ["loginFailure"]);
    expect(await eventCount()).toBe(eventsBefore);
  }, 120_000);
});

/** Date-times at the edges of years 0000, 0001 and 9999, with every kind of offset. */
const edgeDateTime = fc
  .record({
    year: fc.constantFrom("0000", "0001", "9998", "9999"),
    month: fc.constantFrom("01", "12"),
    day: fc.constantFrom("01", "31"),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.constantFrom(0, 30, 59),
    offset: fc.oneof(
      fc.constant("Z"),
      fc
        .tuple(
          fc.constantFrom("+", "-"),
          fc.integer({ min: 0, max: 14 }),
          fc.constantFrom(0, 30, 45),
        )
        .map(
          ([sign, h, m]) => `${sign}${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`,
        ),
    ),
  })
  .map(
    ({ year, month, day, hour, minute, offset }) =>
      `${year}-${month}-${day}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00${offset}`,
  );

describe("date-times outside years 0001–9999 (UTC)", () => {
  interface DateRoute {
    field: string;
    send: (value: string) => Promise<Sent>;
  }
  const DATE_ROUTES: DateRoute[] = [
    {
      field: "eventTimestamp",
      send: (value) =>
        send("POST", "/v1/events", {
          body: serialize([{ eventName: "fine" }, { eventName: "dated", eventTimestamp: value }]),
          apiKey: writeKey,
        }),
    },
    {
      field: "from",
      send: (value) =>
        send("GET", `/v1/metrics?eventName=e&from=${encodeURIComponent(value)}`, {
          apiKey: writeKey,
        }),
    },
    {
      field: "to",
      send: (value) =>
        send("GET", `/v1/metrics?eventName=e&to=${encodeURIComponent(value)}`, {
          apiKey: writeKey,
        }),
    },
    {
      field: "expiresAt",
      send: (value) =>
        send("POST", `/api/orgs/${v1.admin.orgId}/keys`, {
          body: serialize({
            name: "dated",
            orgWide: true,
            permissions: { read: true, write: false },
            expiresAt: value,
          }),
          token: adminToken,
        }),
    },
    {
      field: "expiresAt",
      send: (value) =>
        send("PATCH", `/api/orgs/${v1.admin.orgId}/keys/${keyId}`, {
          body: serialize({ expiresAt: value }),
          token: adminToken,
        }),
    },
  ];

  it("are a 400 naming the field on every route that takes one, and change nothing", async () => {
    const before = await fingerprint(v1.h);
    const eventsBefore = await eventCount();
    const outside = edgeDateTime.filter((value) => !isStorableTime(Date.parse(value)));
    for (const fixed of [
      "0000-01-01T00:00:00Z",
      "0001-01-01T00:30:00+01:00",
      "9999-12-31T23:30:00-01:00",
    ]) {
      expect(isStorableTime(Date.parse(fixed)), fixed).toBe(false);
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...DATE_ROUTES), outside, async (route, value) => {
        count("dates outside 0001–9999");
        const res = await route.send(value);
        expectNamedRefusal(res, `${route.field}=${value}`, [400]);
        expect(
          JSON.stringify((res.body as { error: { details: unknown } }).error.details),
        ).toContain(`"${route.field}"`);
      }),
      { numRuns: 300, seed: 23, endOnFailure: true },
    );
    await expectUnchanged(v1.h, before, "dates outside 0001–9999");
    expect(await eventCount()).toBe(eventsBefore);
  }, 120_000);

  it("the last storable instants are accepted (never a 5xx) and read back", async () => {
    const inside = edgeDateTime.filter((value) => isStorableTime(Date.parse(value)));
    await fc.assert(
      fc.asyncProperty(inside, async (value) => {
        count("dates at the edge of 0001–9999");
        const ingest = await send("POST", "/v1/events", {
          body: serialize([{ eventName: "edge", eventTimestamp: value }]),
          apiKey: writeKey,
        });
        expect(ingest.status, `${value} → ${ingest.text}`).toBe(200);
        const metrics = await send(
          "GET",
          `/v1/metrics?eventName=edge&interval=day&from=${encodeURIComponent(value)}&to=9999-12-31T23:59:59.999Z`,
          { apiKey: writeKey },
        );
        expect(metrics.status, `${value} → ${metrics.text}`).toBeLessThan(500);
        const update = await send("PATCH", `/api/orgs/${v1.admin.orgId}/keys/${keyId}`, {
          body: serialize({ expiresAt: value }),
          token: adminToken,
        });
        expect(update.status, `${value} → ${update.text}`).toBeLessThan(500);
      }),
      { numRuns: 40, seed: 29, endOnFailure: true },
    );
    await send("PATCH", `/api/orgs/${v1.admin.orgId}/keys/${keyId}`, {
      body: serialize({ expiresAt: null }),
      token: adminToken,
    });
  }, 120_000);
});

describe("afterwards", () => {
  it("logs in with valid-looking but odd credentials (bcrypt: few runs): 401 or 429, one failure row each", async () => {
    const before = await fingerprint(v1.h, ["loginFailure"]);
    const failuresBefore = await v1.h.deps.db.loginFailure.count();
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          email: fc.oneof(
            fc.constantFrom(...INJECTIONS),
            fc.emailAddress(),
            fc.string({ unit: "binary", maxLength: 60 }),
          ),
          password: fc.oneof(
            fc.constantFrom(...INJECTIONS),
            fc.string({ unit: "binary", maxLength: 80 }),
          ),
        }),
        async (body) => {
          fc.pre(loginBodySchema.safeParse(body).success);
          count("login, well-formed");
          const res = await send("POST", "/api/auth/login", { body: serialize(body) });
          // A NUL anywhere is refused by name before the login is tried.
          const hasNulChar = serialize(body).includes("\\u0000");
          expectNamedRefusal(res, `login ${serialize(body)}`, hasNulChar ? [400] : [401, 429]);
          if (res.status === 401) refused += 1;
        },
      ),
      { numRuns: 12, seed: 13, endOnFailure: true },
    );
    await expectUnchanged(v1.h, before, "login", ["loginFailure"]);
    expect((await v1.h.deps.db.loginFailure.count()) - failuresBefore).toBeLessThanOrEqual(refused);
  }, 60_000);

  it("Object.prototype is not polluted", () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(SNAPSHOT);
    const probe = {} as Record<string, unknown>;
    for (const key of ["polluted", "isAdmin", "a", "role"]) expect(probe[key], key).toBeUndefined();
    expect(tried).toBeGreaterThanOrEqual(10_000);
  });
});

describe("key restrictions", () => {
  const ipish = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.ipV4Extended(),
    fc
      .tuple(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: -5, max: 200 }))
      .map(([address, bits]) => `${address}/${bits}`),
    fc.constantFrom("fe80::1%eth0", "::ffff:1.2.3.4", "1.2.3.4/", "/8", "1.2.3.4/8/8", "0x7f.1"),
    nastyString,
  );
  const originish = fc.oneof(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.webUrl().map((url) => url.replace("://", "://*.")),
    fc.domain().map((domain) => `https://*.${domain}`),
    fc.constantFrom("null", "https://*.com", "https://user:pw@a.test", "ftp://a.test", "https://"),
    nastyString,
  );
  const listOf = (item: fc.Arbitrary<unknown>, max: number) =>
    fc.oneof(
      fc.array(item, { maxLength: 4 }),
      fc.array(item, { minLength: max + 1, maxLength: max + 3 }),
      badValue,
    );
  const restrictions = fc.oneof(
    badValue,
    fc.record(
      {
        allowedOrigins: listOf(originish, 20),
        allowedIps: listOf(ipish, 20),
        allowedEventNames: listOf(fc.oneof(nastyString, fc.constantFrom("*", "a*b", "**")), 50),
        rateLimitPerSecond: fc.oneof(fc.integer({ min: -10, max: 5_000 }), badValue),
      },
      { requiredKeys: [] },
    ),
  );

  it("refused restrictions get a 400 naming the field, and change nothing", async () => {
    const before = await fingerprint(v1.h);
    await fc.assert(
      fc.asyncProperty(restrictions, async (value) => {
        const body = { restrictions: value };
        fc.pre(!updateKeyBodySchema.safeParse(body).success);
        count("PATCH key restrictions");
        const res = await send("PATCH", `/api/orgs/${v1.admin.orgId}/keys/${keyId}`, {
          body: serialize(body),
          token: adminToken,
        });
        expectNamedRefusal(res, `restrictions ${serialize(value).slice(0, 200)}`, [400, 413]);
      }),
      { numRuns: 400, seed: 17, endOnFailure: true, maxSkipsPerRun: 1_000 },
    );
    await expectUnchanged(v1.h, before, "PATCH key restrictions");
  }, 120_000);

  it("normalising an accepted address or origin again changes nothing", () => {
    fc.assert(
      fc.property(fc.oneof(ipish, originish), (input) => {
        for (const normalise of [normaliseIp, normaliseOrigin]) {
          const once = normalise(input);
          if ("error" in once) continue;
          expect(normalise(once.value)).toEqual(once);
        }
      }),
      { numRuns: 2_000, seed: 19 },
    );
  });
});

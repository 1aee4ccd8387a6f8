// The OpenAPI document: true to the routers, checked in as openapi.json, lint-clean (see the
// package's test script), and the validator that checks every answer of the suites can fail.
import { readFileSync } from "node:fs";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { OPERATIONS } from "../src/openapi/document.js";
import { DOCUMENT_FILE, serializeDocument } from "../src/openapi/write-document.js";
import { listRoutes } from "./hardening/support.js";
import { createHarness, type Harness } from "./harness.js";
import { OpenApiValidator } from "./support/openapi-validator.js";

/** Routes that are not API operations: health, and the reference itself. */
const NOT_OPERATIONS = ["GET /healthz", "GET /api/openapi.json", "GET /docs"];

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe("the OpenAPI document", () => {
  it("has exactly the routers' routes", () => {
    const documented = OPERATIONS.map(
      (op) => `${op.method.toUpperCase()} ${op.path.replace(/\{(\w+)\}/g, ":$1")}`,
    ).sort();
    const routed = listRoutes(h.app).filter((r) => !NOT_OPERATIONS.includes(r));
    expect(routed).toEqual(documented);
  });

  it("gives every operation a unique operationId, a tag and its success answer", () => {
    const ids = OPERATIONS.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of OPERATIONS) {
      expect(op.tag).toBeTruthy();
      if (op.ok.status !== 204) expect(op.ok.schema, op.operationId).toBeDefined();
    }
  });

  it("is checked in as openapi.json (pnpm --filter @keyward/api openapi:write)", () => {
    expect(readFileSync(DOCUMENT_FILE, "utf8")).toBe(serializeDocument());
  });

  it("names where it is served as its server", async () => {
    const res = await h.anonymous().get("/api/openapi.json").expect(200);
    expect(res.body.servers).toEqual([
      { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
    ]);
    const page = await h.anonymous().get("/docs").expect(200);
    expect(page.text).toContain("X-Requested-With");

    const env = { ...h.deps.env, PUBLIC_URL: "https://keys.example.com/" };
    const behindProxy = createApp({ ...h.deps, env });
    try {
      const doc = await supertest(behindProxy.app).get("/api/openapi.json").expect(200);
      expect(doc.body.servers).toEqual([{ url: "https://keys.example.com" }]);
    } finally {
      await behindProxy.publicApi.close();
    }
  });

  it("documents the CSRF header on every state-changing session call, and bodies as required", () => {
    const doc = JSON.parse(serializeDocument());
    for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const params = (op.parameters ?? []) as { $ref?: string }[];
        const csrf = params.some((p) => p.$ref === "#/components/parameters/CsrfHeader");
        expect(csrf, `${method} ${path}`).toBe(path.startsWith("/api/") && method !== "get");
        const body = op.requestBody as { required?: boolean } | undefined;
        if (body) {
          // Accepting an invite signed in needs no body; every other body is required.
          const optional = op.operationId === "acceptInvite";
          expect(body.required, `${method} ${path}`).toBe(!optional);
        }
      }
    }
  });
});

describe("the answer validator", () => {
  const validator = new OpenApiValidator();
  const org = {
    id: "org_1",
    name: "Acme",
    orgKeyPolicy: "everyone",
    maxKeyLifetimeDays: null,
  };
  const answer = (status: number, body: unknown, method = "GET", url = "/api/orgs/org_1") => ({
    method,
    url,
    status,
    headers: { "content-type": "application/json; charset=utf-8" },
    body,
    text: JSON.stringify(body),
  });
  const error = (code: string) => ({ error: { code, message: "m", requestId: "req_1" } });

  it("accepts a documented answer", () => {
    expect(validator.check(answer(200, org))).toBeUndefined();
    expect(validator.check(answer(404, error("not_found")))).toBeUndefined();
  });

  it("refuses an undocumented status, field, value or missing field", () => {
    expect(validator.check(answer(409, error("conflict")))).toMatch(/status not documented/);
    expect(validator.check(answer(200, { ...org, extra: 1 }))).toMatch(/unevaluated/);
    expect(validator.check(answer(200, { ...org, maxKeyLifetimeDays: 7 }))).toMatch(
      /allowed values/,
    );
    const { name: _name, ...nameless } = org;
    expect(validator.check(answer(200, nameless))).toMatch(/required property 'name'/);
  });

  it("refuses a body on a 204 and an answer of an undocumented route other than 404", () => {
    expect(
      validator.check({ ...answer(204, {}, "DELETE", "/api/orgs/o/keys/k"), text: "{}" }),
    ).toMatch(/a body where the document has none/);
    expect(validator.check(answer(200, {}, "GET", "/api/nowhere"))).toMatch(/no such operation/);
  });

  it("requires Retry-After on a 429", () => {
    const limited = answer(429, error("rate_limited"), "POST", "/api/auth/login");
    expect(validator.check(limited)).toMatch(/no Retry-After header/);
    expect(
      validator.check({ ...limited, headers: { ...limited.headers, "retry-after": "60" } }),
    ).toBeUndefined();
  });
});

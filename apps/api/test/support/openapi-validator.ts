// Checks an HTTP answer against the OpenAPI document: the status must be one the operation
// documents, and the body must match its schema with no undocumented field.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { buildOpenApiDocument, type OpenApiDocument } from "../../src/openapi/document.js";

type Json = Record<string, unknown>;

/** Every object that lists its properties refuses others, so an undocumented field is caught. */
function closeObjects(schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const item of schema) closeObjects(item);
    return;
  }
  if (!schema || typeof schema !== "object") return;
  const node = schema as Json;
  if (node.properties && node.additionalProperties === undefined && !node.anyOf && !node.allOf) {
    node.unevaluatedProperties = false;
  }
  for (const value of Object.values(node)) closeObjects(value);
}

export interface Answer {
  method: string;
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string | undefined;
}

interface Route {
  pattern: RegExp;
  path: string;
  methods: Record<string, Json>;
}

export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly routes: Route[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(document: OpenApiDocument = buildOpenApiDocument()) {
    addFormats.default(this.ajv);
    const copy = structuredClone(document) as unknown as Json;
    closeObjects(copy);
    this.ajv.addSchema(copy, "openapi.json");
    // A literal segment wins over a parameter (`/keys/usage` before `/keys/{keyId}`), as in the routers.
    const params = (path: string) => path.split("{").length;
    this.routes = Object.entries(copy.paths as Record<string, Json>)
      .sort(([a], [b]) => params(a) - params(b))
      .map(([path, item]) => ({
        path,
        pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, "[^/]+")}$`),
        methods: item as Record<string, Json>,
      }));
  }

  private schemaAt(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `openapi.json#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }

  private errorSchema(): ValidateFunction {
    return this.schemaAt("/components/schemas/Error");
  }

  /** What is wrong with the answer, or undefined when the document allows it. */
  check(answer: Answer): string | undefined {
    const { pathname } = new URL(answer.url, "http://localhost");
    if (!/^\/(api|v1)\//.test(pathname) || pathname === "/api/openapi.json") return undefined;
    if (pathname.startsWith("/v1/_bench/")) return undefined;
    const method = answer.method.toLowerCase();
    if (method === "head" || method === "options") return undefined;
    const label = `${answer.method} ${pathname} → ${answer.status}`;
    const route = this.routes.find((r) => r.pattern.test(pathname));
    const operation = route?.methods[method];
    if (!route || !operation) {
      // Not an operation: a 404, or the 401 of a session-API prefix that needs a session first.
      const unauthenticatedFirst = answer.status === 401 && pathname.startsWith("/api/orgs/");
      if (answer.status !== 404 && !unauthenticatedFirst) {
        return `${label}: no such operation in the document`;
      }
      return this.validate(this.errorSchema(), answer.body, label);
    }
    const responses = operation.responses as Record<string, Json>;
    const response = responses[String(answer.status)];
    if (!response) {
      return `${label}: status not documented for ${String(operation.operationId)} (documented: ${Object.keys(responses).join(", ")})`;
    }
    for (const header of Object.keys((response.headers as Json | undefined) ?? {})) {
      if (header.toLowerCase() === "set-cookie") continue;
      if (answer.headers[header.toLowerCase()] === undefined)
        return `${label}: no ${header} header`;
    }
    const content = response.content as Json | undefined;
    if (!content) {
      return answer.text ? `${label}: a body where the document has none` : undefined;
    }
    const contentType = String(answer.headers["content-type"] ?? "");
    if (!contentType.startsWith("application/json")) {
      return `${label}: content-type ${contentType || "(none)"}, documented application/json`;
    }
    const pointer = `/paths/${route.path.replaceAll("~", "~0").replaceAll("/", "~1")}/${method}/responses/${answer.status}/content/application~1json/schema`;
    return this.validate(this.schemaAt(pointer), answer.body, label);
  }

  private validate(validate: ValidateFunction, body: unknown, label: string): string | undefined {
    if (validate(body)) return undefined;
    const problems = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || "(body)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
      .join("; ");
    return `${label}: the body does not match the document: ${problems}\n${JSON.stringify(body).slice(0, 500)}`;
  }
}

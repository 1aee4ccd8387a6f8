// A self-contained reference page rendered on the server from the OpenAPI document: no script,
// so it works under the app's Content-Security-Policy without a third-party bundle.

type Json = Record<string, unknown>;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The little Markdown the descriptions use: `code`, **bold** and line breaks. */
const inline = (s: string) =>
  escapeHtml(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/\n/g, "<br>");

const asObject = (value: unknown): Json =>
  value && typeof value === "object" ? (value as Json) : {};
const refName = (ref: string) => ref.split("/").pop() ?? ref;

function typeLabel(schema: Json): string {
  if (typeof schema.$ref === "string") {
    const name = refName(schema.$ref);
    return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
  }
  if (Array.isArray(schema.enum))
    return schema.enum.map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(" | ");
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (Array.isArray(variants)) return variants.map((v) => typeLabel(asObject(v))).join(" or ");
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : String(schema.type ?? "any");
  if (type === "array") return `array of ${typeLabel(asObject(schema.items))}`;
  return escapeHtml(schema.format ? `${type} (${String(schema.format)})` : type);
}

function schemaHtml(schema: Json, depth = 0): string {
  const properties = asObject(schema.properties);
  const names = Object.keys(properties);
  const variants = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (names.length === 0) {
    if (Array.isArray(variants) && depth < 3) {
      return `<ul>${variants.map((v) => `<li>${typeLabel(asObject(v))}${schemaHtml(asObject(v), depth + 1)}</li>`).join("")}</ul>`;
    }
    if (schema.type === "array" && depth < 3) return schemaHtml(asObject(schema.items), depth + 1);
    return "";
  }
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = names.map((name) => {
    const property = asObject(properties[name]);
    const nested = property.$ref ? "" : schemaHtml(property, depth + 1);
    const description =
      typeof property.description === "string" ? inline(property.description) : "";
    return `<tr><td><code>${escapeHtml(name)}</code>${required.has(name) ? "" : " <small>optional</small>"}</td><td>${typeLabel(property)}${nested}</td><td>${description}</td></tr>`;
  });
  const extra =
    schema.additionalProperties && depth === 0
      ? "<p><small>Other properties are allowed.</small></p>"
      : "";
  return `<table><tbody>${rows.join("")}</tbody></table>${extra}`;
}

const CURL: Record<string, string> = {
  "POST /v1/events": `curl -X POST "$KEYWARD_URL/v1/events" \\
  -H "x-api-token: $KEYWARD_API_KEY" -H "Content-Type: application/json" \\
  -d '[{"eventName":"page_view","path":"/pricing"}]'`,
  "GET /v1/metrics": `curl "$KEYWARD_URL/v1/metrics?eventName=page_view&interval=hour" \\
  -H "x-api-token: $KEYWARD_API_KEY"`,
  "GET /v1/key": `curl "$KEYWARD_URL/v1/key" -H "Authorization: Bearer $KEYWARD_API_KEY"`,
};

function operationHtml(method: string, path: string, operation: Json, shared: Json): string {
  const id = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, "-");
  const parts = [
    `<section id="${id}"><h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p><strong>${inline(String(operation.summary ?? ""))}</strong></p>`,
  ];
  if (typeof operation.description === "string")
    parts.push(`<p>${inline(operation.description)}</p>`);
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  if (parameters.length > 0) {
    const rows = parameters.map((parameter) => {
      const p =
        typeof parameter.$ref === "string" ? asObject(shared[refName(parameter.$ref)]) : parameter;
      const schema = asObject(p.schema);
      const defaultValue =
        schema.default === undefined
          ? ""
          : ` (default <code>${escapeHtml(String(schema.default))}</code>)`;
      return `<tr><td><code>${escapeHtml(String(p.name))}</code> <small>${escapeHtml(String(p.in))}${p.required ? ", required" : ""}</small></td><td>${typeLabel(schema)}${defaultValue}</td><td>${inline(String(p.description ?? ""))}</td></tr>`;
    });
    parts.push(`<h4>Parameters</h4><table><tbody>${rows.join("")}</tbody></table>`);
  }
  const body = asObject(
    asObject(asObject(operation.requestBody).content)["application/json"],
  ).schema;
  if (body)
    parts.push(`<h4>Body</h4><p>${typeLabel(asObject(body))}</p>${schemaHtml(asObject(body))}`);
  const responses = Object.entries(asObject(operation.responses)).map(([status, response]) => {
    const r = asObject(response);
    const schema = asObject(asObject(asObject(r.content)["application/json"]).schema);
    const type = Object.keys(schema).length > 0 ? ` — ${typeLabel(schema)}` : "";
    return `<li><code>${escapeHtml(status)}</code>${type}: ${inline(String(r.description ?? ""))}</li>`;
  });
  parts.push(`<h4>Responses</h4><ul>${responses.join("")}</ul>`);
  const curl = CURL[`${method.toUpperCase()} ${path}`];
  if (curl) parts.push(`<h4>Example</h4><pre>${escapeHtml(curl)}</pre>`);
  parts.push("</section>");
  return parts.join("\n");
}

export function renderReferencePage(document: Json): string {
  const info = asObject(document.info);
  const paths = asObject(document.paths);
  const sharedParameters = asObject(asObject(document.components).parameters);
  const byTag = new Map<string, string[]>();
  const toc: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, operation] of Object.entries(asObject(item))) {
      const op = asObject(operation);
      const tag = String((op.tags as string[] | undefined)?.[0] ?? "Other");
      const list = byTag.get(tag) ?? [];
      list.push(operationHtml(method, path, op, sharedParameters));
      byTag.set(tag, list);
      const id = `${method}-${path}`.replace(/[^a-zA-Z0-9]+/g, "-");
      toc.push(`<li><a href="#${id}">${method.toUpperCase()} ${escapeHtml(path)}</a></li>`);
    }
  }
  const sections = [...byTag].map(([tag, ops]) => `<h2>${escapeHtml(tag)}</h2>${ops.join("\n")}`);
  const schemas = Object.entries(asObject(asObject(document.components).schemas)).map(
    ([name, schema]) =>
      `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3><p>${inline(String(asObject(schema).description ?? ""))}</p>${schemaHtml(asObject(schema))}</section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(String(info.title ?? "API"))} reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1f2328}
nav{width:280px;flex:none;height:100vh;position:sticky;top:0;overflow:auto;border-right:1px solid #d0d7de;padding:16px;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding:0}main{padding:24px 40px;max-width:980px}
section{border-top:1px solid #d0d7de;padding:8px 0 16px}table{border-collapse:collapse;margin:6px 0;width:100%}
td{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top}td table{margin:4px 0}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px;font-size:13px}pre{background:#f6f8fa;padding:12px;overflow:auto;border-radius:6px}
.app-header{position:sticky;top:0;z-index:1;display:flex;align-items:center;gap:16px;padding:8px 16px;background:#fff;border-bottom:1px solid #d0d7de}
.app-header a{display:inline-flex;align-items:center;min-height:24px;padding:4px 8px}
.page{display:flex}nav{top:49px;height:calc(100vh - 49px)}nav li a,nav p a{display:flex;align-items:center;min-height:24px;padding:2px 0}
.method{font-size:12px;padding:2px 6px;border-radius:4px;color:#fff;background:#57606a}.get{background:#0969da}.post{background:#1a7f37}.patch{background:#9a6700}.delete{background:#cf222e}
</style></head><body>
<header class="app-header"><a href="/"><strong>Keyward</strong></a><a href="/">← Back to the app</a></header>
<div class="page"><nav><strong>${escapeHtml(String(info.title ?? ""))}</strong><p><a href="/api/openapi.json">openapi.json</a></p><ul>${toc.join("")}</ul></nav>
<main><h1>${escapeHtml(String(info.title ?? ""))} <small>${escapeHtml(String(info.version ?? ""))}</small></h1>
<p>${inline(String(info.description ?? ""))}</p>
${sections.join("\n")}
<h2>Schemas</h2>${schemas.join("\n")}
</main></div></body></html>`;
}

import type { Express } from "express";
import { buildOpenApiDocument } from "./document.js";
import { renderReferencePage } from "./reference-page.js";

/** Serves the OpenAPI document at /api/openapi.json and its reference page at /docs. */
export function mountApiReference(app: Express): void {
  let rendered: { json: string; html: string } | undefined;
  const render = () => {
    if (!rendered) {
      const document = buildOpenApiDocument();
      rendered = {
        json: JSON.stringify(document),
        html: renderReferencePage(document as unknown as Record<string, unknown>),
      };
    }
    return rendered;
  };

  // GET /api/openapi.json — the OpenAPI 3.1 document
  app.get("/api/openapi.json", (_req, res) => {
    res.type("application/json").send(render().json);
  });

  // GET /docs — the API reference, readable in a browser
  app.get("/docs", (_req, res) => {
    res.type("html").send(render().html);
  });
}

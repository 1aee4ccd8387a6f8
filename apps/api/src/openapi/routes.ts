import type { Express, Request } from "express";
import { buildOpenApiDocument } from "./document.js";
import { renderReferencePage } from "./reference-page.js";

/** Serves the OpenAPI document at /api/openapi.json and its reference page at /docs. */
export function mountApiReference(app: Express, publicUrl: string | undefined): void {
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  let html: string | undefined;
  const documentFor = (req: Request) => {
    document ??= buildOpenApiDocument();
    // The server is where the caller reached us, unless the deployment names its public URL.
    const url = publicUrl ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
    return { ...document, servers: [{ url: url.replace(/\/+$/, "") }] };
  };

  // GET /api/openapi.json — the OpenAPI 3.1 document
  app.get("/api/openapi.json", (req, res) => {
    res.json(documentFor(req));
  });

  // GET /docs — the API reference, readable in a browser
  app.get("/docs", (req, res) => {
    html ??= renderReferencePage(documentFor(req) as unknown as Record<string, unknown>);
    res.type("html").send(html);
  });
}

// Writes the OpenAPI document to apps/api/openapi.json, the file outside tools and
// @keyward/client generate from (a test fails when it differs from the code's document).
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildOpenApiDocument } from "./document.js";

export const DOCUMENT_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../openapi.json",
);

export const serializeDocument = (): string =>
  `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DOCUMENT_FILE, serializeDocument());
  console.log(`wrote ${DOCUMENT_FILE}`);
}

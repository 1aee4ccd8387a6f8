// A client generated from the document (here with openapi-typescript, as an outside developer
// would) has a real type for every success answer of both APIs: none is `unknown`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const documentFile = path.join(
  path.dirname(require.resolve("@keyward/api/package.json")),
  "openapi.json",
);

const CHECK = `
import type { paths } from "./openapi.js";
type Methods = "get" | "post" | "put" | "patch" | "delete";
type SuccessBody<R> = {
  [S in keyof R]: S extends 200 | 201
    ? R[S] extends { content: { "application/json": infer B } }
      ? B
      : "no JSON schema"
    : never;
}[keyof R];
type IsUntyped<T> = unknown extends T ? true : "no JSON schema" extends T ? true : false;
type Untyped = {
  [P in keyof paths]: {
    [M in Methods & keyof paths[P]]: paths[P][M] extends { responses: infer R }
      ? IsUntyped<SuccessBody<R>> extends true
        ? \`\${Uppercase<M>} \${P & string}\`
        : never
      : never;
  }[Methods & keyof paths[P]];
}[keyof paths];
export const everySuccessIsTyped: [Untyped] extends [never] ? true : Untyped = true;
`;

/** The type errors of a client generated from `document`, checked by CHECK. */
async function typeErrors(document: object): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kw-openapi-types-"));
  try {
    writeFileSync(path.join(dir, "openapi.ts"), astToString(await openapiTS(document as never)));
    writeFileSync(path.join(dir, "check.ts"), CHECK);
    const program = ts.createProgram([path.join(dir, "check.ts")], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
    });
    return ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const document = JSON.parse(readFileSync(documentFile, "utf8"));

describe("types generated from the document", () => {
  it("type every 2xx JSON answer of the session and public APIs", async () => {
    expect(await typeErrors(document)).toEqual([]);
  });

  it("would name an operation whose success answer has no schema", async () => {
    const broken = structuredClone(document);
    broken.paths["/api/orgs/{orgId}/keys"].get.responses["200"] = { description: "Success" };
    const errors = await typeErrors(broken);
    expect(errors.join("\n")).toContain("GET /api/orgs/{orgId}/keys");
  });
});

import { createRequire } from "node:module";
import path from "node:path";

const prismaDir = import.meta.dirname;
const repoRoot = path.dirname(prismaDir);
// prisma is a dependency of packages/db, not of the repository root.
const require = createRequire(path.join(repoRoot, "packages", "db", "package.json"));
const { defineConfig }: typeof import("prisma/config") = require("prisma/config");

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(prismaDir, "engine", "schema-engine.mjs");

// DATABASE_URL when it is a SQLite url (relative paths from the repository root, as for
// @keyward/db), else the default development database.
const url = process.env.DATABASE_URL?.startsWith("file:") ? process.env.DATABASE_URL : undefined;
const file = url?.replace(/^file:(\/\/)?/, "") ?? path.join("data", "keyward.db");

export default defineConfig({
  schema: path.join(prismaDir, "schema.sqlite.prisma"),
  migrations: { path: path.join(prismaDir, "migrations", "sqlite") },
  datasource: { url: `file:${path.resolve(repoRoot, file)}` },
});

import { createRequire } from "node:module";
import path from "node:path";

const prismaDir = import.meta.dirname;
// prisma is a dependency of packages/db, not of the repository root.
const require = createRequire(path.join(prismaDir, "..", "packages", "db", "package.json"));
const { defineConfig }: typeof import("prisma/config") = require("prisma/config");

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(prismaDir, "engine", "schema-engine.mjs");

export default defineConfig({
  schema: path.join(prismaDir, "schema.sqlite.prisma"),
  migrations: { path: path.join(prismaDir, "migrations", "sqlite") },
  datasource: {
    url: process.env.DATABASE_URL?.startsWith("file:")
      ? process.env.DATABASE_URL
      : `file:${path.join(prismaDir, "..", "data", "keyward.db")}`,
  },
});

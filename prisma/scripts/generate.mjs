#!/usr/bin/env node
// Writes schema.postgres.prisma from schema.sqlite.prisma, then generates both Prisma clients.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { toPostgresSchema } from "./postgres-schema.mjs";
import { prismaDir, runPrisma } from "./prisma-cli.mjs";

const sqliteSchema = join(prismaDir, "schema.sqlite.prisma");
const postgresSchema = join(prismaDir, "schema.postgres.prisma");

const next = toPostgresSchema(readFileSync(sqliteSchema, "utf8"));
let current = "";
try {
  current = readFileSync(postgresSchema, "utf8");
} catch {}
if (current !== next) writeFileSync(postgresSchema, next);

for (const schema of [sqliteSchema, postgresSchema]) {
  runPrisma(["generate", "--schema", schema]);
}

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toPostgresSchema } from "../../../prisma/scripts/postgres-schema.mjs";
import { repoRoot } from "../src/paths.js";
import type { TestDatabase } from "../src/testing.js";
import { createMigratedDatabase, prismaMigrate, providers } from "./helpers.js";

const prismaDir = join(repoRoot(), "prisma");
const read = (file: string) => readFileSync(join(prismaDir, file), "utf8");
const migrationNames = (provider: string) =>
  readdirSync(join(prismaDir, "migrations", provider), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

describe("schema and migrations", () => {
  it("schema.postgres.prisma is what generate.mjs makes of schema.sqlite.prisma", () => {
    expect(read("schema.postgres.prisma")).toBe(toPostgresSchema(read("schema.sqlite.prisma")));
  });

  it("both migration folders hold the same migrations", () => {
    expect(migrationNames("postgres")).toEqual(migrationNames("sqlite"));
    expect(migrationNames("sqlite").length).toBeGreaterThan(0);
  });

  const databases: TestDatabase[] = [];
  afterAll(() => Promise.all(databases.map((db) => db.drop())));

  describe.each(providers)("%s", (provider) => {
    const folder = provider === "sqlite" ? "sqlite" : "postgres";
    const schema = join(prismaDir, `schema.${folder}.prisma`);

    it("the migrations, replayed on a shadow database, give the schema", async () => {
      const db = await createMigratedDatabase(provider);
      databases.push(db);
      const diff = ["diff", "--from-migrations", join(prismaDir, "migrations", folder)];
      const result = prismaMigrate(db.url, ...diff, "--to-schema", schema, "--exit-code");
      expect(result.output).toContain("No difference detected");
      expect(result.status).toBe(0);
    });

    it("a database migrated by migrateDatabase matches the schema", async () => {
      const db = await createMigratedDatabase(provider);
      databases.push(db);
      const diff = ["diff", "--from-config-datasource", "--to-schema", schema, "--exit-code"];
      const result = prismaMigrate(db.url, ...diff);
      expect(result.output).toContain("No difference detected");
      expect(result.status).toBe(0);
    });
  });
});

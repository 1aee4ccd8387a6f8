import { defineConfig } from "vitest/config";

// `*.postgres.test.ts` need PostgreSQL (several server processes on one database): they run only
// when TEST_DATABASE_URL names a server, as in `npm test`'s and CI's PostgreSQL run.
const postgresOnly = process.env.TEST_DATABASE_URL ? [] : ["test/**/*.postgres.test.ts"];

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...postgresOnly],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

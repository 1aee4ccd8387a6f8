import { defineConfig } from "vitest/config";

// `*.postgres.test.ts` need PostgreSQL (several server processes on one database): they run only
// when TEST_DATABASE_URL names a server, as in `npm test`'s and CI's PostgreSQL run.
// `*.redis.test.ts` need a real Redis: they run only when TEST_REDIS_URL names one.
const needsService = [
  ...(process.env.TEST_DATABASE_URL ? [] : ["**/*.postgres.test.ts"]),
  ...(process.env.TEST_REDIS_URL ? [] : ["**/*.redis.test.ts"]),
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every answer the suites receive must match the OpenAPI document.
    setupFiles: ["test/support/validate-answers.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "api",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["**/node_modules/**", "test/faults/**", ...needsService],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Load and fault tests saturate the CPU and time their answers: they run after the
        // others, one file at a time, so neither side's timings are skewed by the other.
        extends: true,
        test: {
          name: "faults",
          include: ["test/faults/**/*.test.ts"],
          exclude: ["**/node_modules/**", ...needsService],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

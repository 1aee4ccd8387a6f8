import { defineConfig } from "vitest/config";

export default defineConfig({
  // Some tests run the real Prisma CLI, a few seconds per call.
  test: { testTimeout: 120_000, hookTimeout: 60_000 },
});

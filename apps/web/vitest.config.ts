import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { "@": decodeURIComponent(new URL("./src", import.meta.url).pathname) },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/testing/setup-tests.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
    // user-event types one key at a time through React: the restriction journeys take 1.5 s on a
    // quiet machine and over 5 s (vitest's default limit) on a shared, loaded one.
    testTimeout: 20_000,
  },
});

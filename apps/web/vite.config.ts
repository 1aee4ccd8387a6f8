import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the API runs on its own (pnpm --filter @keyward/api dev, port 3000);
// in production it serves this build itself, on one origin.
const API_ORIGIN = "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: { "@": decodeURIComponent(new URL("./src", import.meta.url).pathname) },
  },
  server: {
    port: 5173,
    proxy: {
      "/api": { target: API_ORIGIN },
      "/v1": { target: API_ORIGIN },
    },
  },
  build: {
    outDir: "dist",
    // Not served in production (the issue: source maps were public); `vite build --sourcemap` locally.
    sourcemap: false,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: a separate, long-cached chunk.
        codeSplitting: {
          groups: [
            {
              name: "react",
              test: /node_modules[\\/](react|react-dom|scheduler|react-router)/,
              tags: ["$initial"],
            },
            // Only what the first load needs: libraries behind a dynamic import (the key dialog's
            // chart) stay in the lazy chunk that imports them.
            { name: "vendor", test: /node_modules/, tags: ["$initial"] },
          ],
        },
      },
    },
  },
});

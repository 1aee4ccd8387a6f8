import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "..");
const apiDir = path.join(repoRoot, "apps/api");
const apiStartCommand: string = JSON.parse(readFileSync(path.join(apiDir, "package.json"), "utf8"))
  .scripts.start;

export const PORT = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://localhost:${PORT}`;
// Per-run files (results, the signed-in admin). A second run in the same working tree sets
// E2E_RUN_DIR elsewhere, or each would wipe the other's results and replace its session.
process.env.E2E_RUN_DIR ??= path.join(here, "artifacts");
const runDir = process.env.E2E_RUN_DIR;
export const ADMIN_STATE = path.join(runDir, ".auth", "admin.json");

// One fresh SQLite database per run, in a temporary folder that global-teardown.ts removes. The
// config is also loaded by every worker: the path travels to them through the environment.
process.env.KEYWARD_E2E_DB ??= path.join(
  mkdtempSync(path.join(tmpdir(), "keyward-e2e-")),
  "keyward.db",
);
const dbFile = process.env.KEYWARD_E2E_DB;

// The system's Chromium where there is one (Debian's `chromium`), Playwright's own elsewhere.
const systemChromium = [process.env.CHROMIUM_PATH, "/usr/bin/chromium"].find(
  (candidate): candidate is string => Boolean(candidate) && existsSync(candidate as string),
);

export default defineConfig({
  testDir: "tests",
  globalTeardown: "./global-teardown.ts",
  outputDir: path.join(runDir, "test-results"),
  fullyParallel: true,
  forbidOnly: true,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  // Generous: bcrypt (cost 12) sign-ups and a shared, busy CI machine make journeys slow.
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { outputFolder: "artifacts/report", open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: systemChromium
      ? {
          executablePath: systemChromium,
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        }
      : {},
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1280, height: 800 },
        storageState: ADMIN_STATE,
      },
      dependencies: ["setup"],
    },
  ],
  webServer: {
    // Built by the root test command (`pnpm build`); this only starts the production server, with
    // the API package's own start command (its node flags with it).
    command: apiStartCommand,
    cwd: apiDir,
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      DATABASE_URL: `file:${dbFile}`,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      // Every journey signs up its own accounts, all from this one address.
      SIGNUPS_PER_IP: "10000",
    },
  },
});

#!/usr/bin/env node
// The README's two commands: `npm start` and `npm test`, on a machine with only Node.js and npm.
// Brings the pinned pnpm (through npx when it is not installed), installs, builds, then starts
// the app or runs every test.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pnpmVersion = JSON.parse(
  readFileSync(path.join(root, "package.json"), "utf8"),
).packageManager.split("@")[1];
const [command, ...rest] = process.argv.slice(2);

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(cmd, args, options) {
  const status = run(cmd, args, options);
  if (status !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(" ")} failed (exit ${status})`);
    process.exit(status);
  }
}

function hasPinnedPnpm() {
  const r = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === pnpmVersion;
}

// Re-run this script with the pinned pnpm on PATH (nested package scripts call `pnpm` too).
if (!hasPinnedPnpm() && !process.env.KEYWARD_BOOTSTRAPPED) {
  console.log(`→ fetching pnpm@${pnpmVersion} through npx`);
  process.exit(
    run(
      "npx",
      ["-y", "-p", `pnpm@${pnpmVersion}`, "node", fileURLToPath(import.meta.url), command, ...rest],
      {
        env: { ...process.env, KEYWARD_BOOTSTRAPPED: "1" },
      },
    ),
  );
}

function installAndBuild() {
  must("pnpm", ["install", "--frozen-lockfile"]);
  must("pnpm", ["build"]);
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  return candidates.find((p) => p && existsSync(p));
}

/** A system Chromium where there is one (or can be installed with apt as root); Playwright's own elsewhere. */
function ensureChromium() {
  if (findChromium()) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync("/usr/bin/apt-get")) {
    console.log("→ installing Chromium from the system's packages");
    if (
      run("apt-get", ["update", "-qq"]) === 0 &&
      run("apt-get", ["install", "-y", "-qq", "chromium"]) === 0
    ) {
      return;
    }
  }
  console.log("→ installing Playwright's Chromium");
  must("pnpm", ["--filter", "@keyward/e2e", "exec", "playwright", "install", "chromium"]);
}

switch (command) {
  case "start": {
    installAndBuild();
    must("node", ["apps/api/dist/src/server.js"], {
      env: { NODE_ENV: "production", ...process.env },
    });
    break;
  }
  case "test": {
    installAndBuild();
    ensureChromium();
    must("pnpm", ["lint"]);
    must("pnpm", ["typecheck"]);
    must("pnpm", ["test:unit"]);
    must("pnpm", ["test:e2e"], { env: { ...process.env, CHROMIUM_PATH: findChromium() ?? "" } });
    console.log("\n✓ all tests passed");
    break;
  }
  default:
    console.error("usage: node scripts/bootstrap.mjs <start|test>");
    process.exit(2);
}

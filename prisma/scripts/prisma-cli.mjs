import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const prismaDir = dirname(dirname(fileURLToPath(import.meta.url)));
export const repoRoot = dirname(prismaDir);
export const engineStandIn = join(prismaDir, "engine", "schema-engine.mjs");

// The Prisma CLI is a dependency of packages/db, not of the repository root.
const require = createRequire(join(repoRoot, "packages", "db", "package.json"));
const cliPath = join(dirname(require.resolve("prisma/package.json")), "build", "index.js");

/**
 * Runs the real Prisma CLI with the wasm schema-engine stand-in; exits when it fails.
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, exit?: boolean }} [options]
 * @returns {number} the exit status
 */
export function runPrisma(args, { env = {}, exit = true } = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    stdio: "inherit",
    // A schema-engine binary configured by the caller still wins over the stand-in.
    env: {
      PRISMA_SCHEMA_ENGINE_BINARY: engineStandIn,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
      ...process.env,
      ...env,
    },
  });
  const status = result.status ?? 1;
  if (status !== 0 && exit) process.exit(status);
  return status;
}

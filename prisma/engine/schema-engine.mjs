#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, which cannot be downloaded here: the CLI
// finds it through PRISMA_SCHEMA_ENGINE_BINARY and drives it exactly like the native engine
// (JSON-RPC 2.0 over stdio, or one-shot `cli <command>` calls), while the work is done by the
// WebAssembly build of the same engine through the driver adapters.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import {
  BetterSqlite3,
  dropSqliteObjects,
  ENGINE_HASH,
  openEngine,
  pg,
  pgConfig,
  providerOf,
  quoteIdent,
  sqlitePath,
  withPgAdmin,
} from "./wasm-engine.mjs";

const { values, positionals } = parseArgs({
  options: {
    datamodels: { type: "string", multiple: true, default: [] },
    datasource: { type: "string" },
    version: { type: "boolean", short: "V" },
    "enabled-preview-features": { type: "string" },
    "extension-types": { type: "string" },
  },
  allowPositionals: true,
  strict: false,
});

if (values.version) {
  console.log(`schema-engine-cli ${ENGINE_HASH}`);
  process.exit(0);
}

const schemaFiles = /** @type {string[]} */ (values.datamodels);
const url = urlOf(/** @type {string | undefined} */ (values.datasource), schemaFiles);

if (positionals[0] === "cli") {
  await oneShot(positionals[1] ?? "");
} else {
  await serve();
}

/**
 * @param {string | undefined} datasource JSON `{url}` given by the CLI
 * @param {string[]} files
 */
function urlOf(datasource, files) {
  const given = datasource ? JSON.parse(datasource).url : undefined;
  if (given) return /** @type {string} */ (given);
  // Schema-only work (e.g. `migrate diff` between schemas) still needs an adapter of the right kind.
  const schema = files.map((file) => readFileSync(file, "utf8")).join("\n");
  return /provider\s*=\s*"postgres(ql)?"/.test(schema)
    ? "postgresql://localhost/postgres"
    : "file::memory:";
}

// ---------------------------------------------------------------- one-shot commands

/** @param {string} command */
async function oneShot(command) {
  try {
    const provider = providerOf(url);
    if (command === "can-connect-to-database") await canConnect(provider);
    else if (command === "create-database") await createDatabase(provider);
    else if (command === "drop-database") await dropDatabase(provider);
    else throw Object.assign(new Error(`Unknown command: ${command}`), { code: "P1000" });
    process.exit(0);
  } catch (error) {
    const { code = "P1000", message } = /** @type {{ code?: string, message: string }} */ (error);
    // The CLI skips the first stderr line and reads the others as JSON log lines.
    process.stderr.write(
      `schema-engine-cli ${ENGINE_HASH}\n${JSON.stringify({
        timestamp: new Date().toISOString(),
        level: "ERROR",
        target: "schema_engine::logger",
        fields: { error_code: code.startsWith("P") ? code : "P1000", message },
      })}`,
    );
    process.exit(1);
  }
}

/** @param {"sqlite" | "postgresql"} provider */
async function canConnect(provider) {
  if (provider === "sqlite") {
    const path = sqlitePath(url);
    if (!existsSync(path)) {
      throw Object.assign(new Error(`Database \`${path}\` does not exist`), { code: "P1003" });
    }
    return;
  }
  const config = pgConfig(url);
  const client = new pg.Client(config);
  try {
    await client.connect();
  } catch (error) {
    if (/** @type {{ code?: string }} */ (error).code === "3D000") {
      throw Object.assign(
        new Error(
          `Database \`${config.database}\` does not exist on the database server at \`${config.host}:${config.port ?? 5432}\`.`,
        ),
        { code: "P1003" },
      );
    }
    throw Object.assign(new Error(/** @type {Error} */ (error).message), { code: "P1001" });
  } finally {
    await client.end().catch(() => {});
  }
}

/** @param {"sqlite" | "postgresql"} provider */
async function createDatabase(provider) {
  if (provider === "sqlite") {
    const path = sqlitePath(url);
    mkdirSync(dirname(path), { recursive: true });
    new BetterSqlite3(path).close();
    return;
  }
  const name = pgConfig(url).database ?? "postgres";
  await withPgAdmin(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
}

/** @param {"sqlite" | "postgresql"} provider */
async function dropDatabase(provider) {
  if (provider === "sqlite") {
    const path = sqlitePath(url);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(path + suffix, { force: true });
    return;
  }
  const name = pgConfig(url).database ?? "postgres";
  await withPgAdmin(url, (c) =>
    c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
  );
}

// ---------------------------------------------------------------- JSON-RPC server

async function serve() {
  // The wasm engine can throw outside any promise (e.g. when it connects, at start, to a missing
  // database). Such an error fails the requests: if the engine died before answering, the CLI
  // would end silently with status 0.
  /** @type {(error: unknown) => void} */
  let fatal = () => {};
  /** @type {Promise<never>} */
  const fatalError = new Promise((_, reject) => {
    fatal = reject;
  });
  fatalError.catch(() => {});
  process.on("uncaughtException", (error) => fatal(error));
  process.on("unhandledRejection", (error) => fatal(error));

  // JSON log lines on stderr, as the native engine writes them; the CLI collects them.
  const log = (/** @type {string} */ line) => process.stderr.write(`${line.trim()}\n`);
  const opening = openEngine({ url, schemaFiles, log });
  const handlers = opening.then(handlersFor);
  handlers.catch(() => {});

  /** @type {Map<number | string, (result: unknown) => void>} */
  const pendingRequests = new Map();
  let nextId = 1;
  const send = (/** @type {object} */ message) =>
    process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  // Like the native engine, `diff` has the CLI print its script before it answers.
  const print = (/** @type {string} */ content) =>
    new Promise((resolve) => {
      const id = `standin-${nextId++}`;
      pendingRequests.set(id, resolve);
      send({ id, method: "print", params: { content } });
    });

  /** @param {{ id: number | string, method: string, params?: unknown }} message */
  async function handle(message) {
    try {
      const run = async () => (await handlers)(message.method, message.params ?? {}, print);
      const result = await Promise.race([run(), fatalError]);
      send({ id: message.id, result: result ?? {} });
    } catch (thrown) {
      const explain = await opening.then(
        (opened) => opened.explain,
        () => undefined,
      );
      send({ id: message.id, error: toRpcError(explain ? explain(thrown) : thrown) });
    }
  }

  // The CLI ends stdin and kills the engine at once: clean up on either.
  /** @type {Promise<never> | undefined} */
  let stopping;
  const shutdown = () => {
    stopping ??= opening
      .then((opened) => opened.close())
      .catch(() => {})
      .then(() => process.exit(0));
    return stopping;
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);

  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const message = JSON.parse(line);
    if (message.method === undefined) {
      pendingRequests.get(message.id)?.(message.result);
      pendingRequests.delete(message.id);
      continue;
    }
    queue = queue.then(() => handle(message));
  }
  await queue;
  await shutdown();
}

/**
 * Runs JSON-RPC methods on the wasm engine; their names and params are the engine's own, except
 * where the wasm build needs help to behave like the native engine.
 * @param {import("./wasm-engine.mjs").WasmEngine} opened
 */
function handlersFor({ engine, provider }) {
  const filters = { externalTables: [], externalEnums: [] };
  // The wasm engine fails on a database without `_prisma_migrations`; the native one copes.
  const ensureMigrationsTable = () =>
    engine.applyMigrations({
      migrationsList: {
        baseDir: process.cwd(),
        lockfile: { path: "migration_lock.toml", content: null },
        shadowDbInitScript: "",
        migrationDirectories: [],
      },
      filters,
    });
  // evaluateDataLoss and createMigration read the migrations' schema from a cache that only the
  // shadow-database path of diagnoseMigrationHistory fills; on a miss the wasm engine fails
  // ("shadow DB must be provided through an external factory").
  const warmMigrationSchemaCache = (/** @type {any} */ params) =>
    engine
      .diagnoseMigrationHistory({ ...params, optInToShadowDatabase: true, filters })
      .catch(() => {});

  /** @type {Record<string, (params: any, print: (content: string) => Promise<unknown>) => Promise<unknown>>} */
  const special = {
    getDatabaseVersion: (params) => engine.version(params),
    diagnoseMigrationHistory: async (params) => {
      await ensureMigrationsTable();
      return engine.diagnoseMigrationHistory(params);
    },
    devDiagnostic: async (params) => {
      await ensureMigrationsTable();
      return engine.devDiagnostic(params);
    },
    markMigrationApplied: async (params) => {
      await ensureMigrationsTable();
      return engine.markMigrationApplied(params);
    },
    evaluateDataLoss: async (params) => {
      await warmMigrationSchemaCache({ migrationsList: params.migrationsList });
      return engine.evaluateDataLoss(params);
    },
    createMigration: async (params) => {
      await warmMigrationSchemaCache({ migrationsList: params.migrationsList });
      return engine.createMigration(params);
    },
    diff: async (params, print) => {
      const result = await engine.diff(params);
      if (result.stdout !== null) await print(result.stdout);
      return { exitCode: result.exitCode, stdout: null };
    },
    // The wasm reset only empties SQLite tables; drop them too.
    reset: async (params) =>
      provider === "sqlite" ? dropSqliteObjects(sqlitePath(url)) : engine.reset(params),
  };

  /**
   * @param {string} method
   * @param {any} params
   * @param {(content: string) => Promise<unknown>} print
   */
  return (method, params, print) => {
    const handler = special[method];
    if (handler) return handler(params, print);
    const generic = /** @type {any} */ (engine)[method];
    if (typeof generic !== "function") throw new Error(`Unknown method: ${method}`);
    return generic.call(engine, params);
  };
}

/**
 * The wasm engine throws Errors carrying a Prisma error `code` (e.g. P1014) and maybe `meta`.
 * @param {unknown} thrown
 */
function toRpcError(thrown) {
  const { code, meta, message } =
    /** @type {{ code?: unknown, meta?: unknown, message?: unknown }} */ (thrown ?? {});
  return {
    code: 4466,
    message: "An error happened. Check the data field for details.",
    data: {
      is_panic: false,
      message: String(message ?? thrown),
      error_code: typeof code === "string" && /^P\d{4}$/.test(code) ? code : null,
      meta: meta ?? null,
    },
  };
}

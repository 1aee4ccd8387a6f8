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
  // JSON log lines on stderr, as the native engine writes them; the CLI collects them.
  const log = (/** @type {string} */ line) => process.stderr.write(`${line.trim()}\n`);
  const { engine, provider, explain, close } = await openEngine({ url, schemaFiles, log });

  /** @type {Map<number | string, (result: unknown) => void>} */
  const pendingRequests = new Map();
  let nextId = 1;
  const send = (/** @type {object} */ message) =>
    process.stdout.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
  /** @param {string} method @param {unknown} params */
  const request = (method, params) =>
    new Promise((resolve) => {
      const id = `standin-${nextId++}`;
      pendingRequests.set(id, resolve);
      send({ id, method, params });
    });

  /** @type {Record<string, (params: any) => Promise<unknown>>} */
  const handlers = {
    getDatabaseVersion: (params) => engine.version(params),
    // The wasm engine fails on a database without `_prisma_migrations`; the native one copes.
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
    diff: async (params) => {
      const result = await engine.diff(params);
      // Like the native engine: the CLI prints the script, then gets the result.
      if (result.stdout !== null) await request("print", { content: result.stdout });
      return { exitCode: result.exitCode, stdout: null };
    },
    reset: async (params) => {
      // The wasm reset only empties SQLite tables; drop them too.
      if (provider === "sqlite") return dropSqliteObjects(sqlitePath(url));
      return engine.reset(params);
    },
  };

  async function ensureMigrationsTable() {
    await engine.applyMigrations({
      migrationsList: {
        baseDir: process.cwd(),
        lockfile: { path: "migration_lock.toml", content: null },
        shadowDbInitScript: "",
        migrationDirectories: [],
      },
      filters: { externalTables: [], externalEnums: [] },
    });
  }

  /** @param {{ id: number | string, method: string, params?: unknown }} message */
  async function handle(message) {
    const handler = handlers[message.method];
    try {
      const result = handler
        ? await handler(message.params)
        : await /** @type {any} */ (engine)[message.method](message.params ?? {});
      send({ id: message.id, result: result ?? {} });
    } catch (thrown) {
      send({ id: message.id, error: toRpcError(thrown, explain) });
    }
  }

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
  await close();
  process.exit(0);
}

/**
 * @param {unknown} thrown
 * @param {(error: unknown) => Error} explain
 */
function toRpcError(thrown, explain) {
  const known =
    /** @type {{ message?: string, error_code?: string, meta?: unknown, is_panic?: boolean }} */ (
      typeof thrown === "object" && thrown !== null ? thrown : {}
    );
  const message = known.error_code ? String(known.message) : explain(thrown).message;
  return {
    code: 4466,
    message: "An error happened. Check the data field for details.",
    data: {
      is_panic: known.is_panic ?? false,
      message,
      error_code: known.error_code ?? null,
      meta: known.meta ?? null,
    },
  };
}

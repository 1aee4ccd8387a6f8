// Prisma's schema engine as WebAssembly, reaching databases through the driver adapters.
// Used by the schema-engine stand-in that the Prisma CLI drives (schema-engine.mjs).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ENGINE_HASH = "d1b3f377ca835d73fd50954a5e22128b9ebdd6b8";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Engine dependencies are installed for packages/db, not for the repository root.
const require = createRequire(join(repoRoot, "packages", "db", "package.json"));
export const pg = require("pg");
/** @type {typeof import("better-sqlite3")} */
export const BetterSqlite3 = require("better-sqlite3");
const { parseIntoClientConfig } = require("pg-connection-string");
const { PrismaPg } = require("@prisma/adapter-pg");
const { PrismaBetterSqlite3 } = require("@prisma/adapter-better-sqlite3");
const { bindMigrationAwareSqlAdapterFactory } = require("@prisma/driver-adapter-utils");

/** @typedef {"sqlite" | "postgresql"} Provider */

/** @param {string} url @returns {Provider} */
export function providerOf(url) {
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  if (url.startsWith("file:")) return "sqlite";
  throw new Error(`Unsupported database url (expected file: or postgresql://): ${redact(url)}`);
}

/** @param {string} url */
function redact(url) {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/**
 * The file of a `file:` url; relative paths resolve from the working directory.
 * @param {string} url
 */
export function sqlitePath(url) {
  const path = url.replace(/^file:(\/\/)?/, "").replace(/\?.*$/, "");
  return path === ":memory:" ? path : resolve(path);
}

/**
 * pg config for a url, parsed: adapter-pg's shadow database must be able to override `database`.
 * @param {string} url
 * @param {string} [database]
 * @returns {import("pg").PoolConfig}
 */
export function pgConfig(url, database) {
  const config = parseIntoClientConfig(url);
  // Without a user name, libpq's default: the OS user (pg only reads $USER).
  const user = config.user || process.env.USER || userInfo().username;
  return { ...config, user, ...(database ? { database } : {}) };
}

/** @param {string} name */
export const quoteIdent = (name) => `"${name.replaceAll('"', '""')}"`;

/**
 * Runs `fn` with a client on the server's maintenance database.
 * @template T
 * @param {string} url
 * @param {(client: import("pg").Client) => Promise<T>} fn
 */
export async function withPgAdmin(url, fn) {
  const client = new pg.Client(pgConfig(url, "postgres"));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

// The engine's describer reads Postgres' internal "char" columns (OID 18), which adapter-pg cannot
// map; they are plain text to everyone else.
let charPatched = false;
function readInternalCharAsText() {
  if (charPatched) return;
  charPatched = true;
  const original = pg.Query.prototype.handleRowDescription;
  pg.Query.prototype.handleRowDescription = function (/** @type {any} */ msg) {
    for (const field of msg.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return original.call(this, msg);
  };
}

/**
 * Strips comments and quoted text, then tells whether more than one statement remains.
 * @param {string} sql
 */
function isMultiStatement(sql) {
  const bare = sql.replace(
    /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\w*)\$[\s\S]*?\$\1\$/g,
    " ",
  );
  return bare.split(";").filter((part) => part.trim() !== "").length > 1;
}

/**
 * The engine replays whole migration scripts through queryRaw/executeRaw, which run one
 * statement; send those to the script method instead. On Postgres, run a script as one simple
 * query on one connection (adapter-pg splits it on every ";", across pool connections).
 * @param {any} adapter
 * @param {import("pg").Pool} [pool]
 */
function scriptAware(adapter, pool) {
  const executeScript = pool
    ? async (/** @type {string} */ script) => {
        await pool.query(script);
      }
    : adapter.executeScript.bind(adapter);
  const queryRaw = adapter.queryRaw.bind(adapter);
  const executeRaw = adapter.executeRaw.bind(adapter);
  const isScript = (/** @type {any} */ q) => q.args.length === 0 && isMultiStatement(q.sql);
  adapter.executeScript = executeScript;
  adapter.queryRaw = async (/** @type {any} */ q) => {
    if (!isScript(q)) return queryRaw(q);
    await executeScript(q.sql);
    return { columnNames: [], columnTypes: [], rows: [] };
  };
  adapter.executeRaw = async (/** @type {any} */ q) => {
    if (!isScript(q)) return executeRaw(q);
    await executeScript(q.sql);
    return 0;
  };
  return adapter;
}

/**
 * A migration-aware adapter factory for the wasm engine. `close()` disposes what the engine left
 * open (it does not dispose its connections when freed) and drops leftover shadow databases.
 * @param {string} url
 */
function createAdapterFactory(url) {
  /** @type {Set<() => Promise<void>>} */
  const open = new Set();
  /** @param {any} adapter @param {() => Promise<void>} [afterDispose] */
  const tracked = (adapter, afterDispose = async () => {}) => {
    const dispose = adapter.dispose.bind(adapter);
    const disposeOnce = async () => {
      if (!open.delete(disposeOnce)) return;
      await dispose();
      await afterDispose();
    };
    open.add(disposeOnce);
    adapter.dispose = disposeOnce;
    return adapter;
  };
  const close = async () => {
    for (const dispose of [...open]) await dispose();
  };

  if (providerOf(url) === "sqlite") {
    const inner = new PrismaBetterSqlite3({ url: sqlitePath(url) });
    return {
      provider: "sqlite",
      adapterName: inner.adapterName,
      connect: async () => tracked(scriptAware(await inner.connect())),
      connectToShadowDb: async () => tracked(scriptAware(await inner.connectToShadowDb())),
      close,
    };
  }

  readInternalCharAsText();
  const connectTo = async (/** @type {string | undefined} */ database) => {
    const pool = new pg.Pool({ ...pgConfig(url, database), max: 4 });
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    return scriptAware(adapter, pool);
  };
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: async () => tracked(await connectTo(undefined)),
    // adapter-pg would drop its shadow database before closing its pool onto it, and fail.
    connectToShadowDb: async () => {
      const name = `prisma_migrate_shadow_db_${randomUUID()}`;
      const admin = (/** @type {string} */ sql) =>
        withPgAdmin(url, (c) => c.query(sql)).then(() => {});
      await admin(`CREATE DATABASE ${quoteIdent(name)}`);
      const dropShadow = () => admin(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      try {
        return tracked(await connectTo(name), dropShadow);
      } catch (error) {
        await dropShadow();
        throw error;
      }
    },
    close,
  };
}

/** @type {Promise<typeof import("@prisma/schema-engine-wasm")> | undefined} */
let wasmModule;

/** Loads the schema engine built from the Prisma CLI's own engine commit. */
function loadWasm() {
  wasmModule ??= (async () => {
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = await import(pathToFileURL(gluePath).href);
    const wasmPath = join(
      dirname(require.resolve("prisma/package.json")),
      "build",
      "schema_engine_bg.wasm",
    );
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
      "./schema_engine_bg.js": glue,
    });
    glue.__wbg_set_wasm(instance.exports);
    /** @type {any} */ (instance.exports).__wbindgen_start();
    return glue;
  })();
  return wasmModule;
}

/**
 * @typedef {object} WasmEngine
 * @property {import("@prisma/schema-engine-wasm").SchemaEngine} engine
 * @property {Provider} provider
 * @property {(error: unknown) => Error} explain turns "External error id#N" into the driver error
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ url: string, schemaFiles?: string[], log?: (line: string) => void }} options
 * @returns {Promise<WasmEngine>}
 */
export async function openEngine({ url, schemaFiles = [], log = () => {} }) {
  const { SchemaEngine } = await loadWasm();
  const factory = createAdapterFactory(url);
  const bound = bindMigrationAwareSqlAdapterFactory(/** @type {any} */ (factory));
  /** @type {[string, string][] | undefined} */
  const datamodels = schemaFiles.length
    ? schemaFiles.map((file) => [file, readFileSync(file, "utf8")])
    : undefined;
  const engine = await SchemaEngine.new({ datamodels }, log, bound);
  return {
    engine,
    provider: providerOf(url),
    explain: (error) => explainError(error, bound.errorRegistry),
    close: async () => {
      engine.free();
      await factory.close();
    },
  };
}

/**
 * @param {unknown} error
 * @param {{ consumeError(id: number): { error: unknown } | undefined }} registry
 * @returns {Error}
 */
function explainError(error, registry) {
  const base =
    error instanceof Error
      ? error
      : new Error(String(/** @type {any} */ (error)?.message ?? error));
  const id = /External error id#(\d+)/.exec(base.message)?.[1];
  const driverError = id ? registry.consumeError(Number(id))?.error : undefined;
  if (driverError) base.message += `: ${JSON.stringify(driverError)}`;
  return base;
}

/**
 * Drops every table, view, index and trigger of a SQLite database (the wasm reset only deletes rows).
 * @param {string} path
 */
export function dropSqliteObjects(path) {
  const db = new BetterSqlite3(path);
  try {
    db.pragma("foreign_keys = OFF");
    const objects = /** @type {{ type: string, name: string }[]} */ (
      db
        .prepare(
          "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'",
        )
        .all()
    );
    db.transaction(() => {
      for (const { type, name } of objects)
        db.exec(`DROP ${type.toUpperCase()} IF EXISTS ${quoteIdent(name)}`);
    })();
    db.exec("VACUUM");
  } finally {
    db.close();
  }
}

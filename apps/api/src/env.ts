import { z } from "zod";

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Unset: embedded SQLite under data/. `postgresql://…`: PostgreSQL. */
  DATABASE_URL: z.string().optional(),
  /** Set: rate limits are shared by every instance using this Redis. Unset: per instance. */
  REDIS_URL: z.string().optional(),
  /** Prefix of Keyward's Redis keys, for deployments sharing one Redis. */
  REDIS_KEY_PREFIX: z.string().default("keyward:"),
  /** How long a verified key may be answered from an instance's cache (changes drop it at once). */
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  /** The same while the PostgreSQL key-change channel is down and other instances' changes may be missed. */
  KEY_CACHE_FALLBACK_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /**
   * How long a key change waits for every live instance to confirm it dropped its cached entry;
   * past it, an instance that has not heard the channel trusts no entry older than this.
   */
  KEY_CHANGE_ACK_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
  /** The time a request may take to arrive, headers and body; a slower one is answered 408. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Public origin used in invite links; defaults to the request's own origin. */
  PUBLIC_URL: z.string().url().optional(),
  /** Folder of the built SPA to serve; defaults to apps/web/dist. */
  WEB_DIST: z.string().optional(),
  /** Set when the app sits behind a TLS-terminating proxy: cookies get `Secure`. */
  TRUST_PROXY: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /**
   * Failed logins per client address per 15 minutes before 429 (the contract's floor is 100;
   * lower values are for tests).
   */
  LOGIN_FAILURES_PER_IP: z.coerce.number().int().min(1).default(100),
  /** Signups per client address per hour before 429. */
  SIGNUPS_PER_IP: z.coerce.number().int().min(1).default(20),
  /** Node's libuv thread pool, where bcrypt runs: hashing may use all but one of its threads. */
  UV_THREADPOOL_SIZE: z.coerce.number().int().min(1).max(1024).default(4),
  /**
   * `compact` (default): V8 tuned for a small footprint (runtime-flags.ts): the heap grows by small steps
   * and Prisma's WebAssembly query compiler stays on V8's baseline compiler. `default`: V8's own
   * settings (a larger heap, for a little less GC work).
   */
  HEAP_MODE: z.enum(["compact", "default"]).default("compact"),
  /** Benchmark only: adds POST /v1/_bench/discard-events (validates a batch, stores nothing). */
  BENCH_ROUTES: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
  /**
   * Benchmark only: no usage counting (outcome counts, `lastUsedAt`), so `pnpm bench` can measure
   * what counting costs in the same run.
   */
  BENCH_SKIP_USAGE: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true"),
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  return envSchema.parse(source);
}

import { MAX_INGEST_BODY_BYTES } from "@keyward/shared";
import express, { type Express } from "express";
import type { Deps } from "../deps.js";
import { preflight } from "./cors.js";
import { ingestEvents } from "./events.js";
import { discardingStore, type IngestStore } from "./ingest-store.js";
import { getKeyInfo } from "./key-info.js";
import { KeyVerifier } from "./key-verifier.js";
import { LastUsedCoalescer } from "./last-used.js";
import { getMetrics } from "./metrics.js";
import { PostgresIngestStore } from "./postgres-ingest-store.js";
import { KeyRateLimiter } from "./rate-limit.js";
import { SqliteIngestStore } from "./sqlite-ingest-store.js";
import { requirePermission, reverifyKey, verifyKey } from "./verify-key.js";

/** The key-authenticated API under /v1, with the state it keeps between requests. */
export interface PublicApi {
  /** Adds the /v1 routes to an app (on the app itself: a mounted router costs more per call). */
  mount(app: Express): void;
  verifier: KeyVerifier;
  store: IngestStore;
  lastUsed: LastUsedCoalescer;
  limiter: KeyRateLimiter;
  /** Writes pending `lastUsedAt` updates, stops timers, closes its connections. */
  close(): Promise<void>;
}

export function createPublicApi(deps: Deps): PublicApi {
  const store =
    deps.provider === "sqlite" ? new SqliteIngestStore(deps.db) : new PostgresIngestStore(deps.db);
  const verifier = new KeyVerifier(deps.db, deps.keyChanges, {
    ttlMs: deps.env.KEY_CACHE_TTL_MS,
    // Never longer than the acknowledgement bound: a change answered without this instance's
    // acknowledgement waited out the bound, by which time no entry read before it answers here.
    fallbackTtlMs: Math.min(deps.env.KEY_CACHE_FALLBACK_TTL_MS, deps.env.KEY_CHANGE_ACK_TIMEOUT_MS),
  });
  const lastUsed = new LastUsedCoalescer(store, deps.logger);
  const limiter = new KeyRateLimiter({
    redisUrl: deps.env.REDIS_URL,
    keyPrefix: deps.env.REDIS_KEY_PREFIX,
    logger: deps.logger,
  });

  const authenticate = verifyKey({
    hashOf: (secret) => verifier.hashOf(secret),
    cached: (hash) => verifier.cached(hash),
    lookup: (hash) => verifier.lookup(hash),
    consume: (key) => limiter.consume(key.id, key.rateLimitPerSecond),
    markUsed: (key) => lastUsed.mark(key.id),
  });
  const reverifyWriter = reverifyKey(
    { cached: (hash) => verifier.cached(hash), lookup: (hash) => verifier.lookup(hash) },
    "write",
  );
  const eventBody = express.json({ limit: MAX_INGEST_BODY_BYTES, type: () => true });

  const mount = (app: Express) => {
    app.options("/v1/events", preflight(["POST"]));
    app.options("/v1/metrics", preflight(["GET"]));
    app.options("/v1/key", preflight(["GET"]));
    app.post(
      "/v1/events",
      authenticate,
      requirePermission("write"),
      eventBody,
      ingestEvents(store, reverifyWriter),
    );
    app.get("/v1/metrics", authenticate, requirePermission("read"), getMetrics(store));
    app.get("/v1/key", authenticate, getKeyInfo);
    if (deps.env.BENCH_ROUTES) {
      app.post(
        "/v1/_bench/discard-events",
        authenticate,
        requirePermission("write"),
        eventBody,
        ingestEvents(discardingStore, reverifyWriter),
      );
    }
  };

  return {
    mount,
    verifier,
    store,
    lastUsed,
    limiter,
    async close() {
      verifier.close();
      await lastUsed.close();
      await store.close();
      await limiter.close();
    },
  };
}

const mounted = new WeakMap<Express, PublicApi>();

/** Mounts the public API on `/v1`. */
export function mountPublicApi(app: Express, deps: Deps): PublicApi {
  const api = createPublicApi(deps);
  api.mount(app);
  mounted.set(app, api);
  return api;
}

/** The public API mounted on this app, to flush and close it on shutdown. */
export function publicApiOf(app: Express): PublicApi | undefined {
  return mounted.get(app);
}

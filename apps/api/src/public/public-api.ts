import { MAX_INGEST_BODY_BYTES } from "@keyward/shared";
import express, { type Express, Router } from "express";
import { Redis } from "ioredis";
import type { Deps } from "../deps.js";
import { ingestEvents } from "./events.js";
import { discardingStore, type IngestStore } from "./ingest-store.js";
import { getKeyInfo } from "./key-info.js";
import { KeyVerifier } from "./key-verifier.js";
import { LastUsedCoalescer } from "./last-used.js";
import { getMetrics } from "./metrics.js";
import { PostgresIngestStore } from "./postgres-ingest-store.js";
import { KeyRateLimiter } from "./rate-limit.js";
import { SqliteIngestStore } from "./sqlite-ingest-store.js";
import { requirePermission, verifyKey } from "./verify-key.js";

/** The key-authenticated API under /v1, with the state it keeps between requests. */
export interface PublicApi {
  router: Router;
  verifier: KeyVerifier;
  store: IngestStore;
  lastUsed: LastUsedCoalescer;
  /** Writes pending `lastUsedAt` updates, stops timers, closes its connections. */
  close(): Promise<void>;
}

export function createPublicApi(deps: Deps): PublicApi {
  const store =
    deps.provider === "sqlite" ? new SqliteIngestStore(deps.db) : new PostgresIngestStore(deps.db);
  const verifier = new KeyVerifier(deps.db, deps.keyChanges);
  const lastUsed = new LastUsedCoalescer(store, deps.logger);
  const redis = deps.env.REDIS_URL
    ? new Redis(deps.env.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on("error", (err) => deps.logger.warn({ err }, "redis (rate limits) is unreachable"));
  const limiter = new KeyRateLimiter(redis);

  const authenticate = verifyKey({
    lookup: (secret) => verifier.lookup(secret),
    consume: (key) => limiter.consume(key.id, key.rateLimitPerSecond),
    markUsed: (key) => lastUsed.mark(key.id),
  });
  const eventBody = express.json({ limit: MAX_INGEST_BODY_BYTES, type: () => true });

  const router = Router();
  router.post("/events", authenticate, requirePermission("write"), eventBody, ingestEvents(store));
  router.get("/metrics", authenticate, requirePermission("read"), getMetrics(store));
  router.get("/key", authenticate, getKeyInfo);
  if (deps.env.BENCH_ROUTES) {
    router.post(
      "/_bench/discard-events",
      authenticate,
      requirePermission("write"),
      eventBody,
      ingestEvents(discardingStore),
    );
  }

  return {
    router,
    verifier,
    store,
    lastUsed,
    async close() {
      verifier.close();
      await lastUsed.close();
      await store.close();
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

const mounted = new WeakMap<Express, PublicApi>();

/** Mounts the public API on `/v1`. */
export function mountPublicApi(app: Express, deps: Deps): PublicApi {
  const api = createPublicApi(deps);
  app.use("/v1", api.router);
  mounted.set(app, api);
  return api;
}

/** The public API mounted on this app, to flush and close it on shutdown. */
export function publicApiOf(app: Express): PublicApi | undefined {
  return mounted.get(app);
}

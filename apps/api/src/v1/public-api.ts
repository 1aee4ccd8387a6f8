import {
  KEY_USAGE_HOUR_RETENTION_DAYS,
  KEY_USAGE_MINUTE_RETENTION_HOURS,
  MAX_INGEST_BODY_BYTES,
} from "@keyward/shared";
import express, { type Express, type RequestHandler } from "express";
import type { Deps } from "../deps.js";
import { jsonAnswer } from "../http/json-answer.js";
import { createIngestStore } from "../ingest/create-ingest-store.js";
import { discardingStore, type IngestStore } from "../ingest/ingest-store.js";
import { keyUsageWriter } from "../key-usage/key-usage-store.js";
import { UsageCounter } from "../key-usage/usage-counter.js";
import { KeyVerifier } from "../key-verification/key-verifier.js";
import { KeyRateLimiter } from "../key-verification/rate-limit.js";
import { preflight } from "./cors.js";
import { ingestEvents } from "./events.js";
import { getKeyInfo } from "./key-info.js";
import { getMetrics } from "./metrics.js";
import {
  type OutcomeCounter,
  requirePermission,
  reverifyKey,
  verifiedKey,
  verifyKey,
} from "./verify-key.js";

/** The key-authenticated API under /v1, with the state it keeps between requests. */
export interface PublicApi {
  /**
   * Adds the /v1 routes to an app (on the app itself: a mounted router costs more per call), before
   * any other middleware but the request log: they answer with `security`, the precomputed
   * security headers. `preflights` adds the CORS preflights (not a hot path: mount them later).
   */
  mount(app: Express, security: readonly string[]): void;
  mountPreflights(app: Express): void;
  verifier: KeyVerifier;
  store: IngestStore;
  /** Requests per key and outcome, and `lastUsedAt`, written every second. */
  usage: UsageCounter;
  limiter: KeyRateLimiter;
  /** Writes pending usage counts and `lastUsedAt` updates, stops timers, closes its connections. */
  close(): Promise<void>;
}

export function createPublicApi(deps: Deps): PublicApi {
  const store = createIngestStore(deps.db, deps.dialect);
  const verifier = new KeyVerifier(deps.db, deps.keyChanges, {
    ttlMs: deps.env.KEY_CACHE_TTL_MS,
    // Never longer than the acknowledgement bound: a change answered without this instance's
    // acknowledgement waited out the bound, by which time no entry read before it answers here.
    fallbackTtlMs: Math.min(deps.env.KEY_CACHE_FALLBACK_TTL_MS, deps.env.KEY_CHANGE_ACK_TIMEOUT_MS),
  });
  const usage = new UsageCounter(keyUsageWriter(deps.db, deps.dialect, store), deps.logger, {
    minuteRetentionMs: KEY_USAGE_MINUTE_RETENTION_HOURS * 3_600_000,
    hourRetentionMs: KEY_USAGE_HOUR_RETENTION_DAYS * 86_400_000,
  });
  const limiter = new KeyRateLimiter({
    redisUrl: deps.env.REDIS_URL,
    keyPrefix: deps.env.REDIS_KEY_PREFIX,
    logger: deps.logger,
  });

  // Benchmark only (BENCH_SKIP_USAGE): nothing counted, to measure what counting costs.
  const outcomes: OutcomeCounter = deps.env.BENCH_SKIP_USAGE
    ? { count: () => {}, countUnattributed: () => {} }
    : usage;
  const markUsed = deps.env.BENCH_SKIP_USAGE
    ? () => {}
    : (key: { id: string }) => usage.markUsed(key.id);
  const authenticate = verifyKey(
    {
      hashOf: (secret) => verifier.hashOf(secret),
      cached: (hash) => verifier.cached(hash),
      lookup: (hash) => verifier.lookup(hash),
      consume: (key) => limiter.consume(key.id, key.rateLimitPerSecond),
      markUsed,
    },
    outcomes,
  );
  const permitted = (permission: "read" | "write") => requirePermission(permission, outcomes);
  // Its handler counts each request once: it may still refuse one for an event name.
  const permittedWriter = requirePermission("write", outcomes, { countValid: false });
  // /v1/key needs no permission: every authenticated request is a valid one.
  const countedValid: RequestHandler = (req, _res, next) => {
    outcomes.count(verifiedKey(req), "valid");
    next();
  };
  const reverifyWriter = reverifyKey(
    { cached: (hash) => verifier.cached(hash), lookup: (hash) => verifier.lookup(hash) },
    "write",
  );
  const eventBody = express.json({ limit: MAX_INGEST_BODY_BYTES, type: () => true });

  const mount = (app: Express, security: readonly string[]) => {
    const answer = jsonAnswer(security, "Origin");
    // The most frequent first: the router tries each route's path in turn.
    app.get("/v1/key", authenticate, countedValid, getKeyInfo(answer));
    app.post(
      "/v1/events",
      authenticate,
      permittedWriter,
      ...ingestEvents(eventBody, store, reverifyWriter, outcomes, answer),
    );
    app.get("/v1/metrics", authenticate, permitted("read"), getMetrics(store, answer));
    if (deps.env.BENCH_ROUTES) {
      app.post(
        "/v1/_bench/discard-events",
        authenticate,
        permittedWriter,
        ...ingestEvents(eventBody, discardingStore, reverifyWriter, outcomes, answer),
      );
    }
  };
  const mountPreflights = (app: Express) => {
    app.options("/v1/events", preflight(["POST"]));
    app.options("/v1/metrics", preflight(["GET"]));
    app.options("/v1/key", preflight(["GET"]));
  };

  return {
    mount,
    mountPreflights,
    verifier,
    store,
    usage,
    limiter,
    async close() {
      verifier.close();
      await usage.close();
      await store.close();
      await limiter.close();
    },
  };
}

import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { ApiError } from "../http/api-error.js";
import type { Logger } from "../logger.js";

export interface KeyRateLimiterOptions {
  /** Shared by every instance that uses it; unset: each instance counts on its own, in memory. */
  redisUrl?: string;
  /** Prefix of the counters' Redis keys, so deployments (and test runs) sharing a Redis don't mix. */
  keyPrefix?: string;
  logger?: Logger;
  /** A Redis call slower than this is given up and the request is counted in memory. */
  redisTimeoutMs?: number;
  /** After a failed Redis call, this instance counts in memory for this long before trying again. */
  redisRetryMs?: number;
}

interface Limiters {
  local: RateLimiterMemory;
  shared?: RateLimiterRedis;
}

/**
 * Requests per second per key, at the key's org's limit: in Redis (shared by every instance) when a
 * Redis URL is given, else in memory. While Redis is unreachable or too slow, each instance counts
 * in memory on its own (so the limit holds per instance) and answers without waiting on Redis; it
 * tries Redis again after `redisRetryMs`. A Redis failure never fails a request.
 */
export class KeyRateLimiter {
  /** One pair of limiters per distinct limit: orgs may raise theirs. */
  private readonly limiters = new Map<number, Limiters>();
  private readonly redis?: Redis;
  private readonly keyPrefix: string;
  private readonly logger?: Logger;
  private readonly redisRetryMs: number;
  /** While Redis is down, counts are in memory; set by connection errors and failed calls. */
  private outage = false;
  /** After a failed call on a connected client, Redis is skipped until then (ms since the epoch). */
  private skipRedisUntil = 0;

  constructor(options: KeyRateLimiterOptions = {}) {
    this.keyPrefix = options.keyPrefix ?? "keyward:";
    this.logger = options.logger;
    this.redisRetryMs = options.redisRetryMs ?? 1_000;
    if (options.redisUrl) {
      const redis = new Redis(options.redisUrl, {
        // Fail at once while disconnected instead of queueing, and give up on a Redis that hangs:
        // the request is then counted in memory.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: options.redisTimeoutMs ?? 500,
      });
      // ioredis reconnects by itself; an outage is logged once, and its end.
      redis.on("error", (err) => this.redisFailed(err));
      redis.on("ready", () => {
        if (!this.outage) return;
        this.outage = false;
        this.logger?.info("redis answers again: rate limits are shared across instances");
      });
      this.redis = redis;
    }
  }

  /** Whether counts go to Redis right now (connected, and not skipped after a failure). */
  get sharing(): boolean {
    return this.redis?.status === "ready" && Date.now() >= this.skipRedisUntil;
  }

  /** Counts one request of the key; throws 429 `rate_limited` beyond the limit. */
  async consume(keyId: string, perSecond: number): Promise<void> {
    try {
      await this.count(keyId, this.limitersFor(perSecond));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new ApiError(
        "rate_limited",
        `this key may make ${perSecond} requests per second; retry after ${retryAfter} s`,
        { limitPerSecond: perSecond, retryAfterSeconds: retryAfter },
        { "Retry-After": String(retryAfter) },
      );
    }
  }

  async close(): Promise<void> {
    const redis = this.redis;
    if (!redis) return;
    await redis.quit().catch(() => redis.disconnect());
  }

  private async count(keyId: string, { local, shared }: Limiters): Promise<void> {
    if (shared && this.sharing) {
      try {
        await shared.consume(keyId);
        return;
      } catch (err) {
        if (err instanceof RateLimiterRes) throw err;
        this.skipRedisUntil = Date.now() + this.redisRetryMs;
        this.redisFailed(err);
      }
    }
    await local.consume(keyId);
  }

  private redisFailed(err: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.logger?.warn(
      { err },
      "redis is unreachable: rate limits are counted per instance until it answers again",
    );
  }

  private limitersFor(points: number): Limiters {
    let limiters = this.limiters.get(points);
    if (!limiters) {
      const keyPrefix = `${this.keyPrefix}rl:${points}`;
      limiters = {
        local: new RateLimiterMemory({ points, duration: 1, keyPrefix }),
        shared: this.redis
          ? new RateLimiterRedis({ storeClient: this.redis, points, duration: 1, keyPrefix })
          : undefined,
      };
      this.limiters.set(points, limiters);
    }
    return limiters;
  }
}

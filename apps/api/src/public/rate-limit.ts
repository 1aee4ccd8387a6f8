import type { Redis } from "ioredis";
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from "rate-limiter-flexible";
import { ApiError } from "../http/api-error.js";

/**
 * Requests per second per key, at the key's org's limit. In memory for one instance; in Redis
 * (shared by every instance) when a Redis client is given, falling back to memory while Redis
 * is unreachable.
 */
export class KeyRateLimiter {
  /** One limiter per distinct limit: orgs may raise theirs. */
  private readonly limiters = new Map<number, RateLimiterAbstract>();

  constructor(private readonly redis?: Redis) {}

  /** Counts one request of the key; throws 429 `rate_limited` beyond the limit. */
  async consume(keyId: string, perSecond: number): Promise<void> {
    try {
      await this.limiterFor(perSecond).consume(keyId);
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

  private limiterFor(points: number): RateLimiterAbstract {
    let limiter = this.limiters.get(points);
    if (!limiter) {
      const memory = new RateLimiterMemory({ points, duration: 1, keyPrefix: `kw_rl_${points}` });
      limiter = this.redis
        ? new RateLimiterRedis({
            storeClient: this.redis,
            points,
            duration: 1,
            keyPrefix: `kw_rl_${points}`,
            insuranceLimiter: memory,
          })
        : memory;
      this.limiters.set(points, limiter);
    }
    return limiter;
  }
}

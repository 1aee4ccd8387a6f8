import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { ApiError } from "../http/api-error.js";
import type { Logger } from "../logger.js";

export interface KeyRateLimiterOptions {
  /** Shared by every instance that uses it; unset: each instance counts on its own, in memory. */
  redisUrl?: string;
  /** Prefix of the counters' Redis keys, so deployments (and test runs) sharing a Redis don't mix. */
  keyPrefix?: string;
  logger?: Logger;
  /** A lease Redis hasn't answered by then is given up, and this instance counts in memory. */
  redisTimeoutMs?: number;
  /** After a failed Redis call, this instance counts in memory for this long before trying again. */
  redisRetryMs?: number;
}

const WINDOW_MS = 1_000;
/** How often windows long over are dropped from memory. */
const SWEEP_MS = 5_000;

/**
 * One lease, atomically: records `used` (requests this instance admitted on credit, before it held
 * a token) and grants up to `want` more tokens of the key's current window, never past `limit`,
 * and at most a quarter of what is left, so that near the end the tokens spread across instances
 * instead of one instance holding them. The window (a hash: tokens granted, and one field per
 * instance that leased) starts with its first lease and lasts `windowMs`. Answers `{given,
 * granted so far by every instance, ms left, instances that leased in this window}`.
 */
const LEASE_LUA = `
local limit = tonumber(ARGV[1])
local used = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  redis.call('DEL', KEYS[1])
  ttl = tonumber(ARGV[4])
end
local granted = tonumber(redis.call('HGET', KEYS[1], 'granted')) or 0
local left = limit - granted - used
local give = 0
if left > 0 then give = math.min(want, math.ceil(left / 4)) end
granted = granted + used + give
redis.call('HSET', KEYS[1], 'granted', granted, ARGV[5], 1)
redis.call('PEXPIRE', KEYS[1], ttl)
return {give, granted, ttl, redis.call('HLEN', KEYS[1]) - 1}
`;

type LeaseAnswer = [given: number, granted: number, ttlMs: number, instances: number];

interface LeasingRedis extends Redis {
  keywardLease(
    key: string,
    limit: number,
    used: number,
    want: number,
    windowMs: number,
    instance: string,
  ): Promise<LeaseAnswer>;
}

/** What this instance knows of one key's current window. */
interface Window {
  readonly limit: number;
  /** When the window ends here (ms since the epoch): from Redis's TTL, provisional before that. */
  endsAt: number;
  /** Tokens leased to this instance and not used yet. */
  tokens: number;
  /** Requests admitted without a token (while a lease was on its way), not yet reported. */
  credit: number;
  /** The part of `credit` the lease on its way reports. */
  reporting: number;
  /** Redis answered a lease of this window. */
  heard: boolean;
  /** Tokens of this window granted to every instance, as of Redis's last answer. */
  granted: number;
  /** Instances that leased in this window, as Redis last said (1 before it said). */
  instances: number;
  /** The same in the window before this one. */
  previousInstances: number;
  /** Redis said the window has no tokens left. */
  exhausted: boolean;
  leasing: boolean;
  /** Changes when the window rolls over here, so that a late answer for the old one is ignored. */
  generation: number;
}

/** How long a count of sharing instances is trusted for keys that have not said their own. */
const INSTANCES_KEPT_MS = 60_000;

/** Tokens asked for per lease: about 1/20 of the limit, so ~20 leases per window per hot key. */
const leaseSize = (limit: number) => Math.max(1, Math.ceil(limit / 20));

/**
 * Whether a request that finds no token may be admitted on credit. Before Redis has answered for
 * this window, on this instance's share of the whole window (the limit split between the instances
 * that shared the key lately, or any key: a fresh key's first requests can reach every instance
 * before the first lease comes back): together they admit no more than the limit. After, at most
 * what the lease on its way asks for (its tokens pay for them), and only while this instance's
 * share of what was left when Redis last answered is more than a lease: near the end, the tokens
 * decide alone.
 */
function mayCredit(window: Window, instancesSeen: number): boolean {
  if (window.exhausted) return false;
  const sharers = Math.max(window.instances, window.previousInstances);
  if (!window.heard) return window.credit < window.limit / Math.max(sharers, instancesSeen);
  const size = leaseSize(window.limit);
  const allowance = Math.min(size, Math.floor((window.limit - window.granted) / sharers) - size);
  return window.credit - window.reporting < allowance;
}

/**
 * Requests per second per key, at the key's limit (its own restriction or its org's, whichever is
 * lower). Without Redis, each instance counts alone, in memory, exactly. With Redis, instances
 * share the limit and no request waits on Redis: the decision is always local, from tokens this
 * instance leased from the key's window in Redis (in the background, a lease per ~1/20 of the
 * limit, fetched before the last ones run out). A request that finds no token while a lease is on
 * its way is admitted on credit if what this instance knows of the window leaves room; the credit
 * is reported with the next lease, so every admitted request is counted in Redis. While Redis is
 * unreachable or too slow, each instance counts in memory on its own (so the limit holds per
 * instance) and tries Redis again after `redisRetryMs`. A Redis failure never fails a request.
 */
export class KeyRateLimiter {
  /** Counts while not sharing (no Redis, or Redis down), by `limit:keyId`: a fixed window each. */
  private readonly localWindows = new Map<string, { endsAt: number; count: number }>();
  /** Shared windows by `limit:keyId`. */
  private readonly windows = new Map<string, Window>();
  private readonly redis?: LeasingRedis;
  private readonly keyPrefix: string;
  /** This instance's name in the windows' hashes. */
  private readonly instance = randomUUID();
  private readonly logger?: Logger;
  private readonly redisRetryMs: number;
  private readonly sweeper: NodeJS.Timeout;
  /** While Redis is down, counts are in memory; set by connection errors and failed calls. */
  private outage = false;
  /** The most instances Redis said shared any key within INSTANCES_KEPT_MS, and until when. */
  private instancesSeen = { count: 1, until: 0 };
  /** After a failed call on a connected client, Redis is skipped until then (ms since the epoch). */
  private skipRedisUntil = 0;

  constructor(options: KeyRateLimiterOptions = {}) {
    this.keyPrefix = options.keyPrefix ?? "keyward:";
    this.logger = options.logger;
    this.redisRetryMs = options.redisRetryMs ?? 1_000;
    if (options.redisUrl) {
      const redis = new Redis(options.redisUrl, {
        // Fail at once while disconnected instead of queueing, and give up on a Redis that hangs:
        // this instance then counts in memory.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        commandTimeout: options.redisTimeoutMs ?? 500,
        // The leases of many keys asked for in one tick go out in one write.
        enableAutoPipelining: true,
      });
      redis.defineCommand("keywardLease", { numberOfKeys: 1, lua: LEASE_LUA });
      // ioredis reconnects by itself; an outage is logged once, and its end.
      redis.on("error", (err) => this.redisFailed(err));
      redis.on("ready", () => {
        if (!this.outage) return;
        this.outage = false;
        this.logger?.info("redis answers again: rate limits are shared across instances");
      });
      this.redis = redis as LeasingRedis;
    }
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Whether counts go to Redis right now (connected, and not skipped after a failure). */
  get sharing(): boolean {
    return this.redis?.status === "ready" && Date.now() >= this.skipRedisUntil;
  }

  /**
   * Counts one request of the key; throws 429 `rate_limited` beyond the limit. Synchronous: the
   * decision is always this instance's own (a cached key's request costs no promise).
   */
  consume(keyId: string, perSecond: number): void {
    const now = Date.now();
    const waitMs = this.sharing
      ? this.take(keyId, perSecond, now)
      : this.takeLocal(`${perSecond}:${keyId}`, perSecond, now);
    if (waitMs > 0) throw rateLimited(perSecond, waitMs);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const redis = this.redis;
    if (!redis) return;
    await redis.quit().catch(() => redis.disconnect());
  }

  /** Admits one request from what this instance knows: 0, or the ms until the window ends. */
  private take(keyId: string, limit: number, now: number): number {
    const id = `${limit}:${keyId}`;
    let window = this.windows.get(id);
    if (!window) {
      window = {
        limit,
        endsAt: now + WINDOW_MS,
        tokens: 0,
        credit: 0,
        reporting: 0,
        heard: false,
        granted: 0,
        instances: 1,
        previousInstances: 1,
        exhausted: false,
        leasing: false,
        generation: 0,
      };
      this.windows.set(id, window);
    } else if (now >= window.endsAt) {
      window.endsAt = now + WINDOW_MS;
      window.tokens = 0;
      window.credit = 0;
      window.reporting = 0;
      window.heard = false;
      window.granted = 0;
      window.exhausted = false;
      window.previousInstances = window.instances;
      window.instances = 1;
      window.generation += 1;
    }

    let waitMs = 0;
    if (window.tokens > 0) window.tokens -= 1;
    else if (mayCredit(window, this.instancesSeenAt(now))) window.credit += 1;
    else waitMs = Math.max(1, window.endsAt - now);
    if (this.wantsLease(window)) this.lease(window, keyId);
    return waitMs;
  }

  private wantsLease(window: Window): boolean {
    return (
      !window.leasing &&
      !window.exhausted &&
      (window.credit > 0 || window.tokens <= leaseSize(window.limit) >> 1)
    );
  }

  private lease(window: Window, keyId: string): void {
    const redis = this.redis;
    if (!redis) return;
    window.leasing = true;
    const { generation, credit: used, limit } = window;
    window.reporting = used;
    redis
      .keywardLease(
        `${this.keyPrefix}rl:${limit}:${keyId}`,
        limit,
        used,
        leaseSize(limit),
        WINDOW_MS,
        this.instance,
      )
      .then(
        ([given, granted, ttlMs, instances]) => {
          window.leasing = false;
          window.reporting = 0;
          // Unless the window rolled over here meanwhile (then these tokens were for one that is over).
          if (window.generation === generation) {
            // Requests admitted on credit while this lease was on its way take its tokens first.
            const paid = Math.min(given, window.credit - used);
            window.credit -= used + paid;
            window.tokens += given - paid;
            window.granted = granted;
            window.heard = true;
            window.exhausted = granted >= limit;
            window.instances = instances;
            window.endsAt = Date.now() + ttlMs;
          }
          this.sawInstances(instances);
          if (this.wantsLease(window) && this.sharing) this.lease(window, keyId);
        },
        (err: unknown) => {
          window.leasing = false;
          window.reporting = 0;
          this.skipRedisUntil = Date.now() + this.redisRetryMs;
          this.redisFailed(err);
        },
      );
  }

  private instancesSeenAt(now: number): number {
    return now < this.instancesSeen.until ? this.instancesSeen.count : 1;
  }

  private sawInstances(instances: number): void {
    const now = Date.now();
    if (instances >= this.instancesSeenAt(now)) {
      this.instancesSeen = { count: instances, until: now + INSTANCES_KEPT_MS };
    }
  }

  private redisFailed(err: unknown): void {
    if (this.outage) return;
    this.outage = true;
    this.logger?.warn(
      { err },
      "redis is unreachable: rate limits are counted per instance until it answers again",
    );
  }

  private sweep(): void {
    const before = Date.now() - WINDOW_MS;
    for (const [id, window] of this.windows) {
      if (window.endsAt < before && !window.leasing) this.windows.delete(id);
    }
    for (const [id, window] of this.localWindows) {
      if (window.endsAt < before) this.localWindows.delete(id);
    }
  }

  /** Admits one request in this instance's own window of the key (no Redis): 0, or the ms until it ends. */
  private takeLocal(id: string, limit: number, now: number): number {
    let window = this.localWindows.get(id);
    if (!window || now >= window.endsAt) {
      window = { endsAt: now + WINDOW_MS, count: 0 };
      this.localWindows.set(id, window);
    }
    if (window.count >= limit) return Math.max(1, window.endsAt - now);
    window.count += 1;
    return 0;
  }
}

function rateLimited(perSecond: number, msBeforeNext: number): ApiError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new ApiError(
    "rate_limited",
    `this key may make ${perSecond} requests per second; retry after ${retryAfter} s`,
    { limitPerSecond: perSecond, retryAfterSeconds: retryAfter },
    { "Retry-After": String(retryAfter) },
  );
}

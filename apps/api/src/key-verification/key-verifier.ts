import { hash as digest, timingSafeEqual } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { Db } from "@keyward/db";
import type { KeyRestrictions } from "@keyward/shared";
import { readRestrictions } from "../services/key-restrictions.js";
import type { KeyChangeBus, KeyChangeDelivery } from "./key-change-bus.js";
import { LruCache } from "./lru-cache.js";
import { type RestrictionMatchers, restrictionMatchers } from "./restriction-matchers.js";

/** What verification needs to know about a key: a snapshot, cached by the secret's hash. */
export interface VerifiedKey {
  id: string;
  orgId: string;
  name: string;
  orgWide: boolean;
  permissions: { read: boolean; write: boolean };
  enabled: boolean;
  /** ms since the epoch, or null for no expiry. */
  expiresAt: number | null;
  /** The lower of the org's limit and the key's own. */
  rateLimitPerSecond: number;
  restrictions: KeyRestrictions;
  matchers: RestrictionMatchers;
}

export const KEY_CACHE_TTL_MS = 5_000;
export const KEY_CACHE_FALLBACK_TTL_MS = 1_000;
const UNKNOWN_TTL_MS = 2_000;

export interface KeyVerifierOptions {
  /** Entries for existing keys. */
  maxKeys?: number;
  /** How long an entry may answer while changes are delivered promptly (a safety net). */
  ttlMs?: number;
  /**
   * How long an entry may answer while other instances' changes may be missed, counted from
   * when its database read began; at most the key-change acknowledgement bound.
   */
  fallbackTtlMs?: number;
  /** Entries for hashes that match no key, so a flood of one unknown key costs one query. */
  maxUnknown?: number;
  unknownTtlMs?: number;
}

/**
 * Finds keys by the SHA-256 of their secret, through a bounded cache. The cache never answers
 * stale after a change it hears of: the keys service publishes every committed change on the
 * KeyChangeBus (and on PostgreSQL the key-change channel delivers other instances' changes
 * there), and the entry is dropped before the changing request is answered. A lookup that was
 * already reading the database when a change arrived does not fill the cache. While the bus says
 * changes may be missed (`lagging`), entries live only `fallbackTtlMs`; every switch of delivery
 * starts from an empty cache, since changes may have been missed in between. And past the bus's
 * `heardUntil` (this instance has not heard its heartbeat come back for the acknowledgement
 * bound: frozen, starved or cut off), an entry answers only if its read began less than
 * `fallbackTtlMs` ago, so a change another instance answered without this one's
 * acknowledgement (it waited out the bound) is never answered stale here, even after a thaw.
 */
export class KeyVerifier {
  private known!: LruCache<string, Entry>;
  private unknown!: LruCache<string, true>;
  private readonly inflight = new Map<string, Inflight>();
  /** Bumped by every change; a lookup caches its answer only if none arrived meanwhile. */
  private generation = 0;
  private readonly onChange = (change: { hash: string }) => this.forget(change.hash);
  private readonly onDelivery = (delivery: KeyChangeDelivery) => this.reset(delivery);

  constructor(
    private readonly db: Db,
    private readonly changes: KeyChangeBus,
    private readonly options: KeyVerifierOptions = {},
  ) {
    this.reset(changes.delivery);
    changes.on("change", this.onChange);
    changes.on("delivery", this.onDelivery);
  }

  /** The SHA-256 hex of a secret, as the keys service stores it (one-shot: a few µs less). */
  hashOf(secret: string): string {
    return digest("sha256", secret, "hex");
  }

  /** From the cache only: the key, null for a known unknown, undefined when not cached. */
  cached(hash: string): VerifiedKey | null | undefined {
    const known = this.known.get(hash);
    if (known) {
      if (this.trusts(known.readAt)) return known.key;
      this.known.delete(hash);
      return undefined;
    }
    return this.unknown.get(hash) ? null : undefined;
  }

  /** The key with this hash, from the cache or the database (one query per hash at a time). */
  async lookup(hash: string): Promise<VerifiedKey | null> {
    const cached = this.cached(hash);
    if (cached !== undefined) return cached;
    const inflight = this.inflight.get(hash);
    // A read is shared on the same terms as an entry: it may have begun before a change.
    if (inflight && this.trusts(inflight.readAt)) return inflight.key;
    const readAt = performance.now();
    const pending: Promise<VerifiedKey | null> = this.load(hash, readAt).finally(() => {
      if (this.inflight.get(hash)?.key === pending) this.inflight.delete(hash);
    });
    this.inflight.set(hash, { key: pending, readAt });
    return pending;
  }

  forget(hash: string): void {
    this.generation += 1;
    this.known.delete(hash);
    this.unknown.delete(hash);
    this.inflight.delete(hash);
  }

  close(): void {
    this.changes.off("change", this.onChange);
    this.changes.off("delivery", this.onDelivery);
    this.known.clear();
    this.unknown.clear();
  }

  /** Whether an entry (or a read) that began reading the database at `readAt` may answer. */
  private trusts(readAt: number): boolean {
    const now = performance.now();
    return now < this.changes.heardUntil || now - readAt < this.fallbackTtl;
  }

  private get fallbackTtl(): number {
    return this.options.fallbackTtlMs ?? KEY_CACHE_FALLBACK_TTL_MS;
  }

  /** Empties the cache, with entry lifetimes for this kind of delivery. */
  private reset(delivery: KeyChangeDelivery): void {
    const { maxKeys = 10_000, maxUnknown = 10_000 } = this.options;
    const ttl = this.options.ttlMs ?? KEY_CACHE_TTL_MS;
    const unknownTtl = this.options.unknownTtlMs ?? UNKNOWN_TTL_MS;
    const fallback = this.fallbackTtl;
    const lagging = delivery === "lagging";
    this.generation += 1;
    this.inflight.clear();
    this.known = new LruCache(maxKeys, lagging ? Math.min(ttl, fallback) : ttl);
    this.unknown = new LruCache(maxUnknown, lagging ? Math.min(unknownTtl, fallback) : unknownTtl);
  }

  private async load(hash: string, readAt: number): Promise<VerifiedKey | null> {
    const generation = this.generation;
    const row = await this.db.apiKey.findUnique({
      where: { hash },
      select: {
        id: true,
        orgId: true,
        name: true,
        orgWide: true,
        canRead: true,
        canWrite: true,
        enabled: true,
        expiresAt: true,
        hash: true,
        restrictions: true,
        org: { select: { rateLimitPerSecond: true } },
      },
    });
    // The index compared hashes, not secrets; this re-check is constant-time all the same.
    const key = row && sameHash(row.hash, hash) ? toVerifiedKey(row) : null;
    if (generation === this.generation) {
      if (key) this.known.set(hash, { key, readAt });
      else this.unknown.set(hash, true);
    }
    return key;
  }
}

interface Entry {
  key: VerifiedKey;
  /** `performance.now()` when the read that found it began. */
  readAt: number;
}

interface Inflight {
  key: Promise<VerifiedKey | null>;
  readAt: number;
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

function toVerifiedKey(row: {
  id: string;
  orgId: string;
  name: string;
  orgWide: boolean;
  canRead: boolean;
  canWrite: boolean;
  enabled: boolean;
  expiresAt: Date | null;
  restrictions: string | null;
  org: { rateLimitPerSecond: number };
}): VerifiedKey {
  const restrictions = readRestrictions(row.restrictions);
  const ownLimit = restrictions.rateLimitPerSecond;
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    orgWide: row.orgWide,
    permissions: { read: row.canRead, write: row.canWrite },
    enabled: row.enabled,
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
    rateLimitPerSecond:
      ownLimit === null
        ? row.org.rateLimitPerSecond
        : Math.min(ownLimit, row.org.rateLimitPerSecond),
    restrictions,
    matchers: restrictionMatchers(restrictions),
  };
}

import { hash as digest, timingSafeEqual } from "node:crypto";
import type { Db } from "@keyward/db";
import type { KeyChangeBus, KeyChangeDelivery } from "../deps.js";
import { LruCache } from "./lru-cache.js";

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
  rateLimitPerSecond: number;
}

export const KEY_CACHE_TTL_MS = 5_000;
export const KEY_CACHE_FALLBACK_TTL_MS = 1_000;
const UNKNOWN_TTL_MS = 2_000;

export interface KeyVerifierOptions {
  /** Entries for existing keys. */
  maxKeys?: number;
  /** How long an entry may answer while changes are delivered promptly (a safety net). */
  ttlMs?: number;
  /** How long an entry may answer while other instances' changes may be missed. */
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
 * starts from an empty cache, since changes may have been missed in between.
 */
export class KeyVerifier {
  private known!: LruCache<string, VerifiedKey>;
  private unknown!: LruCache<string, true>;
  private readonly inflight = new Map<string, Promise<VerifiedKey | null>>();
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
    if (known) return known;
    return this.unknown.get(hash) ? null : undefined;
  }

  /** The key with this hash, from the cache or the database (one query per hash at a time). */
  async lookup(hash: string): Promise<VerifiedKey | null> {
    const cached = this.cached(hash);
    if (cached !== undefined) return cached;
    const inflight = this.inflight.get(hash);
    if (inflight) return inflight;
    const pending: Promise<VerifiedKey | null> = this.load(hash).finally(() => {
      if (this.inflight.get(hash) === pending) this.inflight.delete(hash);
    });
    this.inflight.set(hash, pending);
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

  /** Empties the cache, with entry lifetimes for this kind of delivery. */
  private reset(delivery: KeyChangeDelivery): void {
    const { maxKeys = 10_000, maxUnknown = 10_000 } = this.options;
    const ttl = this.options.ttlMs ?? KEY_CACHE_TTL_MS;
    const unknownTtl = this.options.unknownTtlMs ?? UNKNOWN_TTL_MS;
    const fallback = this.options.fallbackTtlMs ?? KEY_CACHE_FALLBACK_TTL_MS;
    const lagging = delivery === "lagging";
    this.generation += 1;
    this.inflight.clear();
    this.known = new LruCache(maxKeys, lagging ? Math.min(ttl, fallback) : ttl);
    this.unknown = new LruCache(maxUnknown, lagging ? Math.min(unknownTtl, fallback) : unknownTtl);
  }

  private async load(hash: string): Promise<VerifiedKey | null> {
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
        org: { select: { rateLimitPerSecond: true } },
      },
    });
    // The index compared hashes, not secrets; this re-check is constant-time all the same.
    const key = row && sameHash(row.hash, hash) ? toVerifiedKey(row) : null;
    if (generation === this.generation) {
      if (key) this.known.set(hash, key);
      else this.unknown.set(hash, true);
    }
    return key;
  }
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
  org: { rateLimitPerSecond: number };
}): VerifiedKey {
  return {
    id: row.id,
    orgId: row.orgId,
    name: row.name,
    orgWide: row.orgWide,
    permissions: { read: row.canRead, write: row.canWrite },
    enabled: row.enabled,
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
    rateLimitPerSecond: row.org.rateLimitPerSecond,
  };
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  /** When the entry last moved to the young end; refreshed at most once a second. */
  touchedAt: number;
}

const TOUCH_EVERY_MS = 1_000;

/**
 * A size-bounded map whose entries also expire; the least recently used entry goes first
 * (recency kept to the second, so that a hot entry costs one Map lookup per hit).
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(
    private readonly maxSize: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.now();
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    if (now - entry.touchedAt >= TOUCH_EVERY_MS) {
      // Map order is insertion order: re-inserting moves the entry to the young end.
      entry.touchedAt = now;
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry.value;
  }

  set(key: K, value: V): void {
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: now + this.ttlMs, touchedAt: now });
    if (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

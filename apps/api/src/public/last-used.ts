import type { Logger } from "../logger.js";
import type { IngestStore } from "./ingest-store.js";

export const LAST_USED_FLUSH_MS = 30_000;

/**
 * Keeps `lastUsedAt` current without a database write per request: uses are noted in memory and
 * written every `intervalMs` (and on shutdown) by one UPDATE for all keys used meanwhile.
 */
export class LastUsedCoalescer {
  private used = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Pick<IngestStore, "touchKeys">,
    private readonly logger: Logger,
    intervalMs = LAST_USED_FLUSH_MS,
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  mark(keyId: string, at = Date.now()): void {
    this.used.set(keyId, at);
  }

  async flush(): Promise<void> {
    if (this.used.size === 0) return;
    const batch = this.used;
    this.used = new Map();
    try {
      await this.store.touchKeys(batch);
    } catch (err) {
      // Keep them for the next flush, unless a newer use was noted meanwhile.
      for (const [keyId, at] of batch) if (!this.used.has(keyId)) this.used.set(keyId, at);
      this.logger.warn({ err, keys: batch.size }, "could not record keys' lastUsedAt; will retry");
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

import { EventEmitter } from "node:events";
import type { Db } from "@keyward/db";
import type { Env } from "./env.js";
import type { Logger } from "./logger.js";
import type { PendingKeyUse } from "./public/usage-counter.js";

/** Emitted after a key's change is committed, so verification caches can drop it. */
export interface KeyChange {
  keyId: string;
  /** The SHA-256 of the secret, as stored; never the secret. */
  hash: string;
}

/** Where a change was committed: through this instance, or through another one. */
export type KeyChangeOrigin = "local" | "remote";

/**
 * How this instance hears of changes: `prompt` when it hears every committed change at once
 * (one instance, or the cross-instance channel is up); `lagging` when it may miss other
 * instances' changes, so caches must keep entries only briefly.
 */
export type KeyChangeDelivery = "prompt" | "lagging";

/**
 * The one way key changes are announced in a process. The keys service publishes what it
 * committed; on PostgreSQL the cross-instance channel forwards those to other instances and
 * delivers theirs here.
 */
export class KeyChangeBus extends EventEmitter<{
  change: [KeyChange, KeyChangeOrigin];
  delivery: [KeyChangeDelivery];
}> {
  private current: KeyChangeDelivery = "prompt";

  /** A change committed through this instance. */
  publish(change: KeyChange): void {
    this.emit("change", change, "local");
  }

  /** A change committed through another instance. */
  deliver(change: KeyChange): void {
    this.emit("change", change, "remote");
  }

  get delivery(): KeyChangeDelivery {
    return this.current;
  }

  /** Announces a change of delivery; a new `prompt` also means "changes may have been missed". */
  setDelivery(delivery: KeyChangeDelivery): void {
    if (delivery === this.current) return;
    this.current = delivery;
    this.emit("delivery", delivery);
  }
}

export interface Deps {
  db: Db;
  provider: "sqlite" | "postgresql";
  env: Env;
  logger: Logger;
  keyChanges: KeyChangeBus;
  /** This instance's key uses not yet written, so key answers show them (set by createApp). */
  pendingKeyUse?: PendingKeyUse;
}

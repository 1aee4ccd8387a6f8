import { EventEmitter } from "node:events";

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
 * Carries a change committed through this instance to the other instances; resolves once every
 * live one has dropped its cached entry, or once the acknowledgement bound has passed. Never
 * rejects: the change is committed either way.
 */
export type KeyChangeCarrier = (change: KeyChange) => Promise<void>;

/**
 * The one way key changes are announced in a process. The keys service publishes what it
 * committed and awaits the answer before answering its request; on PostgreSQL the
 * cross-instance channel carries those to the other instances (waiting for their
 * acknowledgements) and delivers theirs here.
 */
export class KeyChangeBus extends EventEmitter<{
  change: [KeyChange, KeyChangeOrigin];
  delivery: [KeyChangeDelivery];
}> {
  private current: KeyChangeDelivery = "prompt";
  private carrier: KeyChangeCarrier | undefined;
  private heard = Number.POSITIVE_INFINITY;

  /**
   * A change committed through this instance: this instance's caches drop it at once; resolves
   * when the other instances have too (at once with one instance).
   */
  publish(change: KeyChange): Promise<void> {
    this.emit("change", change, "local");
    return this.carrier ? this.carrier(change) : Promise.resolve();
  }

  /** Installs (or, with undefined, removes) what carries local changes to other instances. */
  carry(carrier: KeyChangeCarrier | undefined): void {
    this.carrier = carrier;
  }

  /** A change committed through another instance. */
  deliver(change: KeyChange): void {
    this.emit("change", change, "remote");
  }

  get delivery(): KeyChangeDelivery {
    return this.current;
  }

  /**
   * Until when (`performance.now()`) this instance is sure to have heard of every change another
   * instance committed and answered: always with one instance; with several, the channel moves
   * it on with every heartbeat it hears back. Past it, caches trust only recent entries.
   */
  get heardUntil(): number {
    return this.heard;
  }

  setHeardUntil(until: number): void {
    this.heard = until;
  }

  /** Announces a change of delivery; a new `prompt` also means "changes may have been missed". */
  setDelivery(delivery: KeyChangeDelivery): void {
    if (delivery === this.current) return;
    this.current = delivery;
    this.emit("delivery", delivery);
  }
}

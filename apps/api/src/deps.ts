import { EventEmitter } from "node:events";
import type { Db } from "@keyward/db";
import type { Env } from "./env.js";
import type { Logger } from "./logger.js";

/** Emitted after a key's change is committed, so verification caches can drop it. */
export interface KeyChange {
  keyId: string;
  hash: string;
}

export class KeyChangeBus extends EventEmitter<{ change: [KeyChange] }> {
  publish(change: KeyChange): void {
    this.emit("change", change);
  }
}

export interface Deps {
  db: Db;
  provider: "sqlite" | "postgresql";
  env: Env;
  logger: Logger;
  keyChanges: KeyChangeBus;
}

import type { Db, Dialect } from "@keyward/db";
import type { Env } from "./env.js";
import type { PendingKeyUse } from "./key-usage/usage-counter.js";
import type { KeyChangeBus } from "./key-verification/key-change-bus.js";
import type { Logger } from "./logger.js";

export interface Deps {
  db: Db;
  /** Which database: for the ingest store and the cross-instance channel only. */
  provider: "sqlite" | "postgresql";
  /** Every SQL difference the services need (locks, text search), so they never branch on `provider`. */
  dialect: Dialect;
  env: Env;
  logger: Logger;
  keyChanges: KeyChangeBus;
  /** This instance's key uses not yet written, so key answers show them (set by createApp). */
  pendingKeyUse?: PendingKeyUse;
}

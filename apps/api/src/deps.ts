import type { Db, Dialect } from "@keyward/db";
import type { Env } from "./env.js";
import type { PendingKeyUse } from "./key-usage/usage-counter.js";
import type { KeyChangeBus } from "./key-verification/key-change-bus.js";
import type { Logger } from "./logger.js";

export interface Deps {
  db: Db;
  /**
   * Every difference between the databases (locks, text search, usage writes, where events are
   * stored, how instances hear of key changes): nothing else branches on which database it is.
   */
  dialect: Dialect;
  env: Env;
  logger: Logger;
  keyChanges: KeyChangeBus;
  /** This instance's key uses not yet written, so key answers show them (set by createApp). */
  pendingKeyUse?: PendingKeyUse;
}

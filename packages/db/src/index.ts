export type * from "../generated/sqlite/client.js";
export { Prisma } from "../generated/sqlite/client.js";
export {
  createDb,
  type Database,
  type Db,
  POSTGRES_TIMEOUTS,
  SQLITE_BUSY_TIMEOUT_MS,
} from "./client.js";
export {
  type Dialect,
  dialectOf,
  KEY_USAGE_COUNT_COLUMNS,
  type KeyUsageCountColumn,
  type KeyUsageIncrement,
  type LockMode,
  type RawExecutor,
  type TextSearch,
  type Tx,
} from "./dialect.js";
export { migrateDatabase, migrateEventsDatabase } from "./migrate.js";
export { eventsDatabaseFile, type Provider, pgClientConfig } from "./paths.js";

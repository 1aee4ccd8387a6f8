export type * from "../generated/sqlite/client.js";
export { Prisma } from "../generated/sqlite/client.js";
export { createDb, type Database, type Db } from "./client.js";
export { migrateDatabase } from "./migrate.js";
export { type Provider, pgClientConfig } from "./paths.js";

import type { Db, Dialect } from "@keyward/db";
import type { IngestStore } from "./ingest-store.js";
import { PostgresIngestStore } from "./postgres-ingest-store.js";
import { SqliteIngestStore } from "./sqlite-ingest-store.js";

/** The events store the database's dialect calls for. */
export function createIngestStore(db: Db, dialect: Dialect): IngestStore {
  switch (dialect.eventStorage) {
    case "sqlite-events-file":
      return new SqliteIngestStore(db);
    case "postgres-tables":
      return new PostgresIngestStore(db);
  }
}

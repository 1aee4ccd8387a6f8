import { rmSync } from "node:fs";
import path from "node:path";

/** Removes the run's temporary database folder (the main and events SQLite files). */
export default function globalTeardown(): void {
  const dbFile = process.env.KEYWARD_E2E_DB;
  if (!dbFile) return;
  const folder = path.dirname(dbFile);
  // Only the folder the config made: a database named by hand stays where it is.
  if (path.basename(folder).startsWith("keyward-e2e-"))
    rmSync(folder, { recursive: true, force: true });
}

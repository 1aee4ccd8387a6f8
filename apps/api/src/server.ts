import { createDb, migrateDatabase } from "@keyward/db";
import { createApp } from "./app.js";
import { KeyChangeBus } from "./deps.js";
import { readEnv } from "./env.js";
import { createLogger } from "./logger.js";
import { publicApiOf } from "./public/public-api.js";

const env = readEnv();
const logger = createLogger(env.LOG_LEVEL);

const { applied } = await migrateDatabase(env.DATABASE_URL);
if (applied.length > 0) logger.info({ applied }, "applied pending migrations");

const { prisma, provider, close } = createDb(env.DATABASE_URL);
const app = createApp({ db: prisma, provider, env, logger, keyChanges: new KeyChangeBus() });

const server = app.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  logger.info({ provider, port }, "keyward is listening");
  console.log(`Keyward is running at http://localhost:${port}`);
});
// Longer than the usual proxy and client idle timeouts, so a reused keep-alive connection isn't closed under them.
server.keepAliveTimeout = 65_000;

function shutdown(signal: string): void {
  logger.info({ signal }, "shutting down");
  server.close(() => {
    // Pending lastUsedAt updates are written before the database closes.
    const publicApi = publicApiOf(app)?.close() ?? Promise.resolve();
    void publicApi.finally(() => close().finally(() => process.exit(0)));
  });
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

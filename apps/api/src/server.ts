import { createDb, migrateDatabase } from "@keyward/db";
import { createApp } from "./app.js";
import { readEnv } from "./env.js";
import { gracefulCloser } from "./http/graceful-close.js";
import { createHttpServer } from "./http/http-server.js";
import { KeyChangeBus } from "./key-verification/key-change-bus.js";
import { startKeyChangeChannel } from "./key-verification/key-change-channel.js";
import { createLogger } from "./logger.js";
import { applyRuntimeFlags } from "./runtime-flags.js";

const env = readEnv();
applyRuntimeFlags(env);
const logger = createLogger(env.LOG_LEVEL);

try {
  const { applied } = await migrateDatabase(env.DATABASE_URL);
  if (applied.length > 0) logger.info({ applied }, "applied pending migrations");
} catch (err) {
  // Once, with the reason, and exit 1: a supervisor restarting us would only fail the same way.
  logger.fatal({ reason: (err as Error).message }, "cannot migrate the database; not starting");
  process.exit(1);
}

const { prisma, dialect, url, close } = createDb(env.DATABASE_URL);
const keyChanges = new KeyChangeBus();
const { app, publicApi } = createApp({ db: prisma, dialect, env, logger, keyChanges });
// Several instances may share PostgreSQL: they tell each other about key changes.
const keyChangeChannel =
  dialect.keyChangeTransport === "listen-notify"
    ? startKeyChangeChannel({
        databaseUrl: url,
        db: prisma,
        bus: keyChanges,
        logger,
        ackTimeoutMs: env.KEY_CHANGE_ACK_TIMEOUT_MS,
      })
    : undefined;

const server = createHttpServer(app, env.REQUEST_TIMEOUT_MS);
// Once, with the reason, and exit 1 (e.g. the port is taken), as for a failed migration.
server.on("error", (err: NodeJS.ErrnoException) => {
  logger.fatal({ reason: err.code ?? err.message, port: env.PORT }, "cannot listen; not starting");
  process.exit(1);
});
server.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  logger.info({ database: dialect.provider, port }, "keyward is listening");
  console.log(`Keyward is running at http://localhost:${port}`);
});
const closer = gracefulCloser(server);

/** How long requests in flight may take to finish after SIGTERM before the process gives up. */
const SHUTDOWN_TIMEOUT_MS = 10_000;
let shuttingDown = false;

function shutdown(signal: string): void {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "shutting down: finishing requests in flight");
  // New connections are refused at once; requests in flight finish.
  void closer.close().then(() => {
    // Pending lastUsedAt updates are written before the database closes.
    const listener = keyChangeChannel?.close() ?? Promise.resolve();
    void Promise.allSettled([publicApi.close(), listener]).finally(() =>
      close().finally(() => {
        logger.info("shut down");
        process.exit(0);
      }),
    );
  });
  setTimeout(() => {
    logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, "requests still running at shutdown timeout");
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS).unref();
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));

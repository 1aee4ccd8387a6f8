import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { type Db, pgClientConfig } from "@keyward/db";
import pg from "pg";
import type { KeyChange, KeyChangeBus, KeyChangeOrigin } from "../deps.js";
import type { Logger } from "../logger.js";

/** The PostgreSQL channel on which instances tell each other about committed key changes. */
export const KEY_CHANGES_CHANNEL = "keyward_key_changes";
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;
/** A connection that stops answering (no RST, e.g. a network partition) is found by this ping. */
const HEARTBEAT_MS = 5_000;
const QUERY_TIMEOUT_MS = 5_000;

/**
 * The listener's `application_name`, so an operator (or a test) can find it in pg_stat_activity;
 * with the host, since instances in containers often share pid 1 (PostgreSQL keeps 63 bytes).
 */
export const listenerApplicationName = (pid: number = process.pid, host: string = hostname()) =>
  `keyward-key-changes-${host.slice(0, 30)}-${pid}`;

export interface KeyChangeChannel {
  close(): Promise<void>;
}

interface Notice {
  /** The sending instance, so an instance ignores its own notices. */
  i: string;
  k: string;
  h: string;
}

/**
 * Carries key changes between instances on one PostgreSQL with LISTEN/NOTIFY: changes this
 * instance publishes on the bus go out with `pg_notify` (key id and hash, never the secret), and
 * other instances' notices are delivered to the bus, where the verifier drops its entries.
 * The listener has its own connection, reconnected with backoff. While it is down the bus is
 * `lagging` (caches keep entries briefly); on reconnect it is `prompt` again, which empties the
 * caches since notices may have been missed.
 */
export function startKeyChangeChannel(options: {
  databaseUrl: string;
  db: Db;
  bus: KeyChangeBus;
  logger: Logger;
}): KeyChangeChannel {
  const { databaseUrl, db, bus } = options;
  const logger = options.logger.child({ component: "key-change-channel" });
  const instance = randomBytes(8).toString("hex");
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let everConnected = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== KEY_CHANGES_CHANNEL || !message.payload) return;
    const notice = parseNotice(message.payload);
    if (!notice) {
      logger.warn("ignored a malformed key-change notice");
      return;
    }
    if (notice.i !== instance) bus.deliver({ keyId: notice.k, hash: notice.h });
  };

  const dropped = (from: pg.Client, err?: Error) => {
    if (client !== from) return;
    client = undefined;
    clearInterval(heartbeat);
    from.end().catch(() => {});
    if (closed) return;
    bus.setDelivery("lagging");
    logger.warn(
      { err: err?.message },
      "key-change listener lost; cached keys now live briefly until it is back",
    );
    scheduleReconnect();
  };

  const scheduleReconnect = () => {
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** failures);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    failures += 1;
    reconnectTimer = setTimeout(() => void connect(), delay);
    reconnectTimer.unref();
  };

  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({
      ...pgClientConfig(databaseUrl),
      application_name: listenerApplicationName(),
      keepAlive: true,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    next.on("error", (err) => dropped(next, err));
    next.on("end", () => dropped(next));
    next.on("notification", onNotification);
    try {
      await next.connect();
      await next.query(`LISTEN ${KEY_CHANGES_CHANNEL}`);
    } catch (err) {
      next.removeAllListeners();
      next.on("error", () => {});
      await next.end().catch(() => {});
      logger.warn(
        { err: (err as Error).message, attempt: failures + 1 },
        "key-change listener could not connect; retrying",
      );
      if (!closed) scheduleReconnect();
      return;
    }
    if (closed) {
      await next.end().catch(() => {});
      return;
    }
    client = next;
    failures = 0;
    // Caches start empty again: notices sent while nobody listened are lost.
    bus.setDelivery("prompt");
    if (everConnected) {
      logger.warn("key-change listener is back; verification cache cleared");
    } else {
      logger.info({ channel: KEY_CHANGES_CHANNEL }, "key-change listener is listening");
    }
    everConnected = true;
    heartbeat = setInterval(() => {
      next.query("SELECT 1").catch((err: Error) => dropped(next, err));
    }, HEARTBEAT_MS);
    heartbeat.unref();
  };

  const notify = async (change: KeyChange) => {
    const payload = JSON.stringify({
      i: instance,
      k: change.keyId,
      h: change.hash,
    } satisfies Notice);
    // Through the pool, not the listening connection: that one runs one query at a time, and
    // parallel key changes would queue behind each other (and its heartbeat) there.
    await db.$executeRawUnsafe("SELECT pg_notify($1, $2)", KEY_CHANGES_CHANNEL, payload);
  };

  const onChange = (change: KeyChange, origin: KeyChangeOrigin) => {
    if (origin !== "local") return;
    notify(change).catch((err: Error) =>
      logger.warn(
        { err: err.message, keyId: change.keyId },
        "could not tell other instances about a key change; their caches expire it",
      ),
    );
  };

  bus.setDelivery("lagging");
  bus.on("change", onChange);
  void connect();

  return {
    async close() {
      closed = true;
      bus.off("change", onChange);
      clearTimeout(reconnectTimer);
      clearInterval(heartbeat);
      const last = client;
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}

function parseNotice(payload: string): Notice | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== "object" || value === null) return null;
    const { i, k, h } = value as Record<string, unknown>;
    if (typeof i !== "string" || typeof k !== "string" || typeof h !== "string") return null;
    return { i, k, h };
  } catch {
    return null;
  }
}

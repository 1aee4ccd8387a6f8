import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";
import { type Db, pgClientConfig } from "@keyward/db";
import pg from "pg";
import type { Logger } from "../logger.js";
import type { KeyChange, KeyChangeBus } from "./key-change-bus.js";

/** The PostgreSQL channel on which instances tell each other about committed key changes. */
export const KEY_CHANGES_CHANNEL = "keyward_key_changes";
/** Where an instance confirms it dropped a change another instance published. */
export const KEY_ACKS_CHANNEL = "keyward_key_acks";
/** Where instances announce themselves with heartbeats, and say goodbye on shutdown. */
export const KEY_PRESENCE_CHANNEL = "keyward_key_presence";
const CHANNELS = [KEY_CHANGES_CHANNEL, KEY_ACKS_CHANNEL, KEY_PRESENCE_CHANNEL];
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;
/** A connection that stops answering (no RST, e.g. a network partition) fails its heartbeat. */
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
  /** The change's number at its sender, which acknowledgements name (absent from an earlier release's instances, which expect none). */
  c?: number;
}

interface Ack {
  /** The acknowledging instance. */
  i: string;
  /** The publisher, and its change number. */
  p: string;
  c: number;
}

interface Presence {
  i: string;
  /** The heartbeat's number at its sender. */
  s: number;
  /** Set when the instance shuts down: nobody waits for it any more. */
  bye?: true;
}

interface Waiting {
  acked: Set<string>;
  /** The instances it waits for; unknown until its own notice came back (see `carry`). */
  waitingFor?: Set<string>;
  done(): void;
}

/**
 * Carries key changes between instances on one PostgreSQL with LISTEN/NOTIFY: changes this
 * instance publishes on the bus go out with `pg_notify` (key id and hash, never the secret), and
 * other instances' notices are delivered to the bus, where the verifier drops its entries, and
 * then acknowledged. The listener has its own connection, reconnected with backoff. While it is
 * down the bus is `lagging` (caches keep entries briefly); on reconnect it is `prompt` again,
 * which empties the caches since notices may have been missed.
 *
 * Publishing waits for acknowledgements. Every instance sends a heartbeat every quarter of the
 * bound on the presence channel; the live set is who was heard within the bound. A publisher
 * sends its notice, waits for that notice to come back on its own listener (so it has heard
 * every heartbeat committed before it), then for an acknowledgement from each live instance,
 * or until the bound has passed since the notice was committed. An instance that did not
 * acknowledge in time has not heard its own heartbeat come back within the bound either (it
 * would have heard the notice first: one listener hears notices in commit order), so its bus
 * is past `heardUntil` and its cache trusts no entry older than the fallback lifetime, which is
 * at most the bound: a frozen instance refuses the key as soon as it thaws.
 */
export function startKeyChangeChannel(options: {
  databaseUrl: string;
  db: Db;
  bus: KeyChangeBus;
  logger: Logger;
  /** How long a change waits for acknowledgements. */
  ackTimeoutMs: number;
}): KeyChangeChannel {
  const { databaseUrl, db, bus, ackTimeoutMs } = options;
  const logger = options.logger.child({ component: "key-change-channel" });
  const instance = randomBytes(8).toString("hex");
  const heartbeatMs = Math.max(5, Math.floor(ackTimeoutMs / 4));
  let client: pg.Client | undefined;
  let closed = false;
  let failures = 0;
  let everConnected = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  /** When the current listener began listening (`performance.now()`). */
  let listeningSince = Number.POSITIVE_INFINITY;
  /** Other instances, by when their last heartbeat was heard. */
  const live = new Map<string, number>();
  /** This instance's heartbeats not yet heard back, by number: when each was sent. */
  const beats = new Map<number, number>();
  let beatCount = 0;
  let changeCount = 0;
  const waiting = new Map<number, Waiting>();

  const send = (channel: string, payload: object) => {
    const on = client;
    if (!on) return;
    on.query("SELECT pg_notify($1, $2)", [channel, JSON.stringify(payload)]).catch((err: Error) =>
      dropped(on, err),
    );
  };

  const settle = (wait: Waiting) => {
    if (!wait.waitingFor) return;
    for (const other of wait.waitingFor) if (!wait.acked.has(other)) return;
    wait.done();
  };

  const onNotice = (notice: Notice) => {
    if (notice.i !== instance) {
      bus.deliver({ keyId: notice.k, hash: notice.h });
      if (notice.c !== undefined) {
        send(KEY_ACKS_CHANNEL, { i: instance, p: notice.i, c: notice.c } satisfies Ack);
      }
      return;
    }
    const wait = notice.c === undefined ? undefined : waiting.get(notice.c);
    if (!wait) return;
    const now = performance.now();
    // Heartbeats committed in the last bound are all heard only if it listened that long.
    if (now - listeningSince < ackTimeoutMs) return;
    wait.waitingFor = new Set();
    for (const [other, heardAt] of live) {
      if (now - heardAt < ackTimeoutMs) wait.waitingFor.add(other);
      else live.delete(other);
    }
    settle(wait);
  };

  const onPresence = (presence: Presence) => {
    if (presence.i === instance) {
      const sentAt = beats.get(presence.s);
      if (sentAt === undefined) return;
      for (const s of beats.keys()) if (s <= presence.s) beats.delete(s);
      // Every notice committed before this heartbeat has been delivered to the bus by now.
      bus.setHeardUntil(sentAt + ackTimeoutMs);
      return;
    }
    if (!presence.bye) {
      live.set(presence.i, performance.now());
      return;
    }
    live.delete(presence.i);
    for (const wait of waiting.values()) {
      wait.waitingFor?.delete(presence.i);
      settle(wait);
    }
  };

  const onNotification = (message: pg.Notification) => {
    const payload = message.payload ? parse(message.payload) : null;
    const valid =
      message.channel === KEY_CHANGES_CHANNEL
        ? isNotice(payload)
        : message.channel === KEY_ACKS_CHANNEL
          ? isAck(payload)
          : message.channel === KEY_PRESENCE_CHANNEL && isPresence(payload);
    if (!valid) {
      logger.warn({ channel: message.channel }, "ignored a malformed key-change notice");
      return;
    }
    if (message.channel === KEY_CHANGES_CHANNEL) onNotice(payload as Notice);
    else if (message.channel === KEY_PRESENCE_CHANNEL) onPresence(payload as Presence);
    else {
      const ack = payload as Ack;
      const wait = ack.p === instance ? waiting.get(ack.c) : undefined;
      if (wait) {
        wait.acked.add(ack.i);
        settle(wait);
      }
    }
  };

  let beating = false;
  const beat = () => {
    const on = client;
    // One heartbeat at a time: a stuck connection must not pile them up.
    if (!on || beating) return;
    beating = true;
    beatCount += 1;
    const s = beatCount;
    beats.set(s, performance.now());
    on.query("SELECT pg_notify($1, $2)", [
      KEY_PRESENCE_CHANNEL,
      JSON.stringify({ i: instance, s } satisfies Presence),
    ])
      .catch((err: Error) => dropped(on, err))
      .finally(() => {
        // Its echo, if any, came before the query's answer.
        beats.delete(s);
        beating = false;
      });
  };

  const dropped = (from: pg.Client, err?: Error) => {
    if (client !== from) return;
    client = undefined;
    listeningSince = Number.POSITIVE_INFINITY;
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
      for (const channel of CHANNELS) await next.query(`LISTEN ${channel}`);
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
    listeningSince = performance.now();
    failures = 0;
    // Caches start empty again: notices sent while nobody listened are lost.
    bus.setDelivery("prompt");
    if (everConnected) {
      logger.warn("key-change listener is back; verification cache cleared");
    } else {
      logger.info({ channel: KEY_CHANGES_CHANNEL }, "key-change listener is listening");
    }
    everConnected = true;
    beat();
    heartbeat = setInterval(beat, heartbeatMs);
    heartbeat.unref();
  };

  const carry = async (change: KeyChange): Promise<void> => {
    changeCount += 1;
    const c = changeCount;
    const startedAt = performance.now();
    let finish = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const wait: Waiting = { acked: new Set(), done: () => finish() };
    waiting.set(c, wait);
    try {
      const payload = JSON.stringify({
        i: instance,
        k: change.keyId,
        h: change.hash,
        c,
      } satisfies Notice);
      // Through the pool, not the listening connection: that one runs one query at a time, and
      // parallel key changes would queue behind each other (and its heartbeats) there.
      await db.$executeRawUnsafe("SELECT pg_notify($1, $2)", KEY_CHANGES_CHANNEL, payload);
    } catch (err) {
      logger.warn(
        { err: (err as Error).message, keyId: change.keyId },
        "could not tell other instances about a key change; their caches expire it",
      );
    }
    // Counted from when the notice was committed (or failed): see the proof above.
    const timer = setTimeout(() => {
      if (!closed) {
        const missing = [...(wait.waitingFor ?? [])].filter((other) => !wait.acked.has(other));
        logger.warn(
          { keyId: change.keyId, ackTimeoutMs, missing: wait.waitingFor ? missing.length : null },
          "a key change was not acknowledged by every instance in time; answering after the bound",
        );
      }
      finish();
    }, ackTimeoutMs);
    settle(wait);
    await finished;
    clearTimeout(timer);
    waiting.delete(c);
    logger.debug(
      { keyId: change.keyId, waitedMs: performance.now() - startedAt, acks: wait.acked.size },
      "key change carried",
    );
  };

  bus.setDelivery("lagging");
  bus.setHeardUntil(Number.NEGATIVE_INFINITY);
  bus.carry(carry);
  void connect();

  return {
    async close() {
      closed = true;
      bus.carry(undefined);
      clearTimeout(reconnectTimer);
      clearInterval(heartbeat);
      for (const wait of waiting.values()) wait.done();
      const last = client;
      if (last) {
        await last
          .query("SELECT pg_notify($1, $2)", [
            KEY_PRESENCE_CHANNEL,
            JSON.stringify({ i: instance, s: beatCount + 1, bye: true } satisfies Presence),
          ])
          .catch(() => {});
      }
      client = undefined;
      await last?.end().catch(() => {});
    },
  };
}

function parse(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function isNotice(value: unknown): value is Notice {
  return (
    isRecord(value) &&
    typeof value.i === "string" &&
    typeof value.k === "string" &&
    typeof value.h === "string" &&
    (value.c === undefined || typeof value.c === "number")
  );
}

function isAck(value: unknown): value is Ack {
  return (
    isRecord(value) &&
    typeof value.i === "string" &&
    typeof value.p === "string" &&
    typeof value.c === "number"
  );
}

function isPresence(value: unknown): value is Presence {
  return isRecord(value) && typeof value.i === "string" && typeof value.s === "number";
}

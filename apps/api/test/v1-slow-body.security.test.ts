// A batch whose key changes while its body is still arriving: the headers are sent on a raw
// socket, the key is disabled, deleted, rolled with no grace or loses write through the session
// API, then the body follows. The key is checked again before the append, so the batch is
// refused and nothing is stored; a sender slower than REQUEST_TIMEOUT_MS gets 408.

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { API_KEY_HEADER } from "@keyward/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../src/env.js";
import { createHttpServer } from "../src/http/http-server.js";
import { countOf, machine, newKey, storedEvents, type TestKey, useV1 } from "./v1-fixtures.js";

const REQUEST_TIMEOUT_MS = readEnv({ REQUEST_TIMEOUT_MS: "2000" }).REQUEST_TIMEOUT_MS;

const v1 = useV1();
let server: Server;
let port: number;
let reader: TestKey;

beforeAll(async () => {
  reader = await newKey(v1, { read: true, write: false });
  server = createHttpServer(v1.h.app, REQUEST_TIMEOUT_MS);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

interface RawAnswer {
  status: number;
  body: string;
}

/** A POST /v1/events whose headers go out now and whose body goes out when asked. */
function pendingBatch(secret: string, body: string) {
  const socket: Socket = connect(port, "127.0.0.1");
  let received = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    received += chunk;
  });
  const closed = new Promise<void>((resolve) => {
    socket.on("close", () => resolve());
    socket.on("error", () => resolve());
  });
  socket.write(
    [
      "POST /v1/events HTTP/1.1",
      "Host: 127.0.0.1",
      "Content-Type: application/json",
      `Content-Length: ${Buffer.byteLength(body)}`,
      `${API_KEY_HEADER}: ${secret}`,
      "Connection: close",
      "",
      "",
    ].join("\r\n"),
  );
  // The first byte too, so the request is surely dispatched and its key checked.
  socket.write(body.slice(0, 1));
  return {
    sendRest: () => socket.write(body.slice(1)),
    async answer(): Promise<RawAnswer> {
      await closed;
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      return { status, body: received.slice(received.indexOf("\r\n\r\n") + 4) };
    },
  };
}

function batchOf(eventName: string, size = 1_000): string {
  return JSON.stringify(Array.from({ length: size }, (_, i) => ({ eventName, i })));
}

/** Sends the headers, makes `change` while the body is pending, then sends the body. */
async function changeMidBody(
  eventName: string,
  change: (key: TestKey) => Promise<unknown>,
): Promise<RawAnswer> {
  const key = await newKey(v1, { read: true, write: true });
  // Cached, as a busy key is: the second check must not answer from a stale entry.
  await machine(v1.h, key.secret).get("/v1/key").expect(200);
  const batch = pendingBatch(key.secret, batchOf(eventName));
  await sleep(200);
  await change(key);
  batch.sendRest();
  return batch.answer();
}

const keyPath = (key: TestKey) => `${v1.keysPath}/${key.id}`;

describe("POST /v1/events checks the key again once the body has arrived", () => {
  it("stores a slow batch whose key did not change (the control)", async () => {
    const answer = await changeMidBody("unchanged", () => sleep(0));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ accepted: 1_000 });
    expect(await countOf(v1.h, reader.secret, "unchanged")).toBe(1_000);
  });

  it.each<[string, number, string, string, (key: TestKey) => Promise<unknown>]>([
    [
      "was disabled",
      401,
      "disabled_key",
      "while-disabled",
      (key) => v1.admin.client.patch(keyPath(key), { enabled: false }).expect(200),
    ],
    [
      "was deleted",
      401,
      "invalid_key",
      "while-deleted",
      (key) => v1.admin.client.delete(keyPath(key)).expect(204),
    ],
    [
      "was rolled with no grace",
      401,
      "expired_key",
      "while-rolled",
      (key) => v1.admin.client.post(`${keyPath(key)}/roll`, { graceSeconds: 0 }).expect(201),
    ],
    [
      "lost write",
      403,
      "insufficient_permission",
      "while-narrowed",
      (key) =>
        v1.admin.client
          .patch(keyPath(key), { permissions: { read: true, write: false } })
          .expect(200),
    ],
  ])(
    "refuses a batch whose key %s meanwhile (%i %s), storing nothing",
    async (_what, status, code, eventName, change) => {
      const answer = await changeMidBody(eventName, change);
      expect(answer.status).toBe(status);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code } });
      expect(await storedEvents(v1, eventName)).toHaveLength(0);
      expect(await countOf(v1.h, reader.secret, eventName)).toBe(0);
    },
  );
});

describe("a request's body has a bounded time to arrive", () => {
  it(`answers 408 to a sender slower than REQUEST_TIMEOUT_MS (${REQUEST_TIMEOUT_MS} ms) and stores nothing`, async () => {
    const key = await newKey(v1, { read: true, write: true });
    const started = Date.now();
    const batch = pendingBatch(key.secret, batchOf("too-slow", 10));
    const answer = await batch.answer();
    const took = Date.now() - started;
    expect(answer.status).toBe(408);
    expect(took).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(took).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    // The rest of the body, too late, on a connection the server has closed.
    batch.sendRest();
    await sleep(200);
    expect(await storedEvents(v1, "too-slow")).toHaveLength(0);
    expect(await countOf(v1.h, reader.secret, "too-slow")).toBe(0);
  });

  it("reads the bound from REQUEST_TIMEOUT_MS, 30 s unless set", () => {
    expect(readEnv({}).REQUEST_TIMEOUT_MS).toBe(30_000);
  });
});

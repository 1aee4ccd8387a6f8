// Fault: SIGTERM while requests are in flight. They all finish with 2xx, new connections are
// refused, pending lastUsedAt updates are written, and the process exits 0 in time.
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { countedEvents, sessionCall, sleep, useFaultDatabase } from "./support.js";

const fault = useFaultDatabase();

/** Whether a TCP connection to the server's port is refused. */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

interface Answer {
  status: number;
  body: string;
}

/**
 * An ingest request sent in two parts: its headers and the first half of its body now, the rest
 * when `finish` is called. Until then the server has it in flight, waiting for the body.
 */
function halfSentIngest(url: string, secret: string, body: string, keepAlive: boolean) {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  const req = request(`${url}/v1/events`, {
    method: "POST",
    // Keep-alive connections must not hold the server open once their request is answered.
    agent: keepAlive ? new Agent({ keepAlive: true }) : false,
    headers: {
      "content-type": "application/json",
      "content-length": String(bytes.length),
      "x-api-token": secret,
    },
  });
  const answer = new Promise<Answer>((resolve, reject) => {
    req.once("error", reject);
    req.once("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.once("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.once("error", reject);
    });
  });
  req.write(bytes.subarray(0, half));
  return { answer, finish: () => req.end(bytes.subarray(half)) };
}

describe("graceful shutdown on SIGTERM", () => {
  it("finishes requests in flight, refuses new connections, flushes lastUsedAt, exits 0", async () => {
    const first = await fault.startWithKey("shutdown");
    let server = first.server;
    const { session, key } = first;
    // A use the server notes in memory only (lastUsedAt is written every 30 s or at shutdown).
    const used = await fetch(`${server.url}/v1/key`, { headers: { "x-api-token": key.secret } });
    expect(used.status).toBe(200);

    // Slow requests: large batches, many at once, their bodies half sent.
    const inFlight = 16;
    const batchSize = 5_000;
    const eventName = "shutdown";
    const events = Array.from({ length: batchSize }, (_, i) => ({
      eventName,
      i,
      note: "x".repeat(40),
    }));
    const body = JSON.stringify(events);
    const running = server;
    let finished = 0;
    const requests = Array.from({ length: inFlight }, (_, i) =>
      halfSentIngest(running.url, key.secret, body, i % 2 === 0),
    );
    const answered = requests.map(({ answer }) =>
      answer.finally(() => {
        finished += 1;
      }),
    );
    // Let every connection be accepted and its headers read, then ask the server to stop.
    await sleep(500);
    const startedAt = Date.now();
    process.kill(running.pid, "SIGTERM");
    // The signal is handled within moments; from then on, new connections are refused.
    let refusedWhileDraining = false;
    while (!refusedWhileDraining && Date.now() - startedAt < 3_000) {
      refusedWhileDraining = await refused(running.url);
      if (!refusedWhileDraining) await sleep(50);
    }
    const finishedWhenRefused = finished;
    for (const { finish } of requests) finish();

    const answers = await Promise.all(answered);
    await running.exited();
    const exitMs = Date.now() - startedAt;
    const statuses = answers.map((answer) => answer.status);
    console.log(
      `[faults] SIGTERM (${fault.database.provider}): ${inFlight} requests in flight ` +
        `(${finishedWhenRefused} done when a new connection was tried): statuses ${[...new Set(statuses)].join(",")}; ` +
        `new connection refused: ${refusedWhileDraining}; exit code ${running.child.exitCode} after ${exitMs} ms`,
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(finishedWhenRefused).toBeLessThan(inFlight);
    expect(refusedWhileDraining).toBe(true);
    expect(running.child.exitCode).toBe(0);
    expect(exitMs).toBeLessThan(10_000);

    // After a restart: every acknowledged event counted, and the key's use recorded.
    server = await fault.start();
    const restarted = { ...session, url: server.url };
    expect(await countedEvents(server.url, key.secret, eventName)).toBe(inFlight * batchSize);
    const answer = await sessionCall(restarted, "GET", `/keys/${key.id}`);
    expect(answer.status).toBe(200);
    const { lastUsedAt } = (await answer.json()) as { lastUsedAt: string | null };
    expect(lastUsedAt).not.toBeNull();
  }, 120_000);
});

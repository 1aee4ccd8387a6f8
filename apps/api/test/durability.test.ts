// Events answered 200 survive a `kill -9` of the server: a real child process, not a mock.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@keyward/db/testing";
import {
  API_KEY_HEADER,
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  type KeyWithSecretAnswer,
  type MetricsAnswer,
  type SessionAnswer,
} from "@keyward/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsDatabaseFile } from "../src/public/sqlite-ingest-store.js";
import { removeSqliteFiles } from "./v1-fixtures.js";

const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

interface Server {
  child: ChildProcess;
  url: string;
}

function startServer(databaseUrl: string): Promise<Server> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: apiDir,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      NODE_ENV: "test",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        child.stdout?.off("data", onData);
        resolve({ child, url: match[1].replace("localhost", "127.0.0.1") });
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) =>
      reject(new Error(`server exited (${code}) before listening:\n${output}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

let database: TestDatabase;
let server: Server | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
async function stopServer(): Promise<void> {
  if (!server) return;
  server.child.kill("SIGKILL");
  await exited(server.child);
  server = undefined;
}

afterAll(async () => {
  await stopServer();
  await database?.drop();
  if (database?.url.startsWith("file:")) {
    removeSqliteFiles(eventsDatabaseFile(database.url.replace(/^file:/, "")));
  }
});

interface SessionKey {
  secret: string;
  keyPath: string;
  cookie: string;
}

async function sessionKey(url: string): Promise<SessionKey> {
  const headers = { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE };
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      email: `durable-${Date.now()}@example.com`,
      password: "correct horse battery",
      name: "Dura Ble",
      orgName: "Durable Org",
    }),
  });
  expect(signup.status).toBe(201);
  const cookie = (signup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const orgId = ((await signup.json()) as SessionAnswer).orgs[0]?.id;
  const created = await fetch(`${url}/api/orgs/${orgId}/keys`, {
    method: "POST",
    headers: { ...headers, cookie },
    body: JSON.stringify({
      name: "durable",
      orgWide: true,
      permissions: { read: true, write: true },
    }),
  });
  expect(created.status).toBe(201);
  const { key, secret } = (await created.json()) as KeyWithSecretAnswer;
  return { secret, cookie, keyPath: `/api/orgs/${orgId}/keys/${key.id}` };
}

describe("durability", () => {
  it("counts every acknowledged event after kill -9 and a restart", async () => {
    server = await startServer(database.url);
    const { secret } = await sessionKey(server.url);
    const batchSize = 50;
    const eventName = "durable";
    let acknowledged = 0;
    let sent = 0;
    let killed = false;
    const running = server;

    const sender = async () => {
      while (!killed) {
        sent += batchSize;
        const events = Array.from({ length: batchSize }, (_, i) => ({ eventName, i }));
        try {
          const res = await fetch(`${running.url}/v1/events`, {
            method: "POST",
            headers: { "content-type": "application/json", [API_KEY_HEADER]: secret },
            body: JSON.stringify(events),
          });
          if (res.status === 200) {
            acknowledged += batchSize;
            // Kill at once, while other batches are in flight, right after this 200.
            if (acknowledged >= 40 * batchSize && !killed) {
              killed = true;
              running.child.kill("SIGKILL");
            }
          }
        } catch {
          // The connection died with the server: this batch was never acknowledged.
          return;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    await exited(running.child);
    expect(killed).toBe(true);
    expect(acknowledged).toBeGreaterThanOrEqual(40 * batchSize);

    server = await startServer(database.url);
    const params = new URLSearchParams({
      eventName,
      interval: "day",
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const res = await fetch(`${server.url}/v1/metrics?${params.toString()}`, {
      headers: { [API_KEY_HEADER]: secret },
    });
    expect(res.status).toBe(200);
    const counted = ((await res.json()) as MetricsAnswer).points.reduce(
      (sum, p) => sum + p.count,
      0,
    );
    // Every acknowledged event is there; batches cut off by the kill may or may not be.
    expect(counted).toBeGreaterThanOrEqual(acknowledged);
    expect(counted).toBeLessThanOrEqual(sent);
    expect(counted % batchSize).toBe(0);
  }, 120_000);

  it("writes pending lastUsedAt updates on a graceful shutdown", async () => {
    await stopServer();
    server = await startServer(database.url);
    const { secret, cookie, keyPath } = await sessionKey(server.url);
    const used = await fetch(`${server.url}/v1/key`, { headers: { [API_KEY_HEADER]: secret } });
    expect(used.status).toBe(200);
    server.child.kill("SIGTERM");
    await exited(server.child);
    expect(server.child.exitCode).toBe(0);

    server = await startServer(database.url);
    const key = await fetch(`${server.url}${keyPath}`, { headers: { cookie } });
    expect(key.status).toBe(200);
    const { lastUsedAt } = (await key.json()) as { lastUsedAt: string | null };
    expect(lastUsedAt).not.toBeNull();
  }, 60_000);
});

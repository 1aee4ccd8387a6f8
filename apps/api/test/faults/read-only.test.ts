// Fault: a database that takes no writes (SQLite files that cannot be written; a PostgreSQL
// database with default_transaction_read_only). Writes answer 503 naming the problem, reads
// still work, the process stays up; a server that cannot even migrate exits once, saying why.
import { execFileSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pgClientConfig } from "@keyward/db";
import { API_KEY_HEADER, CSRF_HEADER, CSRF_HEADER_VALUE } from "@keyward/shared";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../support/server-process.js";
import {
  countedEvents,
  createKey,
  type FaultDatabase,
  faultDatabase,
  ingest,
  sessionCall,
  signUp,
  sqliteFiles,
} from "./support.js";

let database: FaultDatabase;
let server: ServerProcess | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  database = await faultDatabase();
});

afterAll(async () => {
  await server?.kill();
  for (const cleanup of cleanups.reverse()) await cleanup();
  await database?.drop();
});

const isRoot = () => process.getuid?.() === 0;

/** Makes files unwritable for this process's user; root ignores modes, so it also sets +i. */
function makeUnwritable(files: string[]): void {
  for (const file of files.filter((f) => existsSync(f))) {
    chmodSync(file, 0o444);
    if (isRoot()) execFileSync("chattr", ["+i", file]);
    cleanups.push(() => {
      if (isRoot()) execFileSync("chattr", ["-i", file]);
      chmodSync(file, 0o644);
    });
    let writable = true;
    try {
      closeSync(openSync(file, "r+"));
    } catch {
      writable = false;
    }
    if (writable) throw new Error(`cannot make ${file} read-only on this file system`);
  }
}

async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(pgClientConfig(process.env.TEST_DATABASE_URL ?? ""));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const databaseName = (url: string) => new URL(url).pathname.slice(1);

async function setReadOnly(url: string, on: boolean): Promise<void> {
  const name = databaseName(url).replaceAll('"', '""');
  await onServer((client) =>
    client.query(
      `ALTER DATABASE "${name}" SET default_transaction_read_only = ${on ? "on" : "off"}`,
    ),
  );
}

describe("read-only database", () => {
  it("answers writes with 503 database_read_only, serves reads, and stays up", async () => {
    server = await startServer({ databaseUrl: database.url });
    const session = await signUp(server.url, "readonly");
    const key = await createKey(session);
    const eventName = "before-read-only";
    expect((await ingest(server.url, key.secret, [{ eventName }, { eventName }])).status).toBe(200);
    expect(await server.stop()).toBe(0);

    if (database.provider === "postgresql") {
      await setReadOnly(database.url, true);
      cleanups.push(() => setReadOnly(database.url, false));
    } else {
      const { main, events } = sqliteFiles(database.url);
      makeUnwritable([main, events]);
    }

    server = await startServer({ databaseUrl: database.url });
    const url = server.url;
    const restarted = { ...session, url };

    // Reads work.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await sessionCall(restarted, "GET", "/keys")).status).toBe(200);
    expect(
      (await fetch(`${url}/v1/key`, { headers: { [API_KEY_HEADER]: key.secret } })).status,
    ).toBe(200);
    expect(await countedEvents(url, key.secret, eventName)).toBe(2);

    // Writes say why they fail, every time, without taking the process down.
    const writes = {
      ingest: () => ingest(url, key.secret, [{ eventName: "during-read-only" }]),
      "create key": () =>
        sessionCall(restarted, "POST", "/keys", {
          name: "read-only",
          orgWide: true,
          permissions: { read: true, write: true },
        }),
      "disable key": () => sessionCall(restarted, "PATCH", `/keys/${key.id}`, { enabled: false }),
      login: () =>
        fetch(`${url}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json", [CSRF_HEADER]: CSRF_HEADER_VALUE },
          body: JSON.stringify({ email: "nobody@example.com", password: "correct horse battery" }),
        }),
    };
    const seen: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [name, call] of Object.entries(writes)) {
        const res = await call();
        const body = (await res.json()) as {
          error?: { code?: string; message?: string; details?: { reason?: string } };
        };
        seen.push(`${name} ${res.status} ${body.error?.details?.reason ?? ""}`);
        if (name === "login" && res.status === 401) continue; // a failed login needs no write
        expect(res.status).toBe(503);
        expect(body.error?.code).toBe("unavailable");
        expect(body.error?.details?.reason).toBe("database_read_only");
        expect(body.error?.message).toMatch(/read-only/);
      }
    }
    console.log(
      `[faults] read-only database (${database.provider}): reads 200; writes: ${[...new Set(seen)].join("; ")}; ` +
        `process up: ${server.child.exitCode === null}`,
    );
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // The key was not disabled.
    const keyNow = await sessionCall(restarted, "GET", `/keys/${key.id}`);
    expect(((await keyNow.json()) as { enabled: boolean }).enabled).toBe(true);
  }, 120_000);

  it("exits once, saying why, when it cannot migrate a read-only database", async () => {
    let url: string;
    if (database.provider === "postgresql") {
      const name = `kw_test_ro_${process.pid}_${Date.now()}`;
      await onServer((client) => client.query(`CREATE DATABASE "${name}"`));
      cleanups.push(() =>
        onServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
          () => {},
        ),
      );
      const target = new URL(process.env.TEST_DATABASE_URL ?? "");
      target.pathname = `/${name}`;
      url = target.href;
      await setReadOnly(url, true);
    } else {
      const file = join(tmpdir(), `kw-readonly-${process.pid}-${Date.now()}.db`);
      writeFileSync(file, "");
      cleanups.push(() => {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
      });
      makeUnwritable([file]);
      url = `file:${file}`;
    }
    const started = Date.now();
    const failure = await startServer({ databaseUrl: url, timeoutMs: 30_000 }).then(
      async (unexpected) => {
        await unexpected.kill();
        return "it started";
      },
      (error: Error) => error.message,
    );
    console.log(
      `[faults] migrating a read-only database (${database.provider}): exited after ${Date.now() - started} ms: ${failure
        .split("\n")
        .find((line) => /read.?only/i.test(line))
        ?.trim()}`,
    );
    expect(failure).toMatch(/server exited \(1\) before listening/);
    expect(failure).toMatch(/read.?only/i);
  }, 60_000);
});

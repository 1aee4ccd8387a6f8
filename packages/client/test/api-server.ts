// The built Keyward API (apps/api/dist) in a child process on a fresh SQLite database, and a
// signed-up user who creates keys through the session API, as an outside developer would.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createDb } from "@keyward/db";
import { createSqliteTestDatabase } from "@keyward/db/testing";

const require = createRequire(import.meta.url);
const serverEntry = path.join(
  path.dirname(require.resolve("@keyward/api/package.json")),
  "dist/src/server.js",
);

export interface ApiServer {
  url: string;
  /** Creates a key in the user's org and answers its secret. */
  createKey(permissions: { read: boolean; write: boolean }): Promise<string>;
  /** The org's requests-per-second limit (a setting the session API does not expose). */
  setRateLimit(perSecond: number): Promise<void>;
  stop(): Promise<void>;
}

const CSRF = { "x-requested-with": "keyward", "content-type": "application/json" };

export async function startApiServer(): Promise<ApiServer> {
  if (!existsSync(serverEntry)) throw new Error(`build the API first: ${serverEntry} is missing`);
  const database = await createSqliteTestDatabase();
  const child: ChildProcess = spawn(process.execPath, [serverEntry], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the API did not start:\n${output}`)), 60_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace("localhost", "127.0.0.1"));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the API exited (${code}):\n${output}`));
    });
  });

  const signup = await fetch(`${url}/api/auth/signup`, {
    method: "POST",
    headers: CSRF,
    body: JSON.stringify({
      email: `client-${process.pid}-${Date.now()}@example.com`,
      password: "correct horse battery",
      name: "Client Test",
      orgName: "Client Org",
    }),
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}`);
  const cookie = (signup.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const { orgs } = (await signup.json()) as { orgs: { id: string }[] };
  const orgId = orgs[0]?.id ?? "";
  const db = createDb(database.url);

  return {
    url,
    async createKey(permissions) {
      const res = await fetch(`${url}/api/orgs/${orgId}/keys`, {
        method: "POST",
        headers: { ...CSRF, cookie },
        body: JSON.stringify({ name: "client test key", orgWide: true, permissions }),
      });
      if (res.status !== 201) throw new Error(`creating a key answered ${res.status}`);
      return ((await res.json()) as { secret: string }).secret;
    },
    async setRateLimit(perSecond) {
      await db.prisma.org.update({ where: { id: orgId }, data: { rateLimitPerSecond: perSecond } });
    },
    async stop() {
      await db.close();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await database.drop();
    },
  };
}

// Integration harness: a real app on a fresh, migrated database (SQLite file, or PostgreSQL
// when TEST_DATABASE_URL is set). Users, orgs and keys are made through the HTTP API.
import { Writable } from "node:stream";
import { createDb } from "@keyward/db";
import { createTestDatabase } from "@keyward/db/testing";
import { CSRF_HEADER, CSRF_HEADER_VALUE, type SessionAnswer } from "@keyward/shared";
import type { Express } from "express";
import supertest from "supertest";
import { createApp } from "../src/app.js";
import { type Deps, KeyChangeBus } from "../src/deps.js";
import { readEnv } from "../src/env.js";
import { createLogger } from "../src/logger.js";
import type { PublicApi } from "../src/v1/public-api.js";

export interface Harness {
  app: Express;
  /** The app's /v1 state (verifier, ingest store, usage counter, limiter); `close()` leaves it open. */
  publicApi: PublicApi;
  deps: Deps;
  /** Every log line the app wrote, to assert that no secret leaks. */
  logLines: string[];
  /** A client without a session. */
  anonymous(): Client;
  /** Signs up a new user with their own org. */
  signup(overrides?: Partial<SignupInput>): Promise<SignedIn>;
  close(): Promise<void>;
}

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  orgName: string;
}

export interface SignedIn {
  client: Client;
  user: SessionAnswer["user"];
  orgId: string;
  password: string;
}

let counter = 0;
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now()}-${counter}@example.com`;
}

/** A cookie-keeping client that sends the CSRF header on every call. */
export class Client {
  readonly agent: ReturnType<typeof supertest.agent>;

  constructor(app: Express) {
    this.agent = supertest.agent(app);
  }

  get(path: string) {
    return this.agent.get(path).set(CSRF_HEADER, CSRF_HEADER_VALUE);
  }
  post(path: string, body?: unknown) {
    const req = this.agent.post(path).set(CSRF_HEADER, CSRF_HEADER_VALUE);
    return body === undefined ? req : req.send(body as object);
  }
  patch(path: string, body?: unknown) {
    const req = this.agent.patch(path).set(CSRF_HEADER, CSRF_HEADER_VALUE);
    return body === undefined ? req : req.send(body as object);
  }
  delete(path: string) {
    return this.agent.delete(path).set(CSRF_HEADER, CSRF_HEADER_VALUE);
  }
}

/**
 * `env` adds to the test environment. Test files sign up many users from one address, so the
 * per-address signup limit is raised unless a test sets it.
 */
export async function createHarness(env: Record<string, string> = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const { prisma, provider, dialect, close } = createDb(database.url);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const appEnv = readEnv({
    NODE_ENV: "test",
    LOG_LEVEL: "trace",
    DATABASE_URL: database.url,
    SIGNUPS_PER_IP: "10000",
    ...env,
  });
  const logger = createLogger("trace", sink);
  const deps: Deps = {
    db: prisma,
    provider,
    dialect,
    env: appEnv,
    logger,
    keyChanges: new KeyChangeBus(),
  };
  const { app, publicApi } = createApp(deps);

  const harness: Harness = {
    app,
    publicApi,
    deps,
    logLines,
    anonymous: () => new Client(app),
    async signup(overrides = {}) {
      const input: SignupInput = {
        email: uniqueEmail(),
        password: "correct horse battery",
        name: "Test User",
        orgName: "Test Org",
        ...overrides,
      };
      const client = new Client(app);
      const res = await client.post("/api/auth/signup", input).expect(201);
      const answer = res.body as SessionAnswer;
      const orgId = answer.orgs[0]?.id;
      if (!orgId) throw new Error("signup answered no org");
      return { client, user: answer.user, orgId, password: input.password };
    },
    async close() {
      await close();
      await database.drop();
    },
  };
  return harness;
}

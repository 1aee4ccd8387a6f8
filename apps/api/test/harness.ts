// Integration harness: a real app on a fresh, migrated database (SQLite file, or PostgreSQL
// when TEST_DATABASE_URL is set). Users, orgs, members and keys are made through the HTTP API;
// `client(user)` alone opens a session through the session store, to act as a user on its own.
import { Writable } from "node:stream";
import { createDb } from "@keyward/db";
import { createTestDatabase } from "@keyward/db/testing";
import {
  CSRF_HEADER,
  CSRF_HEADER_VALUE,
  type InviteAnswer,
  type Role,
  type SessionAnswer,
} from "@keyward/shared";
import type { Express } from "express";
import supertest from "supertest";
import { afterAll, beforeAll } from "vitest";
import { createApp } from "../src/app.js";
import type { Deps } from "../src/deps.js";
import { readEnv } from "../src/env.js";
import { SESSION_COOKIE } from "../src/http/session-cookie.js";
import { KeyChangeBus } from "../src/key-verification/key-change-bus.js";
import { createLogger } from "../src/logger.js";
import { createSession } from "../src/services/session-store.js";
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
  /** `admin` invites `email` to their org. */
  invite(admin: SignedIn, email: string, role?: Role): Promise<InviteAnswer>;
  /** A new person who joins `admin`'s org through an invite link, signed in by accepting it. */
  member(admin: SignedIn, options?: MemberOptions): Promise<Member>;
  /** A client with a new session of its own for `user`, sent on every call (see `Client`). */
  client(user: { id: string }): Promise<Client>;
  /** One org with a user in each role and a bystander, every one joined through the API. */
  team(): Promise<Team>;
  /** How many rows the account and membership tables hold, to prove a refused call added none. */
  countRows(): Promise<RowCounts>;
  close(): Promise<void>;
}

/** The password of every user the harness makes. */
export const PASSWORD = "correct horse battery";

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  orgName: string;
}

export interface RowCounts {
  users: number;
  memberships: number;
  invites: number;
  sessions: number;
  audit: number;
  orgs: number;
}

export interface Member {
  client: Client;
  user: SessionAnswer["user"];
  password: string;
}

export interface SignedIn extends Member {
  orgId: string;
}

export interface Grants {
  manageOrgKeys?: boolean;
  managePersonalKeys?: boolean;
}

export interface MemberOptions {
  role?: Role;
  /** Granted by the admin after the invite is accepted. */
  grants?: Grants;
  name?: string;
}

/** A role as the authorization rules see it: admin, plain member, or member with one grant. */
export type RoleName = "admin" | "member" | "orgKeysMember" | "personalKeysMember";
export const ROLES: RoleName[] = ["admin", "member", "orgKeysMember", "personalKeysMember"];

export interface Team {
  orgId: string;
  admin: SignedIn;
  users: Record<RoleName, Member>;
  /** A plain member whose personal keys are "someone else's" for every role. */
  bystander: Member;
  keysPath: string;
}

/** A stream for a logger to write to, and every line written to it. */
export function lineSink(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, sink };
}

let counter = 0;
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${process.pid}-${Date.now()}-${counter}@example.com`;
}

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

/**
 * A session-API client that sends the CSRF header on every call. Without a token it keeps its
 * cookies like a browser (signing up, logging in or accepting an invite signs it in); with one it
 * sends that session token on every call and keeps nothing the server sets.
 */
export class Client {
  /** The underlying requester, for calls that must go without the CSRF header (or the token). */
  readonly agent: ReturnType<typeof supertest.agent>;

  constructor(
    app: Express,
    readonly token?: string,
  ) {
    this.agent = token === undefined ? supertest.agent(app) : supertest(app);
  }

  send(
    method: Method,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): supertest.Test {
    const open = {
      GET: () => this.agent.get(path),
      POST: () => this.agent.post(path),
      PATCH: () => this.agent.patch(path),
      DELETE: () => this.agent.delete(path),
    }[method];
    let req = open().set(CSRF_HEADER, CSRF_HEADER_VALUE);
    if (this.token !== undefined) req = req.set("Cookie", `${SESSION_COOKIE}=${this.token}`);
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return body === undefined ? req : req.send(body as object);
  }
  get(path: string) {
    return this.send("GET", path);
  }
  post(path: string, body?: unknown) {
    return this.send("POST", path, body);
  }
  patch(path: string, body?: unknown) {
    return this.send("PATCH", path, body);
  }
  delete(path: string) {
    return this.send("DELETE", path);
  }
  /** `text` as an application/json body, sent as it is: any JSON value, or JSON that does not parse. */
  sendJson(method: Method, path: string, text: string) {
    return this.send(method, path, text, { "Content-Type": "application/json" });
  }
}

/**
 * `env` adds to the test environment. Test files sign up many users from one address, so the
 * per-address signup limit is raised unless a test sets it.
 */
export async function createHarness(env: Record<string, string> = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const { prisma, dialect, close } = createDb(database.url);
  const { lines: logLines, sink } = lineSink();
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
        password: PASSWORD,
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
    async invite(admin, email, role = "member") {
      const res = await admin.client
        .post(`/api/orgs/${admin.orgId}/invites`, { email, role })
        .expect(201);
      return res.body as InviteAnswer;
    },
    async member(admin, { role = "member", grants = {}, name = "Invited Person" } = {}) {
      const email = uniqueEmail(name.toLowerCase().replace(/\W+/g, "-"));
      const { token } = await harness.invite(admin, email, role);
      const client = new Client(app);
      const res = await client
        .post(`/api/invites/${encodeURIComponent(token)}/accept`, { name, password: PASSWORD })
        .expect(200);
      const user = (res.body as SessionAnswer).user;
      if (grants.manageOrgKeys || grants.managePersonalKeys) {
        await admin.client.patch(`/api/orgs/${admin.orgId}/members/${user.id}`, grants).expect(200);
      }
      return { client, user, password: PASSWORD };
    },
    async client(user) {
      return new Client(app, await createSession(prisma, user.id));
    },
    async team() {
      const admin = await harness.signup({ name: "Ada Admin", orgName: "Team Org" });
      const [member, orgKeysMember, personalKeysMember, bystander] = await Promise.all([
        harness.member(admin, { name: "Mo Member" }),
        harness.member(admin, { name: "Olga OrgKeys", grants: { manageOrgKeys: true } }),
        harness.member(admin, { name: "Pete PersonalKeys", grants: { managePersonalKeys: true } }),
        harness.member(admin, { name: "Bea Bystander" }),
      ]);
      return {
        orgId: admin.orgId,
        admin,
        users: { admin, member, orgKeysMember, personalKeysMember },
        bystander,
        keysPath: `/api/orgs/${admin.orgId}/keys`,
      };
    },
    async countRows() {
      const [users, memberships, invites, sessions, audit, orgs] = await Promise.all([
        prisma.user.count(),
        prisma.membership.count(),
        prisma.invite.count(),
        prisma.session.count(),
        prisma.auditEvent.count(),
        prisma.org.count(),
      ]);
      return { users, memberships, invites, sessions, audit, orgs };
    },
    async close() {
      await close();
      await database.drop();
    },
  };
  return harness;
}

/** What `useHarness` answers: the harness and what its setup made, filled in by `beforeAll`. */
export type Fixture<T extends object> = { h: Harness } & T;

export interface UseHarnessOptions<T extends object> {
  /** Added to the test environment, as for `createHarness`. */
  env?: Record<string, string>;
  /** Runs after all tests, before the harness is closed (if it was created; setup may have failed). */
  teardown?: (fixture: Fixture<T>) => unknown;
}

/**
 * One harness for the test file: `beforeAll` creates it and runs `setup` on it (signing up the
 * users the file needs), `afterAll` closes it. Read the answer's fields inside tests and hooks,
 * not at the file's top level, where they are not set yet.
 */
export function useHarness<T extends object = Record<never, never>>(
  setup?: (h: Harness) => Promise<T>,
  { env, teardown }: UseHarnessOptions<T> = {},
): Fixture<T> {
  const fixture = {} as Fixture<T>;
  beforeAll(async () => {
    fixture.h = await createHarness(env);
    if (setup) Object.assign(fixture, await setup(fixture.h));
  });
  afterAll(async () => {
    if (fixture.h === undefined) return;
    await teardown?.(fixture);
    await fixture.h.close();
  });
  return fixture;
}

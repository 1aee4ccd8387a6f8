// Shared setup for the /v1 tests: a harness, an admin, and keys made through the session API.
import { API_KEY_HEADER, type KeyWithSecretAnswer } from "@keyward/shared";
import supertest from "supertest";
import { afterAll, beforeAll } from "vitest";
import type { StoredEventRow } from "../src/ingest/ingest-store.js";
import type { PublicApi } from "../src/v1/public-api.js";
import { type Client, createHarness, type Harness, type SignedIn } from "./harness.js";

export interface V1 {
  h: Harness;
  admin: SignedIn;
  keysPath: string;
  api: PublicApi;
}

export async function setupV1(env: Record<string, string> = {}): Promise<V1> {
  const h = await createHarness(env);
  const admin = await h.signup({ name: "Ada Admin", orgName: "Ingest Org" });
  return { h, admin, keysPath: `/api/orgs/${admin.orgId}/keys`, api: h.publicApi };
}

export async function teardownV1(v1: V1 | undefined): Promise<void> {
  if (!v1) return;
  await v1.api.close();
  // Drops the test database, with the events file beside it on SQLite.
  await v1.h.close();
}

/**
 * `setupV1` before all tests of the file (or of the describe block it is called in) and
 * `teardownV1` after them. The answer's fields are set by `beforeAll`: read them inside tests
 * and hooks (a `beforeAll` registered after this call runs after the setup).
 */
export function useV1(env: Record<string, string> = {}): V1 {
  const v1 = {} as V1;
  beforeAll(async () => {
    Object.assign(v1, await setupV1(env));
  });
  afterAll(() => teardownV1(v1.h === undefined ? undefined : v1));
  return v1;
}

export type { StoredEventRow };

/** The raw events stored for the admin's org, oldest first. */
export function storedEvents(v1: V1, eventName?: string): Promise<StoredEventRow[]> {
  return v1.api.store.storedEvents(v1.admin.orgId, eventName);
}

export interface TestKey {
  id: string;
  secret: string;
}

export async function newKey(
  v1: { admin: { client: Client }; keysPath: string },
  permissions: { read: boolean; write: boolean } = { read: true, write: true },
  overrides: Record<string, unknown> = {},
): Promise<TestKey> {
  const res = await v1.admin.client.post(v1.keysPath, {
    name: "machine",
    orgWide: true,
    permissions,
    ...overrides,
  });
  if (res.status !== 201)
    throw new Error(`creating a key answered ${res.status}: ${JSON.stringify(res.body)}`);
  const body = res.body as KeyWithSecretAnswer;
  return { id: body.key.id, secret: body.secret };
}

/** A read-write org-wide key `owner` makes in their org (`newKey` for any user or client). */
export function orgKey(
  owner: { client: Client; orgId: string },
  overrides: Record<string, unknown> = {},
): Promise<TestKey> {
  return newKey({ admin: owner, keysPath: `/api/orgs/${owner.orgId}/keys` }, undefined, overrides);
}

/** Requests to the public API, with the key in `x-api-token` (or none). */
export function machine(h: Harness, secret?: string) {
  const request = supertest(h.app);
  const withKey = <T extends supertest.Test>(test: T): T =>
    (secret === undefined ? test : test.set(API_KEY_HEADER, secret)) as T;
  return {
    get: (path: string) => withKey(request.get(path)),
    post: (path: string, body?: unknown) => {
      const test = withKey(request.post(path));
      return body === undefined ? test : test.send(body as object);
    },
  };
}

/**
 * Runs `body` with the admin's org limited to `perSecond` requests per second per key, then puts
 * the limit back to 1,000 (the default), whether `body` passed or not.
 */
export async function withOrgRateLimit<T>(
  v1: V1,
  perSecond: number,
  body: () => Promise<T>,
): Promise<T> {
  const limit = (rateLimitPerSecond: number) =>
    v1.h.deps.db.org.update({ where: { id: v1.admin.orgId }, data: { rateLimitPerSecond } });
  await limit(perSecond);
  try {
    return await body();
  } finally {
    await limit(1000);
  }
}

/** `count` GET /v1/key sent at once with the key (the client of `machine`). */
export function burst(
  client: ReturnType<typeof machine>,
  count: number,
): Promise<supertest.Response[]> {
  return Promise.all(Array.from({ length: count }, () => client.get("/v1/key")));
}

/** Sums the counts of `/v1/metrics` for an event name over all time. */
export async function countOf(h: Harness, secret: string, eventName: string): Promise<number> {
  const params = new URLSearchParams({
    eventName,
    interval: "day",
    from: "2000-01-01T00:00:00Z",
    to: "2100-01-01T00:00:00Z",
  });
  const res = await machine(h, secret).get(`/v1/metrics?${params.toString()}`).expect(200);
  return (res.body.points as { count: number }[]).reduce((sum, point) => sum + point.count, 0);
}

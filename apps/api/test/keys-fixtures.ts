// Key helpers for the key tests (the team of users in each role is the harness's `team()`).
import type { KeyAnswer, KeyWithSecretAnswer, OrgKeyPolicy, Page } from "@keyward/shared";
import { expect } from "vitest";
import type { Client, Harness, Team } from "./harness.js";

export async function setPolicy(team: Team, orgKeyPolicy: OrgKeyPolicy): Promise<void> {
  await team.admin.client.patch(`/api/orgs/${team.orgId}`, { orgKeyPolicy }).expect(200);
}

let keyCounter = 0;
export function keyBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  keyCounter += 1;
  return {
    name: `key ${keyCounter}`,
    orgWide: false,
    permissions: { read: true, write: false },
    ...overrides,
  };
}

export async function createKey(
  client: Client,
  keysPath: string,
  overrides: Record<string, unknown> = {},
): Promise<KeyWithSecretAnswer> {
  const res = await client.post(keysPath, keyBody(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as KeyWithSecretAnswer;
}

/** Every key the client can list, following cursors. */
export async function listAll(
  client: Client,
  keysPath: string,
  query: Record<string, string> = {},
): Promise<KeyAnswer[]> {
  const items: KeyAnswer[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams({ ...query, limit: "100", ...(cursor ? { cursor } : {}) });
    const res = await client.get(`${keysPath}?${params.toString()}`).expect(200);
    const page = res.body as Page<KeyAnswer>;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export async function keyCount(h: Harness, orgId: string): Promise<number> {
  return h.deps.db.apiKey.count({ where: { orgId } });
}

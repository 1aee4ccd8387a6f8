// The visibility/edit matrix of keys, generated as a table. Every expected answer is derived
// from the contract's wording (docs/product.md, "Keys") in support/expected-rules.ts, not from
// policy.ts.
import type { ErrorBody, KeyAnswer, OrgKeyPolicy } from "@keyward/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Client,
  createHarness,
  type Harness,
  ROLES,
  type RoleName,
  type SignedIn,
  type Team,
} from "./harness.js";
import { createKey, keyBody, setPolicy } from "./keys-fixtures.js";
import {
  editStatus,
  edits,
  editsOrgWide,
  type KeyKind,
  KINDS,
  POLICIES,
  sees,
  typeChangeStatus,
} from "./support/expected-rules.js";

type Op = "list" | "read" | "update" | "roll" | "delete" | "create" | "change type";
type Policy = OrgKeyPolicy;

const OPS: Op[] = ["list", "read", "update", "roll", "delete", "create", "change type"];

function expected(
  role: RoleName,
  kind: KeyKind,
  op: Op,
  policy: Policy,
): number | "listed" | "hidden" {
  switch (op) {
    case "list":
      return sees(role, kind) ? "listed" : "hidden";
    case "read":
      return sees(role, kind) ? 200 : 404;
    case "update":
      return editStatus(role, kind, policy, 200);
    case "roll":
      return editStatus(role, kind, policy, 201);
    case "delete":
      return editStatus(role, kind, policy, 204);
    case "create":
      // A personal key always belongs to its creator: naming another owner is an unknown field.
      if (kind === "other's personal") return 400;
      return kind === "own personal" || editsOrgWide(role, policy) ? 201 : 403;
    case "change type":
      return typeChangeStatus(role, kind, policy);
  }
}

interface Row {
  policy: Policy;
  role: RoleName;
  kind: KeyKind;
  op: Op;
  want: number | "listed" | "hidden";
}

const TABLE: Row[] = POLICIES.flatMap((policy) =>
  ROLES.flatMap((role) =>
    KINDS.flatMap((kind) =>
      OPS.map((op) => ({ policy, role, kind, op, want: expected(role, kind, op, policy) })),
    ),
  ),
);

let h: Harness;
let team: Team;
let outsider: SignedIn;

beforeAll(async () => {
  h = await createHarness();
  [team, outsider] = await Promise.all([
    h.team(),
    h.signup({ name: "Otto Outsider", orgName: "Other Org" }),
  ]);
});
afterAll(async () => {
  await h?.close();
});

/** A fresh key of `kind` as seen from `role`, created by its rightful creator (admin for org-wide). */
async function freshKey(role: RoleName, kind: KeyKind): Promise<KeyAnswer> {
  const creator: Client =
    kind === "own personal"
      ? team.users[role].client
      : kind === "other's personal"
        ? team.bystander.client
        : team.admin.client;
  const { key } = await createKey(creator, team.keysPath, { orgWide: kind === "org-wide" });
  return key;
}

async function storedName(keyId: string): Promise<string | undefined> {
  const row = await h.deps.db.apiKey.findUnique({ where: { id: keyId } });
  return row?.name;
}

it("covers every combination", () => {
  expect(TABLE).toHaveLength(2 * 4 * 3 * 7);
});

describe.each(POLICIES)("orgKeyPolicy %s", (policy) => {
  beforeAll(async () => {
    await setPolicy(team, policy);
  });

  const rows = TABLE.filter((row) => row.policy === policy);
  it.each(rows)("$role × $kind × $op → $want", async ({ role, kind, op, want }) => {
    const client = team.users[role].client;
    const me = team.users[role].user;
    const path = team.keysPath;

    if (op === "create") {
      const before = await h.deps.db.apiKey.count({ where: { orgId: team.orgId } });
      const body =
        kind === "other's personal"
          ? keyBody({ orgWide: false, ownerId: team.bystander.user.id })
          : keyBody({ orgWide: kind === "org-wide" });
      const res = await client.post(path, body);
      expect(res.status, JSON.stringify(res.body)).toBe(want);
      const after = await h.deps.db.apiKey.count({ where: { orgId: team.orgId } });
      expect(after).toBe(before + (want === 201 ? 1 : 0));
      if (want === 201) {
        expect(res.body.key.owner?.id ?? null).toBe(kind === "org-wide" ? null : me.id);
        expect(res.body.key.canEdit).toBe(true);
      }
      if (want === 403) expect(res.body.error.code).toBe("forbidden");
      if (want === 400) expect(res.body.error.details[0].field).toBe("ownerId");
      return;
    }

    const key = await freshKey(role, kind);
    const keyPath = `${path}/${key.id}`;

    switch (op) {
      case "list": {
        const res = await client
          .get(`${path}?q=${encodeURIComponent(key.name)}&includeDisabled=true`)
          .expect(200);
        const ids = (res.body.items as KeyAnswer[]).map((k) => k.id);
        expect(ids.includes(key.id) ? "listed" : "hidden").toBe(want);
        return;
      }
      case "read": {
        const res = await client.get(keyPath);
        expect(res.status).toBe(want);
        if (want === 200) expect(res.body.canEdit).toBe(edits(role, kind, policy));
        else expect(res.body.error.code).toBe("not_found");
        return;
      }
      case "update": {
        const res = await client.patch(keyPath, { name: `${key.name} renamed` });
        expect(res.status, JSON.stringify(res.body)).toBe(want);
        expect(await storedName(key.id)).toBe(want === 200 ? `${key.name} renamed` : key.name);
        break;
      }
      case "roll": {
        const res = await client.post(`${keyPath}/roll`, { graceSeconds: 60 });
        expect(res.status, JSON.stringify(res.body)).toBe(want);
        const count = await h.deps.db.apiKey.count({
          where: { orgId: team.orgId, name: key.name },
        });
        expect(count).toBe(want === 201 ? 2 : 1);
        break;
      }
      case "delete": {
        const res = await client.delete(keyPath);
        expect(res.status, JSON.stringify(res.body)).toBe(want);
        expect(await storedName(key.id)).toBe(want === 204 ? undefined : key.name);
        break;
      }
      case "change type": {
        const res = await client.patch(keyPath, { orgWide: kind !== "org-wide" });
        expect(res.status, JSON.stringify(res.body)).toBe(want);
        const row = await h.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
        if (want === 200) {
          // "owner … whoever turned an org-wide key personal"; null for org-wide keys.
          expect(row.orgWide).toBe(kind !== "org-wide");
          expect(row.ownerId).toBe(kind === "org-wide" ? me.id : null);
          expect(res.body.owner?.id ?? null).toBe(row.ownerId);
        } else {
          expect(row.orgWide).toBe(kind === "org-wide");
        }
        break;
      }
    }
    if (want === 403) {
      // Still visible; only a type change can be refused while the key stays editable.
      const res = await client.get(keyPath);
      expect(res.status).toBe(200);
      expect(res.body.canEdit).toBe(op === "change type" && edits(role, kind, policy));
    }
  });
});

describe("cross-org access", () => {
  it("answers 404 for every call on another org, and for another org's key", async () => {
    const { key } = await createKey(team.admin.client, team.keysPath, { orgWide: true });
    const { key: outsiderKey } = await createKey(
      outsider.client,
      `/api/orgs/${outsider.orgId}/keys`,
      { orgWide: true },
    );
    type Call = [label: string, run: () => PromiseLike<{ status: number; body: ErrorBody }>];
    const foreignOrgCalls = (who: string, client: Client, orgId: string, keyId: string): Call[] => {
      const base = `/api/orgs/${orgId}/keys`;
      return [
        [`${who}: list`, () => client.get(base)],
        [`${who}: create`, () => client.post(base, keyBody({ orgWide: true }))],
        [`${who}: read`, () => client.get(`${base}/${keyId}`)],
        [`${who}: update`, () => client.patch(`${base}/${keyId}`, { name: "taken over" })],
        [`${who}: roll`, () => client.post(`${base}/${keyId}/roll`, { graceSeconds: 0 })],
        [`${who}: delete`, () => client.delete(`${base}/${keyId}`)],
        [`${who}: audit`, () => client.get(`/api/orgs/${orgId}/audit?keyId=${keyId}`)],
      ];
    };
    const ownOrgWrongKey = (who: string, client: Client, orgId: string, keyId: string): Call[] => {
      const base = `/api/orgs/${orgId}/keys/${keyId}`;
      return [
        [`${who}: read`, () => client.get(base)],
        [`${who}: update`, () => client.patch(base, { name: "taken over" })],
        [`${who}: roll`, () => client.post(`${base}/roll`, { graceSeconds: 0 })],
        [`${who}: delete`, () => client.delete(base)],
      ];
    };
    const calls: Call[] = [
      ...foreignOrgCalls("outsider in team org", outsider.client, team.orgId, key.id),
      ...foreignOrgCalls(
        "team admin in other org",
        team.admin.client,
        outsider.orgId,
        outsiderKey.id,
      ),
      ...foreignOrgCalls(
        "team member in other org",
        team.users.member.client,
        outsider.orgId,
        outsiderKey.id,
      ),
      ...ownOrgWrongKey("outsider, team key via own org", outsider.client, outsider.orgId, key.id),
      ...ownOrgWrongKey(
        "team admin, other key via team org",
        team.admin.client,
        team.orgId,
        outsiderKey.id,
      ),
    ];
    for (const [label, run] of calls) {
      const res = await run();
      expect(res.status, label).toBe(404);
      expect(res.body.error.code, label).toBe("not_found");
    }
    expect(await storedName(key.id)).toBe(key.name);
    expect(await storedName(outsiderKey.id)).toBe(outsiderKey.name);
    const ownList = await outsider.client.get(`/api/orgs/${outsider.orgId}/keys`).expect(200);
    expect((ownList.body.items as KeyAnswer[]).map((k) => k.id)).toEqual([outsiderKey.id]);
  });

  it("answers 401 without a session", async () => {
    const anon = h.anonymous();
    for (const res of await Promise.all([
      anon.get(team.keysPath),
      anon.post(team.keysPath, keyBody()),
      anon.get(`/api/orgs/${team.orgId}/audit`),
    ])) {
      expect(res.status).toBe(401);
    }
  });
});

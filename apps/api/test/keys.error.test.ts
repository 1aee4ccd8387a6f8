// Bad input: every case is a 400 naming the field (413 for a huge body), never a 500, and
// nothing changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, type Harness, type SignedIn } from "./harness.js";
import { createKey } from "./keys-fixtures.js";
import { expectInvalid } from "./support/error-answers.js";

let h: Harness;
let admin: SignedIn;
let keysPath: string;
let keyPath: string;
let keyName: string;

const VALID = { name: "valid", orgWide: false, permissions: { read: true, write: false } };
const past = new Date(Date.now() - 60_000).toISOString();
const inAnHour = new Date(Date.now() + 3_600_000).toISOString();

beforeAll(async () => {
  h = await createHarness();
  admin = await h.signup({ name: "Err Admin", orgName: "Error Org" });
  keysPath = `/api/orgs/${admin.orgId}/keys`;
  const { key } = await createKey(admin.client, keysPath, { name: "the key" });
  keyPath = `${keysPath}/${key.id}`;
  keyName = key.name;
});
afterAll(async () => {
  await h?.close();
});

async function snapshot() {
  const rows = await h.deps.db.apiKey.findMany({ orderBy: { id: "asc" } });
  const audit = await h.deps.db.auditEvent.count();
  return { rows, audit };
}

const withoutField = (field: keyof typeof VALID) => {
  const { [field]: _, ...rest } = VALID;
  return rest;
};

const CREATE_CASES: Array<[label: string, body: unknown, field: string]> = [
  ["missing name", withoutField("name"), "name"],
  ["missing orgWide", withoutField("orgWide"), "orgWide"],
  ["missing permissions", withoutField("permissions"), "permissions"],
  ["empty body object", {}, "name"],
  ["an array body", [VALID], "body"],
  ["name not a string", { ...VALID, name: 5 }, "name"],
  ["empty name", { ...VALID, name: "" }, "name"],
  ["whitespace name", { ...VALID, name: " \t\n " }, "name"],
  ["101 code points", { ...VALID, name: "😀".repeat(101) }, "name"],
  ["101 letters", { ...VALID, name: "a".repeat(101) }, "name"],
  ["orgWide a string", { ...VALID, orgWide: "true" }, "orgWide"],
  ["orgWide null", { ...VALID, orgWide: null }, "orgWide"],
  ["no permission", { ...VALID, permissions: { read: false, write: false } }, "permissions"],
  ["permission missing", { ...VALID, permissions: { read: true } }, "permissions.write"],
  [
    "permission a string",
    { ...VALID, permissions: { read: "yes", write: false } },
    "permissions.read",
  ],
  ["permissions an array", { ...VALID, permissions: ["read"] }, "permissions"],
  [
    "unknown permission",
    { ...VALID, permissions: { read: true, write: false, admin: true } },
    "admin",
  ],
  ["unknown field", { ...VALID, color: "red" }, "color"],
  ["secret supplied", { ...VALID, secret: "kw_x" }, "secret"],
  ["enabled a string", { ...VALID, enabled: "false" }, "enabled"],
  ["expiresAt in the past", { ...VALID, expiresAt: past }, "expiresAt"],
  ["expiresAt not a date", { ...VALID, expiresAt: "tomorrow" }, "expiresAt"],
  ["expiresAt without zone", { ...VALID, expiresAt: "2999-01-01 10:00" }, "expiresAt"],
  ["expiresAt a number", { ...VALID, expiresAt: Date.now() + 60_000 }, "expiresAt"],
];

const UPDATE_CASES: Array<[label: string, body: unknown, field: string]> = [
  ["empty name", { name: "" }, "name"],
  ["whitespace name", { name: "   " }, "name"],
  ["101 code points", { name: "é".repeat(101) }, "name"],
  ["name null", { name: null }, "name"],
  ["orgWide null", { orgWide: null }, "orgWide"],
  ["no permission", { permissions: { read: false, write: false } }, "permissions"],
  ["enabled a number", { enabled: 0 }, "enabled"],
  ["unknown field", { owner: "usr_x" }, "owner"],
  ["hash supplied", { hash: "00" }, "hash"],
  ["expiresAt in the past", { expiresAt: past }, "expiresAt"],
  ["an array body", [], "body"],
];

const ROLL_CASES: Array<[label: string, body: unknown, field: string]> = [
  ["missing graceSeconds", {}, "graceSeconds"],
  ["negative", { graceSeconds: -1 }, "graceSeconds"],
  ["over a week", { graceSeconds: 604_801 }, "graceSeconds"],
  ["a string", { graceSeconds: "60" }, "graceSeconds"],
  ["a fraction", { graceSeconds: 1.5 }, "graceSeconds"],
  ["unknown field", { graceSeconds: 60, name: "x" }, "name"],
];

const LIST_CASES: Array<[label: string, query: string, field: string]> = [
  ["limit 0", "limit=0", "limit"],
  ["limit 101", "limit=101", "limit"],
  ["limit not a number", "limit=ten", "limit"],
  ["limit a fraction", "limit=2.5", "limit"],
  ["limit twice", "limit=1&limit=2", "limit"],
  ["cursor not base64url", "cursor=%21%21%21", "cursor"],
  ["cursor of garbage", `cursor=${Buffer.from("garbage").toString("base64url")}`, "cursor"],
  [
    "cursor with a bad date",
    `cursor=${Buffer.from(JSON.stringify({ createdAt: "yesterday", id: "key_1" })).toString("base64url")}`,
    "cursor",
  ],
  [
    "cursor with a numeric id",
    `cursor=${Buffer.from(JSON.stringify({ createdAt: new Date().toISOString(), id: 1 })).toString("base64url")}`,
    "cursor",
  ],
  ["cursor too long", `cursor=${"A".repeat(501)}`, "cursor"],
  ["type unknown", "type=team", "type"],
  ["includeDisabled yes", "includeDisabled=yes", "includeDisabled"],
  ["q too long", `q=${"q".repeat(101)}`, "q"],
  ["unknown parameter", "sort=name", "sort"],
];

describe("create", () => {
  it.each(CREATE_CASES)("%s → 400 naming %s", async (_label, body, field) => {
    const before = await snapshot();
    expectInvalid(await admin.client.post(keysPath, body), field);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses malformed JSON", async () => {
    const before = await snapshot();
    const res = await admin.client.sendJson("POST", keysPath, '{"name": "x", "orgWide": tru');
    expectInvalid(res, "body");
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['"hello"', "body"],
    ["null", "name"],
    ["42", "body"],
  ])("refuses the JSON value %s naming %s", async (json, field) => {
    const res = await admin.client.sendJson("POST", keysPath, json);
    expectInvalid(res, field);
  });

  it("refuses a form-encoded body naming the missing fields", async () => {
    const res = await admin.client.post(keysPath).type("form").send("name=x&orgWide=true");
    expectInvalid(res, "name");
  });

  it("refuses a body over 1 MB with 413", async () => {
    const before = await snapshot();
    const res = await admin.client.post(keysPath, { ...VALID, name: "x".repeat(1_048_577) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(await snapshot()).toEqual(before);
  });

  it("accepts exactly 100 code points, trimmed", async () => {
    const name = "😀".repeat(100);
    const res = await admin.client.post(keysPath, { ...VALID, name: `  ${name}  ` }).expect(201);
    expect(res.body.key.name).toBe(name);
    await admin.client.delete(`${keysPath}/${res.body.key.id}`).expect(204);
  });

  it("without the CSRF header → 403 and nothing is created", async () => {
    const before = await snapshot();
    const res = await admin.client.agent.post(keysPath).send(VALID);
    expect(res.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });
});

describe("update", () => {
  it.each(UPDATE_CASES)("%s → 400 naming %s", async (_label, body, field) => {
    const before = await snapshot();
    expectInvalid(await admin.client.patch(keyPath, body), field);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses malformed JSON and keeps the key", async () => {
    const res = await admin.client.sendJson("PATCH", keyPath, "{name:");
    expectInvalid(res, "body");
    const row = await h.deps.db.apiKey.findFirstOrThrow({ where: { name: keyName } });
    expect(row.name).toBe(keyName);
  });

  it("without the CSRF header → 403 and nothing changes", async () => {
    const before = await snapshot();
    const res = await admin.client.agent.patch(keyPath).send({ enabled: false });
    expect(res.status).toBe(403);
    const del = await admin.client.agent.delete(keyPath);
    expect(del.status).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it("an unknown key id → 404", async () => {
    const res = await admin.client.patch(`${keysPath}/key_doesnotexist`, { name: "x" });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("not_found");
  });
});

describe("roll", () => {
  it.each(ROLL_CASES)("%s → 400 naming %s", async (_label, body, field) => {
    const before = await snapshot();
    expectInvalid(await admin.client.post(`${keyPath}/roll`, body), field);
    expect(await snapshot()).toEqual(before);
  });

  it("no body at all → 400 naming graceSeconds", async () => {
    expectInvalid(await admin.client.post(`${keyPath}/roll`), "graceSeconds");
  });
});

describe("list and audit queries", () => {
  it.each(LIST_CASES)("%s → 400 naming %s", async (_label, query, field) => {
    expectInvalid(await admin.client.get(`${keysPath}?${query}`), field);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=500", "limit"],
    ["cursor=xyz", "cursor"],
    [
      `cursor=${Buffer.from(JSON.stringify({ createdAt: inAnHour, id: "k" })).toString("base64url")}`,
      "cursor",
    ],
    ["action=key.created", "action"],
  ])("audit ?%s → 400 naming %s", async (query, field) => {
    expectInvalid(await admin.client.get(`/api/orgs/${admin.orgId}/audit?${query}`), field);
  });

  it("a keys cursor is accepted again, and limits 1 and 100 are fine", async () => {
    await createKey(admin.client, keysPath, { name: "second" });
    const first = await admin.client.get(`${keysPath}?limit=1`).expect(200);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    await admin.client.get(`${keysPath}?limit=1&cursor=${first.body.nextCursor}`).expect(200);
    await admin.client.get(`${keysPath}?limit=100`).expect(200);
  });
});

it("never logged a 500", () => {
  const errors = h.logLines.filter((line) => /"status":5\d\d|unhandled error/.test(line));
  expect(errors).toEqual([]);
});

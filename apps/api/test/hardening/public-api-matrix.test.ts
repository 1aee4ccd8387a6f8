// Category 2: every /v1 route × every state of the credential × both ways of sending it, with the
// contract's answer: 401 `missing_key` / `invalid_key` / `disabled_key` / `expired_key`, 403
// `insufficient_permission` naming the permission, and data of the key's own org only. A refused
// request stores nothing. (v1-auth.security.test.ts covers caching, concurrency and rate limits.)
import { API_KEY_HEADER } from "@keyward/shared";
import { generateKeySecret } from "@keyward/shared/node";
import supertest from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedIn } from "../harness.js";
import { countOf, newKey, storedEvents, type TestKey, useV1 } from "../v1-fixtures.js";
import { expectError } from "./support.js";

type Route = "POST /v1/events" | "GET /v1/metrics" | "GET /v1/key";
const ROUTES: Route[] = ["POST /v1/events", "GET /v1/metrics", "GET /v1/key"];

type Credential =
  | "no key"
  | "empty header"
  | "not Bearer"
  | "key in the query string"
  | "malformed"
  | "too long"
  | "wrong checksum"
  | "wrong prefix"
  | "unknown"
  | "deleted"
  | "disabled"
  | "owner removed"
  | "expired"
  | "rolled, no grace"
  | "read-only"
  | "write-only"
  | "read-write"
  | "other org's read-write";
type Carrier = "x-api-token" | "Authorization: Bearer";
const CARRIERS: Carrier[] = ["x-api-token", "Authorization: Bearer"];

type Want = { status: 200 } | { status: 401 | 403; code: string; permission?: "read" | "write" };

/** The contract's answer, from product.md "Public API". */
function expected(route: Route, credential: Credential): Want {
  switch (credential) {
    case "no key":
    case "empty header":
    case "not Bearer":
    case "key in the query string": // "Never in a URL."
      return { status: 401, code: "missing_key" };
    case "malformed":
    case "too long":
    case "wrong checksum":
    case "wrong prefix":
    case "unknown":
    case "deleted":
      return { status: 401, code: "invalid_key" };
    case "disabled":
    case "owner removed": // "the member's personal keys are disabled"
      return { status: 401, code: "disabled_key" };
    case "expired":
    case "rolled, no grace": // "the old key's expiresAt becomes … now + graceSeconds"
      return { status: 401, code: "expired_key" };
    case "read-only":
      return route === "POST /v1/events"
        ? { status: 403, code: "insufficient_permission", permission: "write" }
        : { status: 200 };
    case "write-only":
      return route === "GET /v1/metrics"
        ? { status: 403, code: "insufficient_permission", permission: "read" }
        : { status: 200 };
    case "read-write":
    case "other org's read-write":
      return { status: 200 };
  }
}

const CREDENTIALS: Credential[] = [
  "no key",
  "empty header",
  "not Bearer",
  "key in the query string",
  "malformed",
  "too long",
  "wrong checksum",
  "wrong prefix",
  "unknown",
  "deleted",
  "disabled",
  "owner removed",
  "expired",
  "rolled, no grace",
  "read-only",
  "write-only",
  "read-write",
  "other org's read-write",
];

const CASES = ROUTES.flatMap((route) =>
  CREDENTIALS.flatMap((credential) =>
    CARRIERS.map((carrier) => ({ route, credential, carrier, want: expected(route, credential) })),
  ),
);

const v1 = useV1();
let other: SignedIn;
const secrets = {} as Record<Credential, string | undefined>;
const keys = {} as Partial<Record<Credential, TestKey>>;
let otherKey: TestKey;

beforeAll(async () => {
  other = await v1.h.signup({ name: "Otto Outsider", orgName: "Other Org" });
  const rw = { read: true, write: true };
  keys["read-write"] = await newKey(v1, rw);
  keys["read-only"] = await newKey(v1, { read: true, write: false });
  keys["write-only"] = await newKey(v1, { read: false, write: true });
  keys.disabled = await newKey(v1, rw, { enabled: false });
  const deleted = await newKey(v1, rw);
  await v1.admin.client.delete(`${v1.keysPath}/${deleted.id}`).expect(204);
  keys.deleted = deleted;
  const expiring = await newKey(v1, rw, { expiresAt: new Date(Date.now() + 60_000).toISOString() });
  await v1.h.deps.db.apiKey.update({
    where: { id: expiring.id },
    data: { expiresAt: new Date(Date.now() - 1_000) },
  });
  keys.expired = expiring;
  const rolled = await newKey(v1, rw);
  await v1.admin.client.post(`${v1.keysPath}/${rolled.id}/roll`, { graceSeconds: 0 }).expect(201);
  keys["rolled, no grace"] = rolled;

  // A member's personal key stops working when the member is removed.
  const memberUser = (await v1.h.member(v1.admin, { name: "Leaving Member" })).user;
  const memberSession = await v1.h.client(memberUser);
  const personal = await memberSession.send("POST", v1.keysPath, {
    name: "personal",
    orgWide: false,
    permissions: rw,
  });
  expect(personal.status).toBe(201);
  await v1.admin.client.delete(`/api/orgs/${v1.admin.orgId}/members/${memberUser.id}`).expect(204);
  keys["owner removed"] = { id: personal.body.key.id, secret: personal.body.secret };

  const otherRes = await other.client
    .post(`/api/orgs/${other.orgId}/keys`, { name: "other", orgWide: true, permissions: rw })
    .expect(201);
  otherKey = { id: otherRes.body.key.id, secret: otherRes.body.secret };
  keys["other org's read-write"] = otherKey;

  for (const [name, key] of Object.entries(keys)) secrets[name as Credential] = key?.secret;
  const good = generateKeySecret();
  const lastChar = good.at(-1) === "0" ? "1" : "0";
  secrets.malformed = "kw_not-a-key";
  secrets["too long"] = `${good}${"x".repeat(5000)}`;
  secrets["wrong checksum"] = good.slice(0, -1) + lastChar;
  secrets["wrong prefix"] = good.replace("kw_", "sk_");
  secrets.unknown = generateKeySecret();
  secrets["key in the query string"] = keys["read-write"]?.secret;
});

afterAll(async () => {
  console.log(
    `[hardening] public-API authorization: ${CASES.length + 4} cases (${CASES.length} route × credential × header, 4 cross-org data checks)`,
  );
});

function request(route: Route, credential: Credential, carrier: Carrier): supertest.Test {
  const agent = supertest(v1.h.app);
  const query = "?eventName=hardening&interval=day";
  let req: supertest.Test;
  if (route === "POST /v1/events") {
    req = agent.post(
      credential === "key in the query string"
        ? `/v1/events?key=${secrets[credential]}`
        : "/v1/events",
    );
  } else if (route === "GET /v1/metrics") {
    req = agent.get(
      credential === "key in the query string"
        ? `/v1/metrics${query}&key=${secrets[credential]}&api_key=${secrets[credential]}`
        : `/v1/metrics${query}`,
    );
  } else {
    req = agent.get(
      credential === "key in the query string" ? `/v1/key?key=${secrets[credential]}` : "/v1/key",
    );
  }
  const secret = secrets[credential];
  if (credential === "empty header") {
    req =
      carrier === "x-api-token" ? req.set(API_KEY_HEADER, "") : req.set("Authorization", "Bearer ");
  } else if (credential === "not Bearer") {
    req =
      carrier === "x-api-token"
        ? req.set("Authorization", `Token ${secrets["read-write"]}`)
        : req.set(
            "Authorization",
            `Basic ${Buffer.from(`x:${secrets["read-write"]}`).toString("base64")}`,
          );
  } else if (secret !== undefined && credential !== "key in the query string") {
    req =
      carrier === "x-api-token"
        ? req.set(API_KEY_HEADER, secret)
        : req.set("Authorization", `Bearer ${secret}`);
  }
  if (route === "POST /v1/events") req = req.send([{ eventName: "hardening", credential }]);
  return req;
}

describe.each(ROUTES)("%s", (route) => {
  it.each(CASES.filter((c) => c.route === route))(
    "$credential via $carrier → $want.status",
    async ({ credential, carrier, want }) => {
      const before = (await storedEvents(v1, "hardening")).length;
      const res = await request(route, credential, carrier);
      const label = `${route} ${credential} ${carrier}`;
      if (want.status === 200) {
        expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(200);
        if (route === "GET /v1/key") {
          const key = keys[credential];
          expect(res.body.id).toBe(key?.id);
          expect(res.body.orgId).toBe(
            credential === "other org's read-write" ? other.orgId : v1.admin.orgId,
          );
          expect(JSON.stringify(res.body)).not.toContain(key?.secret ?? "\u0000");
        }
        if (route === "POST /v1/events") expect(res.body).toEqual({ accepted: 1 });
        return;
      }
      expectError(res, want.status, want.code, label);
      if (want.status === 401) expect(res.headers["www-authenticate"], label).toMatch(/^Bearer/);
      if (want.permission) {
        expect(res.body.error.details, label).toEqual({ permission: want.permission });
        expect(res.body.error.message, label).toContain(want.permission);
      }
      // Nothing of a refused request is stored, and no secret is echoed back.
      expect((await storedEvents(v1, "hardening")).length, label).toBe(before);
      for (const secret of Object.values(secrets)) {
        if (secret) expect(JSON.stringify(res.body), label).not.toContain(secret);
      }
    },
  );
});

describe("other org's data", () => {
  it("a key reads the metrics of its own org only, and its events land in its own org", async () => {
    const mine = keys["read-write"] as TestKey;
    const name = "cross-org-probe";
    await supertest(v1.h.app)
      .post("/v1/events")
      .set(API_KEY_HEADER, mine.secret)
      .send([{ eventName: name }, { eventName: name }, { eventName: name }])
      .expect(200);
    await supertest(v1.h.app)
      .post("/v1/events")
      .set(API_KEY_HEADER, otherKey.secret)
      .send([{ eventName: name }])
      .expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await countOf(v1.h, mine.secret, name)).toBe(3);
    expect(await countOf(v1.h, otherKey.secret, name)).toBe(1);
    // The team org's stored events are only its own three.
    const stored = await storedEvents(v1, name);
    expect(stored).toHaveLength(3);
    expect(new Set(stored.map((e) => e.keyId))).toEqual(new Set([mine.id]));
  });

  it("an orgId, keyId or org header in the request does not change whose data is read", async () => {
    const res = await supertest(v1.h.app)
      .get(`/v1/metrics?eventName=cross-org-probe&interval=day&orgId=${v1.admin.orgId}`)
      .set(API_KEY_HEADER, otherKey.secret)
      .set("x-org-id", v1.admin.orgId);
    // An unknown query parameter is a 400 (strict query), or it is ignored: never the other org's data.
    if (res.status === 200) {
      const total = (res.body.points as { count: number }[]).reduce((s, p) => s + p.count, 0);
      expect(total).toBe(1);
    } else {
      expectError(res, 400, "invalid_request");
    }
    const info = await supertest(v1.h.app)
      .get(`/v1/key?orgId=${v1.admin.orgId}`)
      .set(API_KEY_HEADER, otherKey.secret)
      .expect(200);
    expect(info.body.orgId).toBe(other.orgId);
  });

  it("events carrying an orgId or keyId property are still stored under the sending key", async () => {
    const mine = keys["read-write"] as TestKey;
    await supertest(v1.h.app)
      .post("/v1/events")
      .set(API_KEY_HEADER, otherKey.secret)
      .send([{ eventName: "spoof", orgId: v1.admin.orgId, keyId: mine.id }])
      .expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await countOf(v1.h, mine.secret, "spoof")).toBe(0);
    expect(await countOf(v1.h, otherKey.secret, "spoof")).toBe(1);
  });

  it("the session API never answers a key's secret after creation", async () => {
    const mine = keys["read-write"] as TestKey;
    const list = await v1.admin.client
      .get(`${v1.keysPath}?includeDisabled=true&limit=100`)
      .expect(200);
    const one = await v1.admin.client.get(`${v1.keysPath}/${mine.id}`).expect(200);
    for (const body of [list.body, one.body]) {
      for (const secret of Object.values(secrets)) {
        if (secret) expect(JSON.stringify(body)).not.toContain(secret);
      }
    }
  });
});

import type { Db } from "@keyward/db";
import {
  type AuditEventAnswer,
  type KeyAnswer,
  type KeyWithSecretAnswer,
  NO_RESTRICTIONS,
  type Page,
} from "@keyward/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import type { KeyChange } from "../src/key-verification/key-change-bus.js";
import { Client, createHarness, type Harness, type SignedIn } from "./harness.js";
import { createKey, listAll } from "./keys-fixtures.js";

let h: Harness;
let admin: SignedIn;
let keysPath: string;
let auditPath: string;
const published: KeyChange[] = [];

beforeAll(async () => {
  h = await createHarness();
  admin = await h.signup({ name: "Ada Admin", orgName: "Happy Org" });
  keysPath = `/api/orgs/${admin.orgId}/keys`;
  auditPath = `/api/orgs/${admin.orgId}/audit`;
  h.deps.keyChanges.on("change", (change) => published.push(change));
});
afterAll(async () => {
  await h?.close();
});

async function auditOf(keyId: string): Promise<AuditEventAnswer[]> {
  const res = await admin.client.get(`${auditPath}?keyId=${keyId}`).expect(200);
  return (res.body as Page<AuditEventAnswer>).items;
}

const isoNear = (iso: string | null, ms: number, slackMs = 5_000) =>
  iso !== null && Math.abs(new Date(iso).getTime() - ms) < slackMs;

describe("create and read", () => {
  it("answers 201 with the Key and its secret, once", async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const res = await admin.client
      .post(keysPath, {
        name: "  Ingest  ",
        orgWide: false,
        permissions: { read: false, write: true },
        expiresAt,
      })
      .expect(201);
    const { key, secret } = res.body as { key: KeyAnswer; secret: string };
    expect(secret).toMatch(/^kw_[0-9A-Za-z]{38}$/);
    expect(key).toEqual({
      id: expect.stringMatching(/^key_/),
      name: "Ingest",
      orgWide: false,
      permissions: { read: false, write: true },
      enabled: true,
      disabledReason: null,
      start: secret.slice(0, 8),
      owner: { id: admin.user.id, name: admin.user.name, email: admin.user.email },
      createdBy: { id: admin.user.id, name: admin.user.name },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      lastUsedAt: null,
      expiresAt,
      canEdit: true,
      cannotEditReason: null,
      rolledFrom: null,
      replacedBy: null,
      restrictions: NO_RESTRICTIONS,
    });
    const read = await admin.client.get(`${keysPath}/${key.id}`).expect(200);
    expect(read.body).toEqual(key);
    expect(JSON.stringify(read.body)).not.toContain(secret);

    const [created] = await auditOf(key.id);
    expect(created).toMatchObject({
      action: "key.created",
      keyId: key.id,
      actor: { id: admin.user.id, name: admin.user.name },
      changes: {
        name: [null, "Ingest"],
        orgWide: [null, false],
        permissions: [null, { read: false, write: true }],
        enabled: [null, true],
        expiresAt: [null, expiresAt],
      },
    });
  });

  it("creates org-wide keys with no owner, and disabled keys on request", async () => {
    const { key } = await createKey(admin.client, keysPath, { orgWide: true, enabled: false });
    expect(key.owner).toBeNull();
    expect(key.orgWide).toBe(true);
    expect(key.enabled).toBe(false);
    expect(key.createdBy.id).toBe(admin.user.id);
  });
});

describe("list", () => {
  it("filters by includeDisabled, type and q (case-insensitive, literal)", async () => {
    const org = (await h.signup({ name: "Lister", orgName: "List Org" })).client;
    const me = await org.get("/api/me").expect(200);
    const path = `/api/orgs/${me.body.orgs[0].id}/keys`;
    const a = await createKey(org, path, { name: "Alpha Billing", orgWide: true });
    const b = await createKey(org, path, { name: "beta BILLING", orgWide: false });
    const c = await createKey(org, path, { name: "gamma", orgWide: false, enabled: false });
    const d = await createKey(org, path, { name: "100%_off", orgWide: true });
    const ids = (items: KeyAnswer[]) => items.map((k) => k.id);

    expect(ids(await listAll(org, path))).toEqual([d.key.id, b.key.id, a.key.id]);
    expect(ids(await listAll(org, path, { includeDisabled: "true" }))).toEqual([
      d.key.id,
      c.key.id,
      b.key.id,
      a.key.id,
    ]);
    expect(ids(await listAll(org, path, { includeDisabled: "false" }))).toEqual([
      d.key.id,
      b.key.id,
      a.key.id,
    ]);
    expect(ids(await listAll(org, path, { type: "org" }))).toEqual([d.key.id, a.key.id]);
    expect(ids(await listAll(org, path, { type: "personal", includeDisabled: "true" }))).toEqual([
      c.key.id,
      b.key.id,
    ]);
    expect(ids(await listAll(org, path, { q: "billing" }))).toEqual([b.key.id, a.key.id]);
    expect(ids(await listAll(org, path, { q: "BiLLinG", type: "org" }))).toEqual([a.key.id]);
    expect(ids(await listAll(org, path, { q: "%" }))).toEqual([d.key.id]);
    expect(ids(await listAll(org, path, { q: "_" }))).toEqual([d.key.id]);
    expect(ids(await listAll(org, path, { q: "0%_O" }))).toEqual([d.key.id]);
    expect(ids(await listAll(org, path, { q: "nothing like it" }))).toEqual([]);

    const e = await createKey(org, path, { name: "Ärger\\Straße", orgWide: true });
    expect(ids(await listAll(org, path, { q: "ärger" }))).toEqual([e.key.id]);
    expect(ids(await listAll(org, path, { q: "R\\s" }))).toEqual([e.key.id]);
    expect(ids(await listAll(org, path, { q: "\\%" }))).toEqual([]);
    expect(ids(await listAll(org, path, { q: "STRASSE" }))).toEqual([]);
  });

  it("pages newest first with no duplicates or gaps", async () => {
    const org = await h.signup({ name: "Pager", orgName: "Page Org" });
    const path = `/api/orgs/${org.orgId}/keys`;
    // In parallel, so several keys share a creation millisecond and the id breaks the tie.
    await Promise.all(
      Array.from({ length: 23 }, (_, i) =>
        createKey(org.client, path, { name: `page ${i}`, orgWide: i % 2 === 0 }),
      ),
    );
    const all = await listAll(org.client, path);
    expect(all).toHaveLength(23);
    const sorted = [...all].sort(
      (x, y) => y.createdAt.localeCompare(x.createdAt) || (y.id < x.id ? -1 : y.id > x.id ? 1 : 0),
    );
    expect(all.map((k) => k.id)).toEqual(sorted.map((k) => k.id));

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await org.client
        .get(`${path}?limit=5${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
        .expect(200);
      const page = res.body as Page<KeyAnswer>;
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((k) => k.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(all.map((k) => k.id));

    const first = await org.client.get(path).expect(200);
    expect(first.body.items).toHaveLength(23);
    expect(first.body.nextCursor).toBeNull();
    const exact = await org.client.get(`${path}?limit=23`).expect(200);
    expect(exact.body.nextCursor).toBeNull();
  });
  it("pages a literal search through many near-misses", async () => {
    const org = await h.signup({ name: "Searcher", orgName: "Search Org" });
    const path = `/api/orgs/${org.orgId}/keys`;
    const make = (names: string[]) =>
      Promise.all(names.map((name) => createKey(org.client, path, { name, orgWide: true })));
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push(...(await make([`hit_${i}`])));
    // Newer keys that a LIKE pattern for "t_" would also take ("tx", "ty"): more than one batch.
    for (let i = 0; i < 11; i++) {
      await make(Array.from({ length: 20 }, (_, j) => `miss tx${i}y${j}`));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams({ q: "T_", limit: "2", ...(cursor ? { cursor } : {}) });
      const page = (await org.client.get(`${path}?${params.toString()}`).expect(200))
        .body as Page<KeyAnswer>;
      seen.push(...page.items.map((k) => k.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["hit_2", "hit_1", "hit_0"]);
    expect(hits).toHaveLength(3);
  });
});

describe("update", () => {
  it("changes fields, writing key.updated and key.disabled/key.enabled with before and after", async () => {
    const { key } = await createKey(admin.client, keysPath, {
      name: "to change",
      permissions: { read: true, write: false },
    });
    published.length = 0;
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const res = await admin.client
      .patch(`${keysPath}/${key.id}`, {
        name: "changed",
        permissions: { read: true, write: true },
        enabled: false,
        expiresAt,
      })
      .expect(200);
    expect(res.body).toMatchObject({
      name: "changed",
      permissions: { read: true, write: true },
      enabled: false,
      expiresAt,
    });
    const row = await h.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(published).toEqual([{ keyId: key.id, hash: row.hash }]);

    const events = await auditOf(key.id);
    const updated = events.find((e) => e.action === "key.updated");
    const disabled = events.find((e) => e.action === "key.disabled");
    expect(updated?.changes).toEqual({
      name: ["to change", "changed"],
      permissions: [
        { read: true, write: false },
        { read: true, write: true },
      ],
      expiresAt: [null, expiresAt],
    });
    expect(disabled?.changes).toEqual({ enabled: [true, false] });

    await admin.client.patch(`${keysPath}/${key.id}`, { enabled: true }).expect(200);
    const again = await auditOf(key.id);
    expect(again[0]).toMatchObject({ action: "key.enabled", changes: { enabled: [false, true] } });
    expect(again.filter((e) => e.action === "key.updated")).toHaveLength(1);

    await admin.client.patch(`${keysPath}/${key.id}`, { expiresAt: null }).expect(200);
    expect((await auditOf(key.id))[0]).toMatchObject({
      action: "key.updated",
      changes: { expiresAt: [expiresAt, null] },
    });
  });

  it("writes nothing and publishes nothing when nothing changes", async () => {
    const { key } = await createKey(admin.client, keysPath, { name: "steady" });
    published.length = 0;
    const before = await auditOf(key.id);
    const res = await admin.client
      .patch(`${keysPath}/${key.id}`, { name: " steady ", enabled: true })
      .expect(200);
    expect(res.body.updatedAt).toBe(key.updatedAt);
    expect(await auditOf(key.id)).toEqual(before);
    expect(published).toEqual([]);
  });

  it("moves ownership when a key changes type", async () => {
    const { key } = await createKey(admin.client, keysPath, { orgWide: false });
    const orgWide = await admin.client
      .patch(`${keysPath}/${key.id}`, { orgWide: true })
      .expect(200);
    expect(orgWide.body.owner).toBeNull();
    const personal = await admin.client
      .patch(`${keysPath}/${key.id}`, { orgWide: false })
      .expect(200);
    expect(personal.body.owner.id).toBe(admin.user.id);
    const [last, first] = (await auditOf(key.id)).filter((e) => e.action === "key.updated");
    expect(first?.changes).toEqual({ orgWide: [false, true], ownerId: [admin.user.id, null] });
    expect(last?.changes).toEqual({ orgWide: [true, false], ownerId: [null, admin.user.id] });
  });

  it("enforces the org's maximum key lifetime", async () => {
    const org = await h.signup({ name: "Limiter", orgName: "Limit Org" });
    const path = `/api/orgs/${org.orgId}/keys`;
    // No API sets this yet; the column exists.
    await h.deps.db.org.update({ where: { id: org.orgId }, data: { maxKeyLifetimeDays: 30 } });
    const body = { name: "limited", orgWide: true, permissions: { read: true, write: false } };
    const day = 86_400_000;

    const missing = await org.client.post(path, body).expect(400);
    expect(missing.body.error.details).toEqual([
      { field: "expiresAt", message: expect.any(String) },
    ]);
    const tooLate = new Date(Date.now() + 31 * day).toISOString();
    const late = await org.client.post(path, { ...body, expiresAt: tooLate }).expect(400);
    expect(late.body.error.details[0].field).toBe("expiresAt");
    expect(await h.deps.db.apiKey.count({ where: { orgId: org.orgId } })).toBe(0);

    const ok = new Date(Date.now() + 29 * day).toISOString();
    const created = await org.client.post(path, { ...body, expiresAt: ok }).expect(201);
    const keyPath = `${path}/${created.body.key.id}`;
    expect(
      (await org.client.patch(keyPath, { expiresAt: null }).expect(400)).body.error.details[0]
        .field,
    ).toBe("expiresAt");
    await org.client.patch(keyPath, { expiresAt: tooLate }).expect(400);
    await org.client.patch(keyPath, { name: "renamed" }).expect(200);
  });
});

describe("roll", () => {
  it("creates a twin with a new secret and shortens the old key's life to the grace period", async () => {
    const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const old = await createKey(admin.client, keysPath, {
      name: "rolled",
      orgWide: true,
      permissions: { read: true, write: true },
      expiresAt,
    });
    published.length = 0;
    const before = Date.now();
    const res = await admin.client
      .post(`${keysPath}/${old.key.id}/roll`, { graceSeconds: 3600 })
      .expect(201);
    const { key, secret } = res.body as { key: KeyAnswer; secret: string };
    expect(secret).not.toBe(old.secret);
    expect(key.id).not.toBe(old.key.id);
    expect(key).toMatchObject({
      name: "rolled",
      orgWide: true,
      owner: null,
      permissions: { read: true, write: true },
      enabled: true,
      expiresAt,
      start: secret.slice(0, 8),
      rolledFrom: { id: old.key.id, start: old.key.start },
      replacedBy: null,
    });

    const listed = await listAll(admin.client, keysPath, { q: "rolled" });
    expect(listed.map((k) => k.id)).toEqual([key.id, old.key.id]);
    const oldNow = listed[1] as KeyAnswer;
    expect(isoNear(oldNow.expiresAt, before + 3_600_000)).toBe(true);
    expect(oldNow).toMatchObject({
      rolledFrom: null,
      replacedBy: { id: key.id, start: key.start },
    });
    const oldRead = await admin.client.get(`${keysPath}/${old.key.id}`).expect(200);
    expect(oldRead.body.replacedBy).toEqual({ id: key.id, start: key.start });

    const oldRow = await h.deps.db.apiKey.findUniqueOrThrow({ where: { id: old.key.id } });
    expect(published).toEqual([{ keyId: old.key.id, hash: oldRow.hash }]);

    const [rolled] = await auditOf(old.key.id);
    expect(rolled).toMatchObject({
      action: "key.rolled",
      changes: { expiresAt: [expiresAt, oldNow.expiresAt] },
    });
    const [created] = await auditOf(key.id);
    expect(created?.action).toBe("key.created");
  });

  it("keeps an earlier expiry, copies a personal key's owner and a disabled state", async () => {
    const soon = new Date(Date.now() + 60_000).toISOString();
    const old = await createKey(admin.client, keysPath, {
      name: "soon",
      expiresAt: soon,
      enabled: false,
    });
    const res = await admin.client
      .post(`${keysPath}/${old.key.id}/roll`, { graceSeconds: 604_800 })
      .expect(201);
    expect(res.body.key).toMatchObject({ enabled: false, expiresAt: soon, orgWide: false });
    expect(res.body.key.owner.id).toBe(admin.user.id);
    const oldNow = await admin.client.get(`${keysPath}/${old.key.id}`).expect(200);
    expect(oldNow.body.expiresAt).toBe(soon);
    const [rolled] = await auditOf(old.key.id);
    expect(rolled).toMatchObject({ action: "key.rolled", changes: {} });
  });

  it("with grace 0 expires the old key now", async () => {
    const old = await createKey(admin.client, keysPath, { name: "now" });
    const before = Date.now();
    await admin.client.post(`${keysPath}/${old.key.id}/roll`, { graceSeconds: 0 }).expect(201);
    const oldNow = await admin.client.get(`${keysPath}/${old.key.id}`).expect(200);
    expect(isoNear(oldNow.body.expiresAt, before)).toBe(true);
  });
});

describe("delete", () => {
  it("answers 204, forgets the key, audits and publishes", async () => {
    const { key } = await createKey(admin.client, keysPath, { name: "doomed", orgWide: true });
    const row = await h.deps.db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    published.length = 0;
    await admin.client.delete(`${keysPath}/${key.id}`).expect(204);
    expect(published).toEqual([{ keyId: key.id, hash: row.hash }]);
    await admin.client.get(`${keysPath}/${key.id}`).expect(404);
    await admin.client.delete(`${keysPath}/${key.id}`).expect(404);
    const [deleted] = await auditOf(key.id);
    expect(deleted).toMatchObject({
      action: "key.deleted",
      changes: { name: ["doomed", null], orgWide: [true, null] },
    });
  });
});

describe("audit answers name the key", () => {
  it("each key event names the key as it is now; other events and deleted keys name none; one key query a page", async () => {
    const owner = await h.signup({ name: "Namer", orgName: "Naming Org" });
    const path = `/api/orgs/${owner.orgId}/keys`;
    const renamed = await createKey(owner.client, path, { name: "first name", orgWide: true });
    await owner.client.patch(`${path}/${renamed.key.id}`, { name: "second name" }).expect(200);
    const roll = await owner.client
      .post(`${path}/${renamed.key.id}/roll`, { graceSeconds: 60 })
      .expect(201);
    const successor = roll.body as KeyWithSecretAnswer;
    const doomed = await createKey(owner.client, path, { name: "doomed", orgWide: false });
    await owner.client.delete(`${path}/${doomed.key.id}`).expect(204);
    await owner.client.patch(`/api/orgs/${owner.orgId}`, { name: "Naming Org 2" }).expect(200);
    await owner.client
      .post(`/api/orgs/${owner.orgId}/invites`, {
        email: "namer-invitee@example.com",
        role: "member",
      })
      .expect(201);

    const res = await owner.client.get(`/api/orgs/${owner.orgId}/audit?limit=100`).expect(200);
    const events = (res.body as Page<AuditEventAnswer>).items;
    const of = (keyId: string) => events.filter((e) => e.keyId === keyId);

    // The renamed (and rolled) key: every event, old or new, carries its current name and hint.
    const renamedEvents = of(renamed.key.id);
    expect(renamedEvents.map((e) => e.action).sort()).toEqual([
      "key.created",
      "key.rolled",
      "key.updated",
    ]);
    for (const event of renamedEvents) {
      expect(event.key).toEqual({ name: "second name", start: renamed.secret.slice(0, 8) });
    }
    // The creation still records the name it had then.
    expect(renamedEvents.find((e) => e.action === "key.created")?.changes.name).toEqual([
      null,
      "first name",
    ]);
    // Its successor shares the name but not the hint, which tells them apart.
    const [successorCreated] = of(successor.key.id);
    expect(successorCreated?.key).toEqual({
      name: "second name",
      start: successor.secret.slice(0, 8),
    });
    expect(successor.secret.slice(0, 8)).not.toBe(renamed.secret.slice(0, 8));

    // A deleted key: no current key to name; its deletion event still records the name.
    const doomedEvents = of(doomed.key.id);
    expect(doomedEvents.map((e) => e.action)).toEqual(["key.deleted", "key.created"]);
    for (const event of doomedEvents) expect(event.key).toBeNull();
    expect(doomedEvents[0]?.changes.name).toEqual(["doomed", null]);

    // Org and member events concern no key.
    const others = events.filter((e) => !e.action.startsWith("key."));
    expect(others.map((e) => e.action).sort()).toEqual(["member.invited", "org.updated"]);
    for (const event of others) expect(event).toMatchObject({ keyId: null, key: null });

    // Only the name and the hint: nothing secret, no other column of the key.
    const dump = JSON.stringify(res.body);
    for (const { secret } of [renamed, successor, doomed]) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(3, 35));
    }
    const row = await h.deps.db.apiKey.findUniqueOrThrow({ where: { id: renamed.key.id } });
    expect(dump).not.toContain(row.hash);
    for (const event of events) {
      if (event.key) expect(Object.keys(event.key).sort()).toEqual(["name", "start"]);
    }

    // The keys of a page come from one query, whatever the number of keys on it.
    let keyQueries = 0;
    const counted = h.deps.db.$extends({
      query: {
        apiKey: {
          async $allOperations({ args, query }) {
            keyQueries += 1;
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    const client = new Client(createApp({ ...h.deps, db: counted }).app);
    await client
      .post("/api/auth/login", { email: owner.user.email, password: owner.password })
      .expect(200);
    keyQueries = 0;
    const again = await client.get(`/api/orgs/${owner.orgId}/audit?limit=100`).expect(200);
    expect(again.body).toEqual(res.body);
    expect(new Set(events.flatMap((e) => (e.keyId ? [e.keyId] : []))).size).toBe(3);
    expect(keyQueries).toBe(1);
  });
});

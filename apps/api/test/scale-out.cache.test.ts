// The verification cache of "instance B" (its own KeyVerifier and KeyChangeBus) beside the
// harness app as "instance A", on one database: what B does with changes it hears of from
// another instance, and with the key-change channel up (`prompt`) or down (`lagging`).

import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { KeyChangeBus } from "../src/key-verification/key-change-bus.js";
import { KeyVerifier } from "../src/key-verification/key-verifier.js";
import { useHarness } from "./harness.js";
import { orgKey } from "./v1-fixtures.js";

const FALLBACK_TTL_MS = 100;

const t = useHarness(
  async (h) => {
    const admin = await h.signup();
    const bus = new KeyChangeBus();
    const verifier = new KeyVerifier(h.deps.db, bus, {
      ttlMs: 60_000,
      unknownTtlMs: 60_000,
      fallbackTtlMs: FALLBACK_TTL_MS,
    });
    return { admin, bus, verifier };
  },
  { teardown: ({ verifier }) => verifier?.close() },
);

async function newKey() {
  const { id, secret } = await orgKey(t.admin, { name: "cached" });
  return { id, hash: t.verifier.hashOf(secret), path: `/api/orgs/${t.admin.orgId}/keys/${id}` };
}

describe("another instance's verification cache", () => {
  it("answers from its cache until the change is delivered, then reads the database", async () => {
    const key = await newKey();
    expect((await t.verifier.lookup(key.hash))?.enabled).toBe(true);
    await t.admin.client.patch(key.path, { enabled: false }).expect(200);
    // A's own bus heard it; B has not: its entry is stale, as it would be with no channel.
    expect(t.verifier.cached(key.hash)?.enabled).toBe(true);
    t.bus.deliver({ keyId: key.id, hash: key.hash });
    expect(t.verifier.cached(key.hash)).toBeUndefined();
    expect((await t.verifier.lookup(key.hash))?.enabled).toBe(false);
  });

  it("drops a hash it holds as unknown when its key is created elsewhere", async () => {
    const unknownHash = "ab".repeat(32);
    expect(await t.verifier.lookup(unknownHash)).toBeNull();
    expect(t.verifier.cached(unknownHash)).toBeNull();
    t.bus.deliver({ keyId: "key_elsewhere", hash: unknownHash });
    expect(t.verifier.cached(unknownHash)).toBeUndefined();
  });

  it("keeps entries only the fallback lifetime while changes may be missed", async () => {
    const key = await newKey();
    await t.verifier.lookup(key.hash);
    t.bus.setDelivery("lagging");
    // Whatever was cached before may already be stale: it is gone.
    expect(t.verifier.cached(key.hash)).toBeUndefined();
    await t.verifier.lookup(key.hash);
    expect(t.verifier.cached(key.hash)?.enabled).toBe(true);
    await t.admin.client.patch(key.path, { enabled: false }).expect(200);
    await sleep(FALLBACK_TTL_MS + 20);
    expect(t.verifier.cached(key.hash)).toBeUndefined();
    expect((await t.verifier.lookup(key.hash))?.enabled).toBe(false);
  });

  it("starts from an empty cache when changes are delivered again, and keeps entries longer", async () => {
    const key = await newKey();
    t.bus.setDelivery("lagging");
    await t.verifier.lookup(key.hash);
    t.bus.setDelivery("prompt");
    expect(t.verifier.cached(key.hash)).toBeUndefined();
    await t.verifier.lookup(key.hash);
    await sleep(FALLBACK_TTL_MS + 20);
    expect(t.verifier.cached(key.hash)?.enabled).toBe(true);
  });

  it("does not cache what a lookup read before the delivery changed", async () => {
    const key = await newKey();
    t.bus.setDelivery("prompt");
    const reading = t.verifier.lookup(key.hash);
    t.bus.setDelivery("lagging");
    expect((await reading)?.enabled).toBe(true);
    expect(t.verifier.cached(key.hash)).toBeUndefined();
    t.bus.setDelivery("prompt");
  });

  it("trusts only entries read within the fallback lifetime once it has not heard the channel in time", async () => {
    const key = await newKey();
    t.bus.setDelivery("prompt");
    await t.verifier.lookup(key.hash);
    await sleep(FALLBACK_TTL_MS + 20);
    expect(t.verifier.cached(key.hash)?.enabled).toBe(true);
    // As after a SIGSTOP: the instance's own heartbeat last came back too long ago.
    t.bus.setHeardUntil(performance.now() - 1);
    expect(t.verifier.cached(key.hash)).toBeUndefined();
    await t.admin.client.patch(key.path, { enabled: false }).expect(200);
    // Not told of the change, it reads the database again, and trusts that read only briefly.
    expect((await t.verifier.lookup(key.hash))?.enabled).toBe(false);
    expect(t.verifier.cached(key.hash)?.enabled).toBe(false);
    await sleep(FALLBACK_TTL_MS + 20);
    expect(t.verifier.cached(key.hash)).toBeUndefined();
    // Heard again: entries answer their whole lifetime.
    t.bus.setHeardUntil(Number.POSITIVE_INFINITY);
    await t.verifier.lookup(key.hash);
    await sleep(FALLBACK_TTL_MS + 20);
    expect(t.verifier.cached(key.hash)?.enabled).toBe(false);
  });
});

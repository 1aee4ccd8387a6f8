// Fault: `kill -9` of the server mid-ingest, then a restart. Every event answered 200 is there,
// and every batch is all or nothing (its events and its roll-ups), on SQLite and PostgreSQL.
import { describe, expect, it } from "vitest";
import { countedEvents, ingest, storedCounts, useFaultDatabase } from "./support.js";

const fault = useFaultDatabase();

describe("kill -9 mid-ingest", () => {
  it("keeps every acknowledged batch, whole, and no batch in part", async () => {
    const first = await fault.startWithKey("kill");
    let server = first.server;
    const { secret } = first.key;
    const batchSize = 200;
    const killAfter = 40;
    // Each batch has its own event name, so each can be counted on its own afterwards.
    const acknowledged: string[] = [];
    const sent: string[] = [];
    let killed = false;
    const running = server;

    const sender = async (client: number) => {
      for (let n = 0; !killed; n++) {
        const name = `kill-${client}-${n}`;
        sent.push(name);
        const events = Array.from({ length: batchSize }, (_, i) => ({ eventName: name, i }));
        try {
          const res = await ingest(running.url, secret, events);
          if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
          acknowledged.push(name);
          // Killed at once after this 200, while the other clients' batches are in flight.
          if (acknowledged.length >= killAfter && !killed) {
            killed = true;
            process.kill(running.pid, "SIGKILL");
          }
        } catch (error) {
          // The connection died with the server: this batch was never acknowledged.
          if (killed) return;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, (_, client) => sender(client)));
    await running.exited();
    expect(running.child.signalCode).toBe("SIGKILL");

    const stored = await storedCounts(fault.database, "kill-");
    const partial = sent.filter((name) => {
      const events = stored.events.get(name) ?? 0;
      const rollups = stored.rollups.get(name) ?? 0;
      return (events !== 0 && events !== batchSize) || events !== rollups;
    });
    const lost = acknowledged.filter((name) => stored.events.get(name) !== batchSize);
    const unacknowledgedStored = sent.filter(
      (name) => !acknowledged.includes(name) && stored.events.get(name) === batchSize,
    ).length;
    console.log(
      `[faults] kill -9 (${fault.database.provider}): ${acknowledged.length} batches acknowledged, ` +
        `${sent.length} sent, ${lost.length} acknowledged batches lost, ${partial.length} half-written, ` +
        `${unacknowledgedStored} cut off by the kill but stored whole`,
    );
    expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);
    expect(lost).toEqual([]);
    expect(partial).toEqual([]);

    // After a restart the API counts them too.
    server = await fault.start();
    const sample = acknowledged.slice(-10);
    for (const name of sample) {
      expect(await countedEvents(server.url, secret, name)).toBe(batchSize);
    }
  }, 180_000);
});

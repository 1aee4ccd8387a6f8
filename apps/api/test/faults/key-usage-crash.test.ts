// A kill -9 loses at most the last second of key usage counts: they are written every second.
import { createDb } from "@keyward/db";
import { API_KEY_HEADER } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { useFaultDatabase } from "./support.js";

const fault = useFaultDatabase();

describe("key usage after kill -9", () => {
  it("keeps every count older than a second (plus slack for the write itself)", async () => {
    const { server, key } = await fault.startWithKey("usage-crash");
    const sent: number[] = [];
    const answeredAt: number[] = [];
    const until = Date.now() + 3_000;
    const url = server.url;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < until) {
          sent.push(Date.now());
          const res = await fetch(`${url}/v1/key`, { headers: { [API_KEY_HEADER]: key.secret } });
          await res.arrayBuffer();
          if (res.status === 200) answeredAt.push(Date.now());
        }
      }),
    );
    const killedAt = Date.now();
    await server.kill();

    const { prisma, close } = createDb(fault.database.url);
    try {
      const rows = await prisma.keyUsage.findMany({ where: { keyId: key.id, interval: "minute" } });
      const stored = rows.reduce((sum, row) => sum + row.valid, 0);
      // Answered more than 1 s (and 300 ms of slack for the batch in flight) before the kill.
      const safe = answeredAt.filter((at) => at < killedAt - 1_300).length;
      expect(safe).toBeGreaterThan(0);
      expect(stored).toBeGreaterThanOrEqual(safe);
      expect(stored).toBeLessThanOrEqual(sent.length);
    } finally {
      await close();
    }
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { countOf, machine, newKey, storedEvents, type TestKey, useV1 } from "./v1-fixtures.js";

const v1 = useV1();
let key: TestKey;
beforeAll(async () => {
  key = await newKey(v1, { read: true, write: true });
});

const send = (body: unknown) => machine(v1.h, key.secret).post("/v1/events", body);
const storedCount = async () => (await storedEvents(v1)).length;

describe("POST /v1/events — happy paths", () => {
  it("accepts an array; stores each event with its other properties", async () => {
    const res = await send([
      { eventName: "signup", eventTimestamp: "2026-03-01T10:15:30Z", plan: "pro", seats: 3 },
      { eventName: "signup", nested: { a: [1, "b"] } },
    ]).expect(200);
    expect(res.body).toEqual({ accepted: 2 });
    const rows = await storedEvents(v1, "signup");
    expect(rows).toHaveLength(2);
    expect(rows[0]?.eventAt.toISOString()).toBe("2026-03-01T10:15:30.000Z");
    expect(JSON.parse(rows[0]?.properties ?? "")).toEqual({ plan: "pro", seats: 3 });
    expect(rows[0]?.keyId).toBe(key.id);
    // Without a timestamp, the event happened when it was received.
    expect(Math.abs((rows[1]?.eventAt.getTime() ?? 0) - Date.now())).toBeLessThan(10_000);
    expect(JSON.parse(rows[1]?.properties ?? "")).toEqual({ nested: { a: [1, "b"] } });
  });

  it("accepts {events:[…]}, timestamps with offsets, and the Bearer header", async () => {
    const res = await machine(v1.h)
      .post("/v1/events")
      .set("Authorization", `Bearer ${key.secret}`)
      .send({ events: [{ eventName: "wrapped", eventTimestamp: "2026-03-01T12:00:00.250+02:00" }] })
      .expect(200);
    expect(res.body).toEqual({ accepted: 1 });
    const [row] = await storedEvents(v1, "wrapped");
    expect(row?.eventAt.toISOString()).toBe("2026-03-01T10:00:00.250Z");
  });

  it("accepts 10,000 events", async () => {
    const events = Array.from({ length: 10_000 }, (_, i) => ({ eventName: "many", i }));
    await send(events).expect(200, { accepted: 10_000 });
    expect(await countOf(v1.h, key.secret, "many")).toBe(10_000);
  });

  it("accepts 200-character names, counted in code points", async () => {
    const name = "😀".repeat(200);
    await send([{ eventName: name }]).expect(200, { accepted: 1 });
    expect(await countOf(v1.h, key.secret, name)).toBe(1);
  });

  it("accepts an empty batch", async () => {
    await send([]).expect(200, { accepted: 0 });
  });

  it("counts concurrent batches exactly", async () => {
    const batches = Array.from({ length: 30 }, (_, i) =>
      Array.from({ length: 50 }, () => ({ eventName: "concurrent", batch: i })),
    );
    const answers = await Promise.all(batches.map((batch) => send(batch)));
    expect(answers.every((res) => res.status === 200)).toBe(true);
    expect(await countOf(v1.h, key.secret, "concurrent")).toBe(1_500);
  });
});

describe("POST /v1/events — 400: the whole batch is refused", () => {
  async function expectBadEvent(body: unknown, index: number | undefined, field: string) {
    const before = await storedCount();
    const res = await send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
    if (index === undefined) {
      expect(res.body.error.details).toEqual([{ field, message: expect.any(String) }]);
    } else {
      expect(res.body.error.details).toEqual({ index, field });
    }
    expect(await storedCount()).toBe(before);
  }

  it("names the first bad event and its field", async () => {
    await expectBadEvent(
      [{ eventName: "ok" }, { name: "no eventName" }, { eventName: "" }],
      1,
      "eventName",
    );
    await expectBadEvent([{ eventName: "ok" }, { eventName: "" }], 1, "eventName");
    await expectBadEvent([{ eventName: "😀".repeat(201) }], 0, "eventName");
    await expectBadEvent([{ eventName: 42 }], 0, "eventName");
    await expectBadEvent(
      [{ eventName: "ok" }, { eventName: "ok" }, { eventName: "t", eventTimestamp: "yesterday" }],
      2,
      "eventTimestamp",
    );
    await expectBadEvent(
      [{ eventName: "t", eventTimestamp: "2026-03-01T10:00:00" }],
      0,
      "eventTimestamp",
    );
    await expectBadEvent([{ eventName: "t", eventTimestamp: null }], 0, "eventTimestamp");
    await expectBadEvent([{ eventName: "ok" }, "page_view"], 1, "event");
    await expectBadEvent({ events: [null] }, 0, "event");
  });

  it("refuses bodies that are not a batch", async () => {
    await expectBadEvent({ eventName: "single" }, undefined, "body");
    await expectBadEvent({ events: [], extra: true }, undefined, "body");
    await expectBadEvent({ events: "nope" }, undefined, "body");
    await expectBadEvent(
      Array.from({ length: 10_001 }, () => ({ eventName: "x" })),
      undefined,
      "events",
    );
  });

  it("refuses malformed JSON and a missing body", async () => {
    const malformed = await machine(v1.h, key.secret)
      .post("/v1/events")
      .set("Content-Type", "application/json")
      .send('[{"eventName": "x"');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("invalid_request");
    const empty = await machine(v1.h, key.secret).post("/v1/events");
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe("invalid_request");
  });
});

describe("POST /v1/events — 413 over 1 MB", () => {
  it("refuses 1,048,577 bytes and accepts 1,048,576", async () => {
    const shell = '[{"eventName":"big","pad":""}]';
    const exactly = (bytes: number) => shell.replace('""', `"${"a".repeat(bytes - shell.length)}"`);
    const before = await storedCount();
    const tooBig = await machine(v1.h, key.secret)
      .post("/v1/events")
      .set("Content-Type", "application/json")
      .send(exactly(1_048_577));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe("payload_too_large");
    expect(await storedCount()).toBe(before);
    await machine(v1.h, key.secret)
      .post("/v1/events")
      .set("Content-Type", "application/json")
      .send(exactly(1_048_576))
      .expect(200, { accepted: 1 });
  });
});

import { DAY_MS, NO_RESTRICTIONS } from "@keyward/shared";
import { describe, expect, it } from "vitest";
import { keyAnswer } from "@/testing/key-answer";
import { createKeyBody, keyFormValues, trimName, updateKeyBody } from "./key-body";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");

describe("createKeyBody", () => {
  it("sends what is set, and no expiresAt or restrictions when none", () => {
    const values = { ...keyFormValues(), name: "Ingest", write: true };
    expect(createKeyBody(values, NOW)).toEqual({
      name: "Ingest",
      orgWide: false,
      permissions: { read: true, write: true },
      enabled: true,
    });
    expect(createKeyBody({ ...values, expiry: "30" }, NOW).expiresAt).toBe(
      new Date(NOW + 30 * DAY_MS).toISOString(),
    );
  });
});

describe("updateKeyBody", () => {
  const key = keyAnswer({
    expiresAt: "2026-07-01T00:00:00.000Z",
    restrictions: { ...NO_RESTRICTIONS, allowedIps: ["10.0.0.0/8"] },
  });

  it("is empty for the key as it is, a name differing only by spaces included", () => {
    const values = keyFormValues(key);
    expect(updateKeyBody(values, key, NOW)).toEqual({});
    expect(updateKeyBody({ ...values, name: " Ingest " }, key, NOW)).toEqual({});
  });

  it("holds only the fields that changed", () => {
    const values = keyFormValues(key);
    expect(
      updateKeyBody(
        {
          ...values,
          read: true,
          enabled: false,
          restrictions: { ...values.restrictions, allowedIps: "" },
        },
        key,
        NOW,
      ),
    ).toEqual({
      permissions: { read: true, write: true },
      enabled: false,
      restrictions: { allowedIps: [] },
    });
    expect(updateKeyBody({ ...values, orgWide: false, name: "Renamed" }, key, NOW)).toEqual({
      name: "Renamed",
      orgWide: false,
    });
  });

  it("sends never only for a key that expires, and a new date as chosen", () => {
    const values = keyFormValues(key);
    expect(updateKeyBody({ ...values, expiry: "never" }, key, NOW)).toEqual({ expiresAt: null });
    const undated = keyAnswer();
    expect(updateKeyBody({ ...keyFormValues(undated), expiry: "never" }, undated, NOW)).toEqual({});
    expect(updateKeyBody({ ...values, expiry: "7" }, key, NOW)).toEqual({
      expiresAt: new Date(NOW + 7 * DAY_MS).toISOString(),
    });
  });
});

describe("trimName", () => {
  it("trims a name and leaves a body without one alone", () => {
    expect(trimName({ name: "  A  " })).toEqual({ name: "A" });
    const body: { name?: string; enabled?: boolean } = { enabled: true };
    expect(trimName(body)).toBe(body);
  });
});

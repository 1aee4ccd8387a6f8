import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  createInviteBodySchema,
  createKeyBodySchema,
  listKeysQuerySchema,
  rollKeyBodySchema,
  updateOrgBodySchema,
} from "../src/index.js";

const messages = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected the input to be refused");
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
};

describe("field messages say what is wrong", () => {
  it("names the wrong type, and says required only when the field is missing", () => {
    expect(
      messages(createKeyBodySchema, { orgWide: "yes", permissions: { read: 1, write: false } }),
    ).toEqual({
      name: "is required",
      orgWide: "must be a boolean, not a string",
      "permissions.read": "must be a boolean, not a number",
    });
  });

  it("names bounds, allowed values and formats", () => {
    expect(messages(listKeysQuerySchema, { limit: "abc" })).toEqual({ limit: "must be a number" });
    expect(messages(listKeysQuerySchema, { limit: "101", type: "x" })).toEqual({
      limit: "must be at most 100",
      type: 'must be one of "personal", "org"',
    });
    expect(messages(rollKeyBodySchema, { graceSeconds: 1.5 })).toEqual({
      graceSeconds: "must be an integer",
    });
    expect(messages(createInviteBodySchema, { email: "nope", role: "owner" })).toEqual({
      email: "must be a valid email address",
      role: 'must be one of "admin", "member"',
    });
  });

  it("keeps the schema's own wording of a rule", () => {
    expect(messages(updateOrgBodySchema, { name: "x".repeat(101), maxKeyLifetimeDays: 7 })).toEqual(
      {
        name: "must be at most 100 characters",
        maxKeyLifetimeDays: "must be null or one of 30, 90, 365",
      },
    );
  });
});

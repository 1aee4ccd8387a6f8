// Checks of answers in the contract's error body: which fields a 400 names.
import { expect } from "vitest";

interface ErrorAnswer {
  status: number;
  body: { error?: { code?: unknown; requestId?: unknown; details?: { field: string }[] } };
}

/** The fields an error answer names in its details (none for an answer without details). */
export function fieldsOf(res: { body: ErrorAnswer["body"] }): string[] {
  return (res.body.error?.details ?? []).map((d) => d.field);
}

/** A 400 invalid_request, with a request id, that names `field`. */
export function expectInvalid(res: ErrorAnswer, field: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error?.code).toBe("invalid_request");
  expect(typeof res.body.error?.requestId).toBe("string");
  expect(fieldsOf(res), JSON.stringify(res.body)).toContain(field);
}

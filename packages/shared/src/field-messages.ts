import { z } from "zod";

const withArticle = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

const TYPE_NAMES: Record<string, string> = { int: "integer", nan: "number" };

/** What was sent instead, when naming it helps (not for NaN from a coerced query, or 1.5 for an integer). */
function received(input: unknown, expected: string): string | undefined {
  if (input === null) return "null";
  if (Array.isArray(input)) return "an array";
  if (typeof input === "number" && (expected === "number" || expected === "int")) return undefined;
  return withArticle(typeof input);
}

const FORMAT_NAMES: Record<string, string> = {
  email: "a valid email address",
  datetime: "an ISO 8601 date-time with a time zone",
  url: "a valid URL",
};

function bound(origin: string, limit: number | bigint, word: "least" | "most"): string {
  if (origin === "string") return `must be at ${word} ${limit} characters`;
  if (origin === "array" || origin === "set") return `must have at ${word} ${limit} items`;
  return `must be at ${word} ${limit}`;
}

/**
 * What is wrong with a field, said from zod's issue: its wrong type, its bounds, the values it may
 * take. Schemas that word their own message (refinements) keep it.
 */
export function fieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return "is required";
      const expected = withArticle(TYPE_NAMES[issue.expected] ?? issue.expected);
      const instead = received(issue.input, issue.expected);
      return instead ? `must be ${expected}, not ${instead}` : `must be ${expected}`;
    }
    case "too_small":
      return bound(issue.origin, issue.minimum, "least");
    case "too_big":
      return bound(issue.origin, issue.maximum, "most");
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return `must be ${FORMAT_NAMES[issue.format] ?? `in the ${issue.format} format`}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "invalid_union":
      return "does not match any of the allowed forms";
    default:
      return undefined;
  }
}

z.config({ customError: fieldMessage });

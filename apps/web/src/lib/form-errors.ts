import type { ZodError } from "zod";
import { isApiError } from "./api-client";

export type FieldErrors = Record<string, string>;

/** First message per top-level field, e.g. `{ name: "must not be empty" }`. */
export function zodFieldErrors(error: ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? String(issue.path[0]) : "form";
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Field errors the server named (`details[].field`), keyed like the form's fields. */
export function serverFieldErrors(error: unknown): FieldErrors {
  return isApiError(error) ? error.fieldErrors : {};
}

/** Field-error text as shown under a control: "Name must not be empty". */
export function describeFieldError(label: string, message: string | undefined): string | undefined {
  if (!message) return undefined;
  if (/^(must|is|should|has|was)\b/i.test(message)) return `${label} ${message}.`;
  const sentence = message.charAt(0).toUpperCase() + message.slice(1);
  return sentence.endsWith(".") ? sentence : `${sentence}.`;
}

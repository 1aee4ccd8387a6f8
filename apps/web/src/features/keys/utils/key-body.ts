import type { CreateKeyBody, KeyAnswer, UpdateKeyBody } from "@keyward/shared";
import { type ExpiryChoice, expiresAtFor, localDate } from "./key-expiry";
import { type RestrictionValues, restrictionsBody, restrictionValues } from "./key-restrictions";

/** What the key form holds: its controls' values. */
export interface KeyFormValues {
  name: string;
  orgWide: boolean;
  read: boolean;
  write: boolean;
  enabled: boolean;
  expiry: ExpiryChoice;
  /** `yyyy-mm-dd` when `expiry` is "date". */
  expiryDate: string;
  restrictions: RestrictionValues;
}

/** The body fields the form shows errors beside (restriction errors are `restrictions.*`). */
export const KEY_FORM_FIELDS = ["name", "orgWide", "permissions", "enabled", "expiresAt"] as const;

export function isKeyFormField(field: string): boolean {
  return (KEY_FORM_FIELDS as readonly string[]).includes(field) || field.startsWith("restrictions");
}

/** The body field whose error a control shows (Read and Write share "permissions"). */
export function keyErrorFieldOf(field: keyof KeyFormValues): string {
  if (field === "read" || field === "write") return "permissions";
  if (field === "expiry" || field === "expiryDate") return "expiresAt";
  return field;
}

/** A new key's values, or an existing key's as they are. */
export function keyFormValues(key?: KeyAnswer): KeyFormValues {
  if (!key) {
    return {
      name: "",
      orgWide: false,
      read: true,
      write: false,
      enabled: true,
      expiry: "never",
      expiryDate: "",
      restrictions: restrictionValues(),
    };
  }
  return {
    name: key.name,
    orgWide: key.orgWide,
    read: key.permissions.read,
    write: key.permissions.write,
    enabled: key.enabled,
    expiry: "keep",
    expiryDate: key.expiresAt ? localDate(Date.parse(key.expiresAt)) : "",
    restrictions: restrictionValues(key),
  };
}

export function keyExpiresAt(values: KeyFormValues, now = Date.now()) {
  return expiresAtFor(values.expiry, values.expiryDate, now);
}

export function createKeyBody(values: KeyFormValues, now = Date.now()): CreateKeyBody {
  const expiresAt = keyExpiresAt(values, now);
  const restrictions = restrictionsBody(values.restrictions);
  return {
    name: values.name,
    orgWide: values.orgWide,
    permissions: { read: values.read, write: values.write },
    enabled: values.enabled,
    ...(expiresAt ? { expiresAt } : {}),
    ...(restrictions ? { restrictions } : {}),
  };
}

/** An edit's body: only what differs from `key` (empty when nothing does). */
export function updateKeyBody(
  values: KeyFormValues,
  key: KeyAnswer,
  now = Date.now(),
): UpdateKeyBody {
  const body: UpdateKeyBody = {};
  if (values.name.trim() !== key.name) body.name = values.name;
  if (values.orgWide !== key.orgWide) body.orgWide = values.orgWide;
  if (values.read !== key.permissions.read || values.write !== key.permissions.write) {
    body.permissions = { read: values.read, write: values.write };
  }
  if (values.enabled !== key.enabled) body.enabled = values.enabled;
  const expiresAt = keyExpiresAt(values, now);
  if (expiresAt !== undefined && !(expiresAt === null && key.expiresAt === null)) {
    body.expiresAt = expiresAt;
  }
  const restrictions = restrictionsBody(values.restrictions, key);
  if (restrictions) body.restrictions = restrictions;
  return body;
}

export function trimName<T extends { name?: string | undefined }>(body: T): T {
  return body.name === undefined ? body : { ...body, name: body.name.trim() };
}

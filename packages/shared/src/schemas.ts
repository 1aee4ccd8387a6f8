import { z } from "zod";
import { type KeyRestrictions, keyRestrictionsBodySchema } from "./key-restrictions.js";

/** Length in Unicode code points, as the contract counts characters. */
const codePoints = (s: string) => [...s].length;

const trimmedName = (max: number) =>
  z
    .string()
    .trim()
    .refine((s) => codePoints(s) >= 1, { message: "must not be empty" })
    .refine((s) => codePoints(s) <= max, { message: `must be at most ${max} characters` });

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: "must be a valid email address" }))
  .transform((s) => s.toLowerCase());

export const passwordSchema = z
  .string()
  .refine((s) => codePoints(s) >= 10, { message: "must be at least 10 characters" })
  .refine((s) => codePoints(s) <= 200, { message: "must be at most 200 characters" });

export const personNameSchema = trimmedName(100);
export const orgNameSchema = trimmedName(100);
export const keyNameSchema = trimmedName(100);

export const roleSchema = z.enum(["admin", "member"]);
export type Role = z.infer<typeof roleSchema>;

export const orgKeyPolicySchema = z.enum(["everyone", "restricted"]);
export type OrgKeyPolicy = z.infer<typeof orgKeyPolicySchema>;

/** The lifetimes an admin may impose on new keys, in days; null means no limit. */
export const MAX_KEY_LIFETIME_CHOICES = [30, 90, 365] as const;
export const maxKeyLifetimeDaysSchema = z
  .literal(MAX_KEY_LIFETIME_CHOICES, {
    error: `must be null or one of ${MAX_KEY_LIFETIME_CHOICES.join(", ")}`,
  })
  .nullable();
export type MaxKeyLifetimeDays = z.infer<typeof maxKeyLifetimeDaysSchema>;

// ---- Session API: auth ----

export const signupBodySchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: personNameSchema,
  orgName: orgNameSchema,
});
export type SignupBody = z.input<typeof signupBodySchema>;

export const loginBodySchema = z.strictObject({
  email: z
    .string()
    .trim()
    .max(254)
    .transform((s) => s.toLowerCase()),
  password: z.string().max(1000),
});
export type LoginBody = z.input<typeof loginBodySchema>;

export const acceptInviteBodySchema = z.strictObject({
  name: personNameSchema.optional(),
  password: passwordSchema.optional(),
});
export type AcceptInviteBody = z.input<typeof acceptInviteBodySchema>;

// ---- Session API: orgs and members ----

export const updateOrgBodySchema = z.strictObject({
  name: orgNameSchema.optional(),
  orgKeyPolicy: orgKeyPolicySchema.optional(),
  maxKeyLifetimeDays: maxKeyLifetimeDaysSchema.optional(),
});
export type UpdateOrgBody = z.input<typeof updateOrgBodySchema>;

export const updateMemberBodySchema = z.strictObject({
  role: roleSchema.optional(),
  manageOrgKeys: z.boolean().optional(),
  managePersonalKeys: z.boolean().optional(),
});
export type UpdateMemberBody = z.input<typeof updateMemberBodySchema>;

export const createInviteBodySchema = z.strictObject({
  email: emailSchema,
  role: roleSchema,
});
export type CreateInviteBody = z.input<typeof createInviteBodySchema>;

// ---- Session API: keys ----

export const permissionsSchema = z
  .strictObject({ read: z.boolean(), write: z.boolean() })
  .refine((p) => p.read || p.write, { message: "at least one of read or write must be true" });
export type Permissions = z.infer<typeof permissionsSchema>;

const futureDate = z.iso
  .datetime({ offset: true, message: "must be an ISO 8601 date-time" })
  .transform((s) => new Date(s))
  .refine((d) => d.getTime() > Date.now(), { message: "must be in the future" });

export const createKeyBodySchema = z.strictObject({
  name: keyNameSchema,
  orgWide: z.boolean(),
  permissions: permissionsSchema,
  enabled: z.boolean().optional(),
  expiresAt: futureDate.nullable().optional(),
  restrictions: keyRestrictionsBodySchema.optional(),
});
export type CreateKeyBody = z.input<typeof createKeyBodySchema>;

export const updateKeyBodySchema = z.strictObject({
  name: keyNameSchema.optional(),
  orgWide: z.boolean().optional(),
  permissions: permissionsSchema.optional(),
  enabled: z.boolean().optional(),
  expiresAt: futureDate.nullable().optional(),
  restrictions: keyRestrictionsBodySchema.nullable().optional(),
});
export type UpdateKeyBody = z.input<typeof updateKeyBodySchema>;

export const MAX_GRACE_SECONDS = 604_800;
export const rollKeyBodySchema = z.strictObject({
  graceSeconds: z.number().int().min(0).max(MAX_GRACE_SECONDS),
});
export type RollKeyBody = z.input<typeof rollKeyBodySchema>;

const booleanFlag = z.enum(["true", "false"]).transform((v) => v === "true");

export const pageQuerySchema = z.strictObject({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export const listKeysQuerySchema = pageQuerySchema.extend({
  includeDisabled: booleanFlag.optional(),
  type: z.enum(["personal", "org"]).optional(),
  q: z.string().max(100).optional(),
});
export type ListKeysQuery = z.input<typeof listKeysQuerySchema>;

export const listAuditQuerySchema = pageQuerySchema.extend({
  keyId: z.string().max(100).optional(),
});

// ---- Answers ----

export interface UserRef {
  id: string;
  email: string;
  name: string;
}

/**
 * What the caller may do in one org, decided by the API's policy (the web app derives none of it).
 * `editOrgWideKeys` covers creating, changing, rolling and deleting org-wide keys.
 */
export interface OrgCapabilities {
  editOrgWideKeys: boolean;
  seeOthersPersonalKeys: boolean;
  editOthersPersonalKeys: boolean;
  manageMembers: boolean;
  manageInvites: boolean;
  updateOrg: boolean;
  seeAllAudit: boolean;
}

export interface OrgMembershipSummary {
  id: string;
  name: string;
  role: Role;
  manageOrgKeys: boolean;
  managePersonalKeys: boolean;
  orgKeyPolicy: OrgKeyPolicy;
  capabilities: OrgCapabilities;
}

export interface SessionAnswer {
  user: UserRef;
  orgs: OrgMembershipSummary[];
}

export interface OrgAnswer {
  id: string;
  name: string;
  orgKeyPolicy: OrgKeyPolicy;
  maxKeyLifetimeDays: MaxKeyLifetimeDays;
}

export interface MemberAnswer {
  userId: string;
  email: string;
  name: string;
  role: Role;
  manageOrgKeys: boolean;
  managePersonalKeys: boolean;
  /** Why this member's role cannot be lowered (or the member removed) now; null when it can. */
  cannotDemoteReason: MemberLockReason | null;
}

/** `last_admin`: an org always keeps at least one admin. */
export type MemberLockReason = "last_admin";

/** A pending invite, as admins list it (never its token). */
export interface PendingInviteAnswer {
  id: string;
  email: string;
  role: Role;
  invitedBy: { id: string; name: string };
  createdAt: string;
  expiresAt: string;
}

export interface InviteAnswer {
  id: string;
  token: string;
  url: string;
  expiresAt: string;
}

/** Why the system (not a person) disabled a key; `null` when enabled or disabled by hand. */
export type KeyDisabledReason = "owner_removed";

/**
 * Why the caller may see a key but not change it:
 * - `org_keys_restricted`: the org lets only admins and members granted manageOrgKeys change org-wide keys;
 * - `not_owner`: a personal key of someone else, without managePersonalKeys.
 */
export type KeyLockReason = "org_keys_restricted" | "not_owner";

/** The key a rolled key replaced, or the key that replaced it: its id and `start`. */
export interface KeyLink {
  id: string;
  start: string;
}

export interface KeyAnswer {
  id: string;
  name: string;
  orgWide: boolean;
  permissions: Permissions;
  enabled: boolean;
  disabledReason: KeyDisabledReason | null;
  start: string;
  owner: UserRef | null;
  createdBy: { id: string; name: string };
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  canEdit: boolean;
  /** Set exactly when `canEdit` is false. */
  cannotEditReason: KeyLockReason | null;
  rolledFrom: KeyLink | null;
  replacedBy: KeyLink | null;
  restrictions: KeyRestrictions;
}

export interface KeyWithSecretAnswer {
  key: KeyAnswer;
  secret: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type AuditAction =
  | "key.created"
  | "key.updated"
  | "key.enabled"
  | "key.disabled"
  | "key.rolled"
  | "key.deleted"
  | "member.invited"
  | "member.joined"
  | "member.updated"
  | "member.removed"
  | "invite.revoked"
  | "invite.renewed"
  | "org.updated";

export interface AuditEventAnswer {
  id: string;
  at: string;
  actor: { id: string; name: string };
  action: AuditAction;
  keyId: string | null;
  changes: Record<string, [unknown, unknown]>;
  /** The member a `member.*` or `invite.*` event is about (null when none, or the account is gone). */
  subject: { id: string; name: string; email: string } | null;
  /**
   * The key's current name and `start` (its first characters, not secret); null for events
   * that concern no key, and for a key deleted since (its `key.deleted` event names it).
   */
  key: AuditEventKey | null;
}

export interface AuditEventKey {
  name: string;
  start: string;
}

import { z } from "zod";
import { dateTimeSchema } from "./date-time.js";
import "./field-messages.js";
import { keyRestrictionsBodySchema, keyRestrictionsSchema } from "./key-restrictions.js";

/** Length in Unicode code points, as the contract counts characters. */
const codePoints = (s: string) => [...s].length;

const trimmedName = (max: number) =>
  z
    .string()
    .trim()
    .refine((s) => codePoints(s) >= 1, { message: "must not be empty" })
    .refine((s) => codePoints(s) <= max, { message: `must be at most ${max} characters` })
    .meta({
      minLength: 1,
      maxLength: max,
      description: `1–${max} characters (Unicode code points) after trimming.`,
    });

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: "must be a valid email address" }))
  .transform((s) => s.toLowerCase())
  .meta({ format: "email", description: "Compared case-insensitively." });

export const passwordSchema = z
  .string()
  .refine((s) => codePoints(s) >= 10, { message: "must be at least 10 characters" })
  .refine((s) => codePoints(s) <= 200, { message: "must be at most 200 characters" })
  .meta({ minLength: 10, maxLength: 200, description: "10–200 characters (Unicode code points)." });

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
  .nullable()
  // Stated whole: the generator renders a multi-value literal by its first value only.
  .meta({ type: ["integer", "null"], enum: [...MAX_KEY_LIFETIME_CHOICES, null] });
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
  .refine((p) => p.read || p.write, { message: "at least one of read or write must be true" })
  .meta({
    description: "At least one of `read` and `write` is true.",
    anyOf: [{ properties: { read: { const: true } } }, { properties: { write: { const: true } } }],
  });
export type Permissions = z.infer<typeof permissionsSchema>;

const futureDate = dateTimeSchema
  .transform((s) => new Date(s))
  .refine((d) => d.getTime() > Date.now(), { message: "must be in the future" })
  .meta({ format: "date-time", description: "ISO 8601 with a time zone; must be in the future." });

export const createKeyBodySchema = z.strictObject({
  name: keyNameSchema,
  orgWide: z.boolean(),
  permissions: permissionsSchema,
  enabled: z.boolean().optional(),
  expiresAt: futureDate.nullable().optional().meta({
    description:
      "When the key stops working (null or absent: never). Extension: required when the org sets `maxKeyLifetimeDays`, and at most that many days ahead.",
  }),
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
// Plain (not strict) objects: a client should accept fields added later. The API's tests check
// every answer against these with unknown fields refused.

const answerTime = z.iso.datetime({ offset: true }).meta({ example: "2026-01-31T12:00:00.000Z" });

export const userRefSchema = z
  .object({ id: z.string(), email: z.email(), name: z.string() })
  .meta({ id: "User" });
export type UserRef = z.infer<typeof userRefSchema>;

/** A person named in an answer, without their email. */
export const personRefSchema = z
  .object({ id: z.string(), name: z.string() })
  .meta({ id: "Person" });
export type PersonRef = z.infer<typeof personRefSchema>;

/**
 * What the caller may do in one org, decided by the API's policy (the web app derives none of it).
 * `editOrgWideKeys` covers creating, changing, rolling and deleting org-wide keys.
 */
export const orgCapabilitiesSchema = z
  .object({
    editOrgWideKeys: z.boolean(),
    seeOthersPersonalKeys: z.boolean(),
    editOthersPersonalKeys: z.boolean(),
    manageMembers: z.boolean(),
    manageInvites: z.boolean(),
    updateOrg: z.boolean(),
    seeAllAudit: z.boolean(),
  })
  .meta({
    id: "OrgCapabilities",
    description:
      "Extension of the contract: what the caller may do in this org, as the API's policy decides it. `editOrgWideKeys` covers creating, changing, rolling and deleting org-wide keys.",
  });
export type OrgCapabilities = z.infer<typeof orgCapabilitiesSchema>;

export const orgMembershipSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: roleSchema,
    manageOrgKeys: z.boolean().meta({ description: "Always true for admins." }),
    managePersonalKeys: z.boolean().meta({ description: "Always true for admins." }),
    orgKeyPolicy: orgKeyPolicySchema.meta({ description: "Extension: the org's key policy." }),
    capabilities: orgCapabilitiesSchema,
  })
  .meta({ id: "OrgMembership", description: "One org of the caller, with their role and grants." });
export type OrgMembershipSummary = z.infer<typeof orgMembershipSummarySchema>;

export const sessionAnswerSchema = z
  .object({ user: userRefSchema, orgs: z.array(orgMembershipSummarySchema) })
  .meta({ id: "Session", description: "The signed-in user and the orgs they belong to." });
export type SessionAnswer = z.infer<typeof sessionAnswerSchema>;

export const orgAnswerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    orgKeyPolicy: orgKeyPolicySchema,
    maxKeyLifetimeDays: maxKeyLifetimeDaysSchema.meta({
      description:
        "Extension of the contract: the longest lifetime, in days, of a new key (null: no limit). Under a limit, creating a key needs an `expiresAt` within it.",
    }),
  })
  .meta({ id: "Org" });
export type OrgAnswer = z.infer<typeof orgAnswerSchema>;

/** `last_admin`: an org always keeps at least one admin. */
export const memberLockReasonSchema = z.enum(["last_admin"]);
export type MemberLockReason = z.infer<typeof memberLockReasonSchema>;

export const memberAnswerSchema = z
  .object({
    userId: z.string(),
    email: z.email(),
    name: z.string(),
    role: roleSchema,
    manageOrgKeys: z.boolean(),
    managePersonalKeys: z.boolean(),
    cannotDemoteReason: memberLockReasonSchema.nullable().meta({
      description:
        "Extension: why this member's role cannot be lowered (or the member removed) now; `last_admin`: an org keeps at least one admin. null when it can.",
    }),
  })
  .meta({ id: "Member" });
export type MemberAnswer = z.infer<typeof memberAnswerSchema>;

/** A pending invite, as admins list it (never its token). */
export const pendingInviteAnswerSchema = z
  .object({
    id: z.string(),
    email: z.email(),
    role: roleSchema,
    invitedBy: personRefSchema,
    createdAt: answerTime,
    expiresAt: answerTime,
  })
  .meta({
    id: "PendingInvite",
    description: "A pending invite, as admins list it (never its token).",
  });
export type PendingInviteAnswer = z.infer<typeof pendingInviteAnswerSchema>;

export const inviteAnswerSchema = z
  .object({
    id: z.string(),
    token: z.string().meta({ description: "Secret: whoever holds the link can accept it." }),
    url: z.url(),
    expiresAt: answerTime,
  })
  .meta({ id: "Invite", description: "A one-time invite link, valid 7 days." });
export type InviteAnswer = z.infer<typeof inviteAnswerSchema>;

export const invitePreviewAnswerSchema = z
  .object({
    orgId: z.string(),
    orgName: z.string(),
    email: z.email(),
    role: roleSchema,
    expiresAt: answerTime,
  })
  .meta({ id: "InvitePreview", description: "What an invite is for, shown before accepting it." });
export type InvitePreviewAnswer = z.infer<typeof invitePreviewAnswerSchema>;

/** Why the system (not a person) disabled a key; `null` when enabled or disabled by hand. */
export const keyDisabledReasonSchema = z.enum(["owner_removed"]);
export type KeyDisabledReason = z.infer<typeof keyDisabledReasonSchema>;

/**
 * Why the caller may see a key but not change it:
 * - `org_keys_restricted`: the org lets only admins and members granted manageOrgKeys change org-wide keys;
 * - `not_owner`: a personal key of someone else, without managePersonalKeys.
 */
export const keyLockReasonSchema = z.enum(["org_keys_restricted", "not_owner"]);
export type KeyLockReason = z.infer<typeof keyLockReasonSchema>;

/** The key a rolled key replaced, or the key that replaced it: its id and `start`. */
export const keyLinkSchema = z
  .object({ id: z.string(), start: z.string() })
  .meta({ id: "KeyLink", description: "Another key: its id and `start` (not secret)." });
export type KeyLink = z.infer<typeof keyLinkSchema>;

export const keyAnswerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    orgWide: z.boolean(),
    permissions: z.object({ read: z.boolean(), write: z.boolean() }),
    enabled: z.boolean(),
    disabledReason: keyDisabledReasonSchema.nullable().meta({
      description:
        "Extension: why the system disabled the key; `owner_removed`: its owner left the org. null when enabled or disabled by a person.",
    }),
    start: z.string().meta({ description: "The secret's first 8 characters (`kw_` + 5)." }),
    owner: userRefSchema.nullable().meta({ description: "null for org-wide keys." }),
    createdBy: personRefSchema,
    createdAt: answerTime,
    updatedAt: answerTime,
    lastUsedAt: answerTime.nullable(),
    expiresAt: answerTime.nullable(),
    canEdit: z.boolean().meta({ description: "Whether the caller may change, roll or delete it." }),
    cannotEditReason: keyLockReasonSchema.nullable().meta({
      description:
        "Set exactly when `canEdit` is false: `org_keys_restricted` (the org restricts org-wide keys to admins and `manageOrgKeys` holders) or `not_owner` (someone else's personal key, without `managePersonalKeys`).",
    }),
    rolledFrom: keyLinkSchema
      .nullable()
      .meta({ description: "The key this one replaced by a roll." }),
    replacedBy: keyLinkSchema.nullable().meta({ description: "The key that replaced this one." }),
    restrictions: keyRestrictionsSchema.meta({
      description:
        "Extension: where and how the key may be used (origins, IP ranges, event names, its own rate); empty when unrestricted.",
    }),
  })
  .meta({ id: "Key" });
export type KeyAnswer = z.infer<typeof keyAnswerSchema>;

export const keyWithSecretAnswerSchema = z
  .object({
    key: keyAnswerSchema,
    secret: z.string().meta({
      description: "The key's secret (`kw_` + 38 characters), answered only this once.",
      example: "kw_3Vx9Qe0m1ZtK8bWc2RdY7pLs4nHa6uJf0Gq8Ab",
    }),
  })
  .meta({ id: "KeyWithSecret" });
export type KeyWithSecretAnswer = z.infer<typeof keyWithSecretAnswerSchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const pageSchema = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .meta({ description: "Pass as `cursor` for the next page; null on the last page." }),
    })
    .meta({ id });

export const keyPageSchema = pageSchema(keyAnswerSchema, "KeyPage");

/** What each audit action records; the document and the audit page say it the same way. */
export const AUDIT_ACTION_MEANINGS = {
  "key.created":
    "A key was created (also the new key of a roll); `changes` holds its initial fields.",
  "key.updated": "A key's name, type, permissions or expiry changed; `changes` holds them.",
  "key.enabled": "A key was enabled.",
  "key.disabled": "A key was disabled, by a person or because its owner was removed.",
  "key.rolled": "A key was replaced by a new one; `changes` holds its shortened `expiresAt`.",
  "key.deleted": "A key was deleted; `changes` holds its fields as they were.",
  "member.invited": "An admin invited someone; `changes` holds the email and role.",
  "member.joined": "Someone accepted an invite and joined the org.",
  "member.updated": "A member's role or grants changed.",
  "member.removed": "A member was removed; their personal keys were disabled.",
  "invite.revoked": "An admin revoked a pending invite.",
  "invite.renewed": "An admin renewed an invite: a fresh link and expiry, the old link void.",
  "org.updated": "The org's name, key policy or key lifetime limit changed.",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTION_MEANINGS;

export const auditActionSchema = z
  .enum(Object.keys(AUDIT_ACTION_MEANINGS) as [AuditAction, ...AuditAction[]])
  .meta({
    id: "AuditAction",
    description: Object.entries(AUDIT_ACTION_MEANINGS)
      .map(([action, meaning]) => `- \`${action}\`: ${meaning}`)
      .join("\n"),
  });

export const auditEventKeySchema = z
  .object({ name: z.string(), start: z.string() })
  .meta({ id: "AuditEventKey" });
export type AuditEventKey = z.infer<typeof auditEventKeySchema>;

export const auditEventAnswerSchema = z
  .object({
    id: z.string(),
    at: answerTime,
    actor: personRefSchema,
    action: auditActionSchema,
    keyId: z.string().nullable(),
    changes: z
      .record(z.string(), z.tuple([z.unknown(), z.unknown()]))
      .meta({ description: "The changed fields as `{field: [before, after]}`." }),
    subject: userRefSchema.nullable().meta({
      description:
        "Extension: the member a `member.*` or `invite.*` event is about (null when none, or the account is gone).",
    }),
    key: auditEventKeySchema.nullable().meta({
      description:
        "Extension: the key's current name and `start` (not secret); null for events that concern no key, and for a key deleted since (its `key.deleted` event names it).",
    }),
  })
  .meta({ id: "AuditEvent" });
export type AuditEventAnswer = z.infer<typeof auditEventAnswerSchema>;

export const auditPageSchema = pageSchema(auditEventAnswerSchema, "AuditPage");

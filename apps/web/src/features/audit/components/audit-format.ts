import type { AuditAction, AuditEventAnswer } from "@keyward/shared";
import type { BadgeTone } from "@/components/ui/badge";
import { formatDateTime } from "@/lib/format";

export const ACTION_LABELS: Record<AuditAction, string> = {
  "key.created": "Created key",
  "key.updated": "Changed key",
  "key.enabled": "Enabled key",
  "key.disabled": "Disabled key",
  "key.rolled": "Rolled key",
  "key.deleted": "Deleted key",
  "member.invited": "Invited member",
  "member.joined": "Joined",
  "member.updated": "Changed member",
  "member.removed": "Removed member",
  "invite.revoked": "Revoked invite",
  "invite.renewed": "Renewed invite link",
  "org.updated": "Changed settings",
};

export const ACTION_TONES: Record<AuditAction, BadgeTone> = {
  "key.created": "success",
  "key.updated": "neutral",
  "key.enabled": "success",
  "key.disabled": "warning",
  "key.rolled": "accent",
  "key.deleted": "danger",
  "member.invited": "neutral",
  "member.joined": "success",
  "member.updated": "neutral",
  "member.removed": "danger",
  "invite.revoked": "warning",
  "invite.renewed": "neutral",
  "org.updated": "neutral",
};

/** An action the API may add later still gets a readable label. */
export function actionLabel(action: string): string {
  return ACTION_LABELS[action as AuditAction] ?? action;
}

export function actionTone(action: string): BadgeTone {
  return ACTION_TONES[action as AuditAction] ?? "neutral";
}

const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  orgWide: "Type",
  ownerId: "Owner",
  permissions: "Permissions",
  enabled: "Status",
  expiresAt: "Expires",
  role: "Role",
  email: "Email",
  manageOrgKeys: "Manage org keys",
  managePersonalKeys: "Manage personal keys",
  orgKeyPolicy: "Org-wide key policy",
  maxKeyLifetimeDays: "Max key lifetime",
};

export interface ChangeContext {
  /** A member's name by user id; undefined for someone no longer in the org. */
  userName: (userId: string) => string | undefined;
}

const MAX_VALUE_LENGTH = 120;

function clip(text: string): string {
  return text.length > MAX_VALUE_LENGTH ? `${text.slice(0, MAX_VALUE_LENGTH - 1)}…` : text;
}

function isPermissions(value: unknown): value is { read: boolean; write: boolean } {
  return typeof value === "object" && value !== null && "read" in value && "write" in value;
}

/** One recorded value, as a person reads it. */
export function formatValue(field: string, value: unknown, ctx: ChangeContext): string {
  switch (field) {
    case "orgWide":
      if (typeof value === "boolean") return value ? "Org-Wide" : "Personal";
      break;
    case "ownerId":
      if (value === null) return "none (org-wide)";
      if (typeof value === "string") return ctx.userName(value) ?? "a former member";
      break;
    case "permissions":
      if (isPermissions(value)) {
        const labels = [value.read ? "Read" : null, value.write ? "Write" : null].filter(Boolean);
        return labels.length > 0 ? labels.join(", ") : "none";
      }
      break;
    case "enabled":
      if (typeof value === "boolean") return value ? "enabled" : "disabled";
      break;
    case "expiresAt":
      if (value === null) return "never";
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) {
        return formatDateTime(value);
      }
      break;
    case "role":
      if (value === "admin") return "Admin";
      if (value === "member") return "Member";
      break;
    case "orgKeyPolicy":
      if (value === "everyone") return "Everyone";
      if (value === "restricted") return "Restricted";
      break;
    case "maxKeyLifetimeDays":
      if (value === null) return "no limit";
      if (typeof value === "number") return `${value} days`;
      break;
  }
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") return `“${clip(value)}”`;
  if (typeof value === "number") return String(value);
  return clip(JSON.stringify(value));
}

export interface ChangeLine {
  field: string;
  label: string;
  /** "“old” → “new”", or only the value for a creation or a removal. */
  text: string;
}

const SHOWS_AFTER_ONLY = new Set<string>(["key.created", "member.invited", "member.joined"]);
const SHOWS_BEFORE_ONLY = new Set<string>(["key.deleted", "member.removed"]);

/** The event's `changes` `{field: [before, after]}`, one readable line per field. */
export function describeChanges(
  event: Pick<AuditEventAnswer, "action" | "changes">,
  ctx: ChangeContext,
): ChangeLine[] {
  return Object.entries(event.changes ?? {}).map(([field, pair]) => {
    const [before, after] = Array.isArray(pair) ? pair : [undefined, pair];
    const label = FIELD_LABELS[field] ?? field;
    let text: string;
    if (SHOWS_AFTER_ONLY.has(event.action) && before === null) {
      text = formatValue(field, after, ctx);
    } else if (SHOWS_BEFORE_ONLY.has(event.action) && after === null) {
      text = formatValue(field, before, ctx);
    } else {
      text = `${formatValue(field, before, ctx)} → ${formatValue(field, after, ctx)}`;
    }
    return { field, label, text };
  });
}

/**
 * The latest name of each key that the loaded events tell (newest first, so a rename or a
 * deletion, being newer than the key's other events, is always among them).
 */
export function keyNamesFromEvents(events: readonly AuditEventAnswer[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const event of events) {
    if (!event.keyId || names.has(event.keyId)) continue;
    const pair = event.changes?.name;
    if (!Array.isArray(pair)) continue;
    const [before, after] = pair;
    const name = typeof after === "string" ? after : typeof before === "string" ? before : null;
    if (name !== null) names.set(event.keyId, name);
  }
  return names;
}

/** Keys whose deletion is among the loaded events. */
export function deletedKeyIds(events: readonly AuditEventAnswer[]): Set<string> {
  return new Set(
    events.flatMap((event) => (event.action === "key.deleted" && event.keyId ? [event.keyId] : [])),
  );
}

/** Whom or what a non-key event is about: the member (`subject`), an invite's email, the org. */
export function eventTarget(
  event: Pick<AuditEventAnswer, "action" | "changes" | "subject" | "actor">,
): { name: string; detail?: string } {
  if (event.action === "org.updated") return { name: "Organization" };
  if (event.subject) return { name: event.subject.name, detail: event.subject.email };
  const email = event.changes?.email;
  const address = Array.isArray(email) ? (email[1] ?? email[0]) : undefined;
  if (typeof address === "string") return { name: address };
  if (event.action === "member.joined") return { name: event.actor.name };
  return { name: "A former member" };
}

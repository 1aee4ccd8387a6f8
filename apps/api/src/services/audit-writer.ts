import type { Db } from "@keyward/db";
import type { AuditAction } from "@keyward/shared";
import { newId } from "@keyward/shared/node";

export type Changes = Record<string, [unknown, unknown]>;

/** The client a service passes in, so the audit row commits in the same transaction as the change. */
type AuditWriter = Pick<Db, "auditEvent">;

export interface AuditEntry {
  orgId: string;
  actorId: string;
  action: AuditAction;
  keyId?: string | null;
  subjectUserId?: string | null;
  changes?: Changes;
  at?: Date;
}

export async function recordAudit(tx: AuditWriter, entry: AuditEntry): Promise<void> {
  await tx.auditEvent.create({
    data: {
      id: newId("aud"),
      orgId: entry.orgId,
      actorId: entry.actorId,
      action: entry.action,
      keyId: entry.keyId ?? null,
      subjectUserId: entry.subjectUserId ?? null,
      changes: JSON.stringify(entry.changes ?? {}),
      at: entry.at ?? new Date(),
    },
  });
}

/** `{field: [before, after]}` for every field of `after` whose value differs from `before`. */
export function diffFields<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): Changes {
  const changes: Changes = {};
  for (const [field, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const old = before[field];
    if (JSON.stringify(normalize(old)) !== JSON.stringify(normalize(value))) {
      changes[field] = [normalize(old), normalize(value)];
    }
  }
  return changes;
}

function normalize(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

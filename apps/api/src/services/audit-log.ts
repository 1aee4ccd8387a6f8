// Reading the audit log. Who sees what:
// - admins: every event of the org;
// - members granted managePersonalKeys: every `key.*` event (they see every key);
// - other members: `key.*` events of org-wide keys and of their own personal keys. A key event's
//   `subjectUserId` is the key's owner (null while org-wide), kept current when the key changes
//   type, so this is one indexed query. A deleted key keeps the owner it had when deleted.
import type { Db, Prisma } from "@keyward/db";
import type { AuditAction, AuditEventAnswer, listAuditQuerySchema, Page } from "@keyward/shared";
import type { z } from "zod";
import type { OrgContext } from "../http/org-member.js";
import { canSeeAllAudit, canSeeAllPersonalKeys } from "../policy.js";
import type { Changes } from "./audit.js";
import { decodeCursor, toPage } from "./page-cursor.js";

export type ListAuditInput = z.output<typeof listAuditQuerySchema>;

const CURSOR_TIME = "at";

function visibleEvents({ actor }: OrgContext): Prisma.AuditEventWhereInput {
  if (canSeeAllAudit(actor)) return {};
  const keyEvents: Prisma.AuditEventWhereInput = { action: { startsWith: "key." } };
  if (canSeeAllPersonalKeys(actor)) return keyEvents;
  return { ...keyEvents, OR: [{ subjectUserId: null }, { subjectUserId: actor.userId }] };
}

function parseChanges(json: string): Changes {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null ? (value as Changes) : {};
  } catch {
    return {};
  }
}

export async function listAudit(
  db: Db,
  ctx: OrgContext,
  query: ListAuditInput,
): Promise<Page<AuditEventAnswer>> {
  const cursor = query.cursor ? decodeCursor(CURSOR_TIME, query.cursor) : null;
  const and: Prisma.AuditEventWhereInput[] = [visibleEvents(ctx)];
  if (cursor) {
    and.push({
      OR: [{ at: { lt: cursor.time } }, { at: cursor.time, id: { lt: cursor.id } }],
    });
  }
  const rows = await db.auditEvent.findMany({
    where: { orgId: ctx.org.id, ...(query.keyId ? { keyId: query.keyId } : {}), AND: and },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  const actorIds = [...new Set(rows.map((row) => row.actorId))];
  const actors = await db.user.findMany({
    where: { id: { in: actorIds } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(actors.map((a) => [a.id, a.name]));
  return toPage(
    rows,
    query.limit,
    CURSOR_TIME,
    (row) => row.at,
    (row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: { id: row.actorId, name: nameOf.get(row.actorId) ?? "" },
      action: row.action as AuditAction,
      keyId: row.keyId,
      changes: parseChanges(row.changes),
    }),
  );
}

// Reading the audit log. Who sees what:
// - admins: every event of the org;
// - members granted managePersonalKeys: every `key.*` event (they see every key);
// - other members: `key.*` events of org-wide keys and of their own personal keys. A key event's
//   `subjectUserId` is the key's owner (null while org-wide), kept current when the key changes
//   type, so this is one indexed query. A deleted key keeps the owner it had when deleted.
//   Events of keys that still exist are then checked against the key itself (canSeeKey), so an
//   event written without `subjectUserId` never shows another member's personal key; such a page
//   can hold fewer than `limit` items while `nextCursor` still leads on.
// Each item names its key (`key: {name, start}`, current values) from one query for the page's
// keys, the same one that checks them; null for non-key events and for a deleted key (its
// `key.deleted` event records the name but not `start`, so the client names it from that event).
import type { Db, Prisma } from "@keyward/db";
import type { AuditAction, AuditEventAnswer, listAuditQuerySchema, Page } from "@keyward/shared";
import type { z } from "zod";
import type { OrgContext } from "../http/org-member.js";
import {
  canManageOthersPersonalKeys,
  canSeeAllAudit,
  canSeeKey,
  visibleAuditWhere,
} from "../policy.js";
import type { Changes } from "./audit-writer.js";
import { decodeCursor, toPage } from "./page-cursor.js";

export type ListAuditInput = z.output<typeof listAuditQuerySchema>;

const CURSOR_TIME = "at";

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
  const and: Prisma.AuditEventWhereInput[] = [visibleAuditWhere(ctx.actor)];
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
  const page = toPage(
    rows,
    query.limit,
    CURSOR_TIME,
    (row) => row.at,
    (row) => row,
  );
  const keys = await keysOf(db, ctx.org.id, page.items);
  const items = dropEventsOfHiddenKeys(ctx, page.items, keys);
  const userIds = [
    ...new Set(
      items.flatMap((row) => [row.actorId, ...(isAboutMember(row) ? [row.subjectUserId] : [])]),
    ),
  ].filter((id): id is string => id !== null);
  const users = await db.user.findMany({
    where: { id: { in: userIds } },
    select: { id: true, name: true, email: true },
  });
  const userOf = new Map(users.map((u) => [u.id, u]));
  return {
    items: items.map((row) => {
      const key = row.keyId ? keys.get(row.keyId) : undefined;
      return {
        id: row.id,
        at: row.at.toISOString(),
        actor: { id: row.actorId, name: userOf.get(row.actorId)?.name ?? "" },
        action: row.action as AuditAction,
        keyId: row.keyId,
        changes: parseChanges(row.changes),
        key: key ? { name: key.name, start: key.start } : null,
        subject: (isAboutMember(row) && row.subjectUserId && userOf.get(row.subjectUserId)) || null,
      };
    }),
    nextCursor: page.nextCursor,
  };
}

/** `member.*` events name their member in `subjectUserId` (key events name the key's owner there). */
function isAboutMember(row: { action: string }): boolean {
  return row.action.startsWith("member.");
}

type PageKey = {
  id: string;
  name: string;
  start: string;
  orgWide: boolean;
  ownerId: string | null;
};

/** The org's existing keys among the rows' `keyId`s, in one query; deleted keys are absent. */
async function keysOf(
  db: Db,
  orgId: string,
  rows: { keyId: string | null }[],
): Promise<Map<string, PageKey>> {
  const keyIds = [...new Set(rows.flatMap((row) => (row.keyId ? [row.keyId] : [])))];
  if (keyIds.length === 0) return new Map();
  const keys = await db.apiKey.findMany({
    where: { orgId, id: { in: keyIds } },
    select: { id: true, name: true, start: true, orgWide: true, ownerId: true },
  });
  return new Map(keys.map((key) => [key.id, key]));
}

function dropEventsOfHiddenKeys<Row extends { keyId: string | null }>(
  { actor }: OrgContext,
  rows: Row[],
  keys: Map<string, PageKey>,
): Row[] {
  if (canSeeAllAudit(actor) || canManageOthersPersonalKeys(actor)) return rows;
  return rows.filter((row) => {
    const key = row.keyId ? keys.get(row.keyId) : undefined;
    return !key || canSeeKey(actor, key);
  });
}

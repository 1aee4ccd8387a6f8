import type { Db } from "@keyward/db";
import type { KeyAnswer, KeyDisabledReason, KeyLink } from "@keyward/shared";
import type { Deps } from "../deps.js";
import { canSeeKey, editKeyRefusal } from "../policy.js";
import type { Authority } from "./authority.js";
import { readRestrictions } from "./key-restrictions.js";

/** What presenting keys reads: their rolled-key links, and this instance's unwritten key uses. */
export type KeyPresenterDeps = { db: Pick<Db, "apiKey"> } & Pick<Deps, "pendingKeyUse">;

/** Loads a key's owner and creator with the key itself, in one query. */
export const keyInclude = {
  owner: { select: { id: true, name: true, email: true } },
  createdBy: { select: { id: true, name: true } },
} as const;

/** An `ApiKey` row loaded with `keyInclude`. */
export interface KeyRow {
  id: string;
  orgId: string;
  name: string;
  orgWide: boolean;
  ownerId: string | null;
  canRead: boolean;
  canWrite: boolean;
  enabled: boolean;
  disabledReason: string | null;
  hash: string;
  start: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  rolledFromId: string | null;
  /** JSON, read by `readRestrictions`. */
  restrictions: string | null;
  createdAt: Date;
  updatedAt: Date;
  owner: { id: string; name: string; email: string } | null;
  createdBy: { id: string; name: string };
}

const presentDisabledReason = (reason: string | null): KeyDisabledReason | null =>
  reason === "owner_removed" ? reason : null;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

interface RollLinks {
  rolledFrom: KeyLink | null;
  replacedBy: KeyLink | null;
}

interface LinkedKey {
  id: string;
  start: string;
  orgWide: boolean;
  ownerId: string | null;
  rolledFromId: string | null;
}

/**
 * The keys that `rows` replaced and that replaced them, in one query; a linked key the caller
 * may not see is left out (it does not exist for them), as is a deleted one.
 */
async function rollLinks(
  db: Pick<Db, "apiKey">,
  rows: KeyRow[],
  { actor, org }: Authority,
): Promise<Map<string, RollLinks>> {
  const links = new Map<string, RollLinks>(
    rows.map((row) => [row.id, { rolledFrom: null, replacedBy: null }]),
  );
  const predecessorIds = rows.flatMap((row) => (row.rolledFromId ? [row.rolledFromId] : []));
  if (rows.length === 0) return links;
  const linked: LinkedKey[] = await db.apiKey.findMany({
    where: {
      orgId: org.id,
      OR: [{ id: { in: predecessorIds } }, { rolledFromId: { in: rows.map((row) => row.id) } }],
    },
    select: { id: true, start: true, orgWide: true, ownerId: true, rolledFromId: true },
  });
  const byId = new Map(linked.map((key) => [key.id, key]));
  for (const row of rows) {
    const entry = links.get(row.id);
    if (!entry) continue;
    const from = row.rolledFromId ? byId.get(row.rolledFromId) : undefined;
    if (from && canSeeKey(actor, from)) entry.rolledFrom = { id: from.id, start: from.start };
  }
  for (const successor of linked) {
    const entry = successor.rolledFromId ? links.get(successor.rolledFromId) : undefined;
    if (entry && canSeeKey(actor, successor)) {
      entry.replacedBy = { id: successor.id, start: successor.start };
    }
  }
  return links;
}

function latest(stored: Date | null, pending: number | undefined): Date | null {
  if (pending === undefined) return stored;
  return stored && stored.getTime() >= pending ? stored : new Date(pending);
}

function rowToKeyAnswer(
  row: KeyRow,
  { actor, org }: Authority,
  links: RollLinks,
  pendingUse: number | undefined,
): KeyAnswer {
  const cannotEditReason = editKeyRefusal(actor, org, row);
  return {
    id: row.id,
    name: row.name,
    orgWide: row.orgWide,
    permissions: { read: row.canRead, write: row.canWrite },
    enabled: row.enabled,
    disabledReason: row.enabled ? null : presentDisabledReason(row.disabledReason),
    start: row.start,
    owner: row.orgWide || !row.owner ? null : row.owner,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastUsedAt: iso(latest(row.lastUsedAt, pendingUse)),
    expiresAt: iso(row.expiresAt),
    canEdit: cannotEditReason === null,
    cannotEditReason,
    rolledFrom: links.rolledFrom,
    replacedBy: links.replacedBy,
    restrictions: readRestrictions(row.restrictions),
  };
}

/** The contract's `Key` for each row: never the hash; `canEdit` and its reason for the caller. */
export async function toKeyAnswers(
  { db, pendingKeyUse }: KeyPresenterDeps,
  rows: KeyRow[],
  authority: Authority,
): Promise<KeyAnswer[]> {
  const links = await rollLinks(db, rows, authority);
  return rows.map((row) =>
    rowToKeyAnswer(
      row,
      authority,
      links.get(row.id) ?? { rolledFrom: null, replacedBy: null },
      pendingKeyUse?.lastUsedAt(row.id),
    ),
  );
}

export async function toKeyAnswer(
  deps: KeyPresenterDeps,
  row: KeyRow,
  authority: Authority,
): Promise<KeyAnswer> {
  const [answer] = await toKeyAnswers(deps, [row], authority);
  if (!answer) throw new Error("toKeyAnswers answered nothing");
  return answer;
}

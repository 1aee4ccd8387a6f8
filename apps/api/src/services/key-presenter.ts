import type { KeyAnswer, KeyDisabledReason } from "@keyward/shared";
import type { OrgContext } from "../http/org-member.js";
import { canEditKey } from "../policy.js";

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
  createdAt: Date;
  updatedAt: Date;
  owner: { id: string; name: string; email: string } | null;
  createdBy: { id: string; name: string };
}

const presentDisabledReason = (reason: string | null): KeyDisabledReason | null =>
  reason === "owner_removed" ? reason : null;

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

/** The contract's `Key`: never the hash, and `canEdit` for the caller. */
export function presentKey(row: KeyRow, { actor, org, pendingKeyUse }: OrgContext): KeyAnswer {
  const pendingUse = pendingKeyUse?.lastUsedAt(row.id);
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
    canEdit: canEditKey(actor, org, row),
  };
}

function latest(stored: Date | null, pending: number | undefined): Date | null {
  if (pending === undefined) return stored;
  return stored && stored.getTime() >= pending ? stored : new Date(pending);
}

import type { Db, Prisma } from "@keyward/db";
import type {
  createKeyBodySchema,
  KeyAnswer,
  KeyWithSecretAnswer,
  listKeysQuerySchema,
  Page,
  rollKeyBodySchema,
  updateKeyBodySchema,
} from "@keyward/shared";
import { keyStart, lifetimeEnd, lifetimeViolation } from "@keyward/shared";
import { generateKeySecret, hashKeySecret, newId } from "@keyward/shared/node";
import type { z } from "zod";
import type { Deps } from "../deps.js";
import { ApiError } from "../http/api-error.js";
import type { OrgContext } from "../http/org-member.js";
import {
  canSeeKey,
  changeKeyTypeRefusal,
  createKeyRefusal,
  editKeyRefusal,
  KEY_REFUSAL_MESSAGES,
  visibleKeysWhere,
} from "../policy.js";
import { type Changes, diffFields, recordAudit } from "./audit-writer.js";
import { type Authority, type OrgSettings, type Tx, withAuthority } from "./authority.js";
import {
  type KeyPresenterDeps,
  type KeyRow,
  keyInclude,
  toKeyAnswer,
  toKeyAnswers,
} from "./key-presenter.js";
import { nextRestrictions, readRestrictions, storeRestrictions } from "./key-restrictions.js";
import { type CursorPosition, decodeCursor, toPage } from "./page-cursor.js";

export type ListKeysInput = z.output<typeof listKeysQuerySchema>;
export type CreateKeyInput = z.output<typeof createKeyBodySchema>;
export type UpdateKeyInput = z.output<typeof updateKeyBodySchema>;
export type RollKeyInput = z.output<typeof rollKeyBodySchema>;

type KeyDeps = Pick<Deps, "db" | "dialect" | "keyChanges">;
type KeyReader = Pick<Db, "apiKey">;

const CURSOR_TIME = "createdAt";

/** The contract's key fields, as audit `changes` record them (never the secret or its hash). */
function auditFields(key: KeyRow) {
  return {
    name: key.name,
    orgWide: key.orgWide,
    ownerId: key.ownerId,
    permissions: { read: key.canRead, write: key.canWrite },
    enabled: key.enabled,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    restrictions: key.restrictions === null ? null : readRestrictions(key.restrictions),
  };
}

/** `{field: [null, value]}` on creation, `{field: [value, null]}` on deletion; null fields left out. */
function snapshot(key: KeyRow, direction: "created" | "deleted"): Changes {
  const changes: Changes = {};
  for (const [field, value] of Object.entries(auditFields(key))) {
    if (value === null) continue;
    changes[field] = direction === "created" ? [null, value] : [value, null];
  }
  return changes;
}

/** An org limit on key lifetime makes `expiresAt` required and bounded. */
function checkLifetime(org: OrgSettings, expiresAt: Date | null | undefined): void {
  const days = org.maxKeyLifetimeDays;
  switch (lifetimeViolation(expiresAt?.getTime() ?? null, days, Date.now())) {
    case "required":
      throw ApiError.invalid("expiresAt", `is required: this org limits keys to ${days} days`);
    case "too_late":
      throw ApiError.invalid(
        "expiresAt",
        `must be within ${days} days: this org limits key lifetime`,
      );
  }
}

/**
 * The latest expiry an org's lifetime limit allows for a key made at `now`; null without a limit.
 * A roll gives its new key the earlier of the old key's expiry and this: a key made before the
 * limit (with no expiry, or a later one) is rotated into one that obeys it, not refused.
 */
function lifetimeEndOf(org: OrgSettings, now: Date): Date | null {
  const end = lifetimeEnd(org.maxKeyLifetimeDays, now.getTime());
  return end === null ? null : new Date(end);
}

/**
 * Key events carry the key's owner in `subjectUserId` (null while org-wide), which decides who
 * may read them (audit-reader.ts). Kept current when a key changes type, and fixed at deletion.
 */
async function setAuditOwner(
  tx: Pick<Db, "auditEvent">,
  orgId: string,
  keyId: string,
  ownerId: string | null,
): Promise<void> {
  await tx.auditEvent.updateMany({
    where: { orgId, keyId, action: { startsWith: "key." } },
    data: { subjectUserId: ownerId },
  });
}

/** Prisma's "record not found" (a concurrent delete) as this API's 404. */
function isRecordNotFound(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "P2025";
}

/** The key, if the caller may see it; an invisible key does not exist for them (404, never 403). */
async function loadVisibleKey(
  db: KeyReader,
  { actor, org }: Authority,
  keyId: string,
): Promise<KeyRow> {
  const key = await db.apiKey.findFirst({
    where: { id: keyId, orgId: org.id },
    include: keyInclude,
  });
  if (!key || !canSeeKey(actor, key)) throw ApiError.notFound("key");
  return key;
}

/**
 * A change to one key, in a transaction under the caller's authority as it is now: the key is
 * locked, then loaded if the caller may change it, and handed to `change`.
 */
function changeKey<T>(
  deps: Pick<Deps, "db" | "dialect">,
  ctx: OrgContext,
  keyId: string,
  change: (tx: Tx, authority: Authority, key: KeyRow) => Promise<T>,
): Promise<T> {
  return withAuthority(deps, ctx.caller, "share", async (tx, authority) => {
    await deps.dialect.lockKey(tx, keyId);
    const key = await loadVisibleKey(tx, authority, keyId);
    const refusal = editKeyRefusal(authority.actor, authority.org, key);
    if (refusal) throw ApiError.forbidden(KEY_REFUSAL_MESSAGES[refusal], { reason: refusal });
    return change(tx, authority, key);
  });
}

function afterPosition(position: CursorPosition | null): Prisma.ApiKeyWhereInput {
  if (!position) return {};
  return {
    OR: [
      { createdAt: { lt: position.time } },
      { createdAt: position.time, id: { lt: position.id } },
    ],
  };
}

/** Rows checked one by one are fetched in batches of at least this many. */
const SEARCH_BATCH = 200;

export async function listKeys(
  deps: Pick<Deps, "db" | "dialect" | "pendingKeyUse">,
  ctx: OrgContext,
  query: ListKeysInput,
): Promise<Page<KeyAnswer>> {
  const { db, dialect } = deps;
  const { actor, org } = ctx;
  const search = query.q ? dialect.containsText(query.q) : null;
  const where: Prisma.ApiKeyWhereInput = {
    orgId: org.id,
    ...(query.includeDisabled ? {} : { enabled: true }),
    ...(query.type ? { orgWide: query.type === "org" } : {}),
    ...(search ? { name: search.filter } : {}),
  };
  const visible = visibleKeysWhere(actor);
  const matches = search?.matches;
  const batch = matches ? Math.max(query.limit + 1, SEARCH_BATCH) : query.limit + 1;

  const rows: KeyRow[] = [];
  let position = query.cursor ? decodeCursor(CURSOR_TIME, query.cursor) : null;
  for (;;) {
    const fetched = await db.apiKey.findMany({
      where: { ...where, AND: [visible, afterPosition(position)] },
      include: keyInclude,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: batch,
    });
    rows.push(...(matches ? fetched.filter((row) => matches(row.name)) : fetched));
    const last = fetched.at(-1);
    if (rows.length > query.limit || fetched.length < batch || !last) break;
    position = { time: last.createdAt, id: last.id };
  }
  const page = toPage(
    rows,
    query.limit,
    CURSOR_TIME,
    (row) => row.createdAt,
    (row) => row,
  );
  return { items: await toKeyAnswers(deps, page.items, ctx), nextCursor: page.nextCursor };
}

export async function getKey(
  deps: KeyPresenterDeps,
  ctx: OrgContext,
  keyId: string,
): Promise<KeyAnswer> {
  return toKeyAnswer(deps, await loadVisibleKey(deps.db, ctx, keyId), ctx);
}

export async function createKey(
  deps: KeyDeps,
  ctx: OrgContext,
  input: CreateKeyInput,
): Promise<KeyWithSecretAnswer> {
  const secret = generateKeySecret();
  const { key, authority } = await withAuthority(
    deps,
    ctx.caller,
    "share",
    async (tx, authority) => {
      const { actor, org } = authority;
      const refusal = createKeyRefusal(actor, org, input.orgWide);
      if (refusal) throw ApiError.forbidden(KEY_REFUSAL_MESSAGES[refusal], { reason: refusal });
      checkLifetime(org, input.expiresAt);
      const restrictions = nextRestrictions(
        readRestrictions(null),
        input.restrictions,
        { canWrite: input.permissions.write },
        org.rateLimitPerSecond,
      );
      const ownerId = input.orgWide ? null : actor.userId;
      const created = await tx.apiKey.create({
        data: {
          id: newId("key"),
          orgId: org.id,
          name: input.name,
          orgWide: input.orgWide,
          ownerId,
          createdById: actor.userId,
          canRead: input.permissions.read,
          canWrite: input.permissions.write,
          enabled: input.enabled ?? true,
          hash: hashKeySecret(secret),
          start: keyStart(secret),
          expiresAt: input.expiresAt ?? null,
          restrictions: storeRestrictions(restrictions),
        },
        include: keyInclude,
      });
      await recordAudit(tx, {
        orgId: org.id,
        actorId: actor.userId,
        action: "key.created",
        keyId: created.id,
        subjectUserId: ownerId,
        changes: snapshot(created, "created"),
        at: created.createdAt,
      });
      return { key: created, authority };
    },
  );
  // Every committed change is announced, creation too: no instance keeps this hash as unknown.
  await deps.keyChanges.publish({ keyId: key.id, hash: key.hash });
  return { key: await toKeyAnswer(deps, key, authority), secret };
}

export async function updateKey(
  deps: KeyDeps,
  ctx: OrgContext,
  keyId: string,
  input: UpdateKeyInput,
): Promise<KeyAnswer> {
  const { key, changed, authority } = await changeKey(
    deps,
    ctx,
    keyId,
    async (tx, authority, before) => {
      const { actor, org } = authority;
      const typeChange = input.orgWide !== undefined && input.orgWide !== before.orgWide;
      const typeRefusal = typeChange ? changeKeyTypeRefusal(actor, org, before) : null;
      if (typeRefusal) {
        throw ApiError.forbidden(
          "turning a key personal or org-wide needs the right to edit it and to edit org-wide keys",
          { reason: typeRefusal },
        );
      }
      if (input.expiresAt !== undefined) checkLifetime(org, input.expiresAt);
      const ownerId = typeChange ? (input.orgWide ? null : actor.userId) : before.ownerId;
      const restrictions = storeRestrictions(
        nextRestrictions(
          readRestrictions(before.restrictions),
          input.restrictions,
          { canWrite: input.permissions?.write ?? before.canWrite },
          org.rateLimitPerSecond,
        ),
      );
      const { enabled: enabledBefore, ...fieldsBefore } = auditFields(before);
      const changes = diffFields(fieldsBefore, {
        name: input.name,
        orgWide: input.orgWide,
        ownerId: typeChange ? ownerId : undefined,
        permissions: input.permissions,
        expiresAt:
          input.expiresAt === undefined ? undefined : (input.expiresAt?.toISOString() ?? null),
        restrictions: restrictions === null ? null : readRestrictions(restrictions),
      });
      const flipsEnabled = input.enabled !== undefined && input.enabled !== enabledBefore;
      if (!flipsEnabled && Object.keys(changes).length === 0) {
        return { key: before, changed: false, authority };
      }

      let after: KeyRow;
      try {
        after = await tx.apiKey.update({
          where: { id: before.id },
          data: {
            name: input.name,
            orgWide: input.orgWide,
            ownerId,
            canRead: input.permissions?.read,
            canWrite: input.permissions?.write,
            enabled: input.enabled,
            // A person flipping `enabled` replaces any system reason (e.g. owner_removed).
            ...(flipsEnabled ? { disabledReason: null } : {}),
            expiresAt: input.expiresAt,
            restrictions,
          },
          include: keyInclude,
        });
      } catch (err) {
        if (isRecordNotFound(err)) throw ApiError.notFound("key");
        throw err;
      }
      const event = {
        orgId: org.id,
        actorId: actor.userId,
        keyId: before.id,
        subjectUserId: ownerId,
      };
      if (Object.keys(changes).length > 0) {
        await recordAudit(tx, { ...event, action: "key.updated", changes, at: after.updatedAt });
      }
      if (flipsEnabled) {
        await recordAudit(tx, {
          ...event,
          action: after.enabled ? "key.enabled" : "key.disabled",
          changes: { enabled: [enabledBefore, after.enabled] },
          at: after.updatedAt,
        });
      }
      if (typeChange) await setAuditOwner(tx, org.id, before.id, ownerId);
      return { key: after, changed: true, authority };
    },
  );
  if (changed) await deps.keyChanges.publish({ keyId: key.id, hash: key.hash });
  return toKeyAnswer(deps, key, authority);
}

export async function deleteKey(deps: KeyDeps, ctx: OrgContext, keyId: string): Promise<void> {
  const key = await changeKey(deps, ctx, keyId, async (tx, { actor, org }, existing) => {
    const { count } = await tx.apiKey.deleteMany({ where: { id: existing.id, orgId: org.id } });
    if (count === 0) throw ApiError.notFound("key");
    await recordAudit(tx, {
      orgId: org.id,
      actorId: actor.userId,
      action: "key.deleted",
      keyId: existing.id,
      subjectUserId: existing.ownerId,
      changes: snapshot(existing, "deleted"),
    });
    await setAuditOwner(tx, org.id, existing.id, existing.ownerId);
    return existing;
  });
  await deps.keyChanges.publish({ keyId: key.id, hash: key.hash });
}

export async function rollKey(
  deps: KeyDeps,
  ctx: OrgContext,
  keyId: string,
  input: RollKeyInput,
): Promise<KeyWithSecretAnswer> {
  const secret = generateKeySecret();
  const { oldKey, newKey, authority } = await changeKey(
    deps,
    ctx,
    keyId,
    async (tx, authority, old) => {
      const { actor, org } = authority;
      const now = new Date();
      const graceEnd = new Date(now.getTime() + input.graceSeconds * 1000);
      const oldExpiresAt = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
      const limit = lifetimeEndOf(org, now);
      const newExpiresAt =
        limit && (!old.expiresAt || old.expiresAt > limit) ? limit : old.expiresAt;
      let updatedOld: KeyRow;
      try {
        updatedOld = await tx.apiKey.update({
          where: { id: old.id },
          data: { expiresAt: oldExpiresAt },
          include: keyInclude,
        });
      } catch (err) {
        if (isRecordNotFound(err)) throw ApiError.notFound("key");
        throw err;
      }
      const created = await tx.apiKey.create({
        data: {
          id: newId("key"),
          orgId: org.id,
          name: old.name,
          orgWide: old.orgWide,
          ownerId: old.ownerId,
          createdById: actor.userId,
          canRead: old.canRead,
          canWrite: old.canWrite,
          enabled: old.enabled,
          disabledReason: old.disabledReason,
          hash: hashKeySecret(secret),
          start: keyStart(secret),
          expiresAt: newExpiresAt,
          restrictions: old.restrictions,
          rolledFromId: old.id,
          createdAt: now,
        },
        include: keyInclude,
      });
      const event = { orgId: org.id, actorId: actor.userId, subjectUserId: old.ownerId, at: now };
      await recordAudit(tx, {
        ...event,
        action: "key.rolled",
        keyId: old.id,
        changes: diffFields(
          { expiresAt: old.expiresAt?.toISOString() ?? null },
          { expiresAt: oldExpiresAt.toISOString() },
        ),
      });
      await recordAudit(tx, {
        ...event,
        action: "key.created",
        keyId: created.id,
        changes: snapshot(created, "created"),
      });
      return { oldKey: updatedOld, newKey: created, authority };
    },
  );
  await deps.keyChanges.publish({ keyId: oldKey.id, hash: oldKey.hash });
  return { key: await toKeyAnswer(deps, newKey, authority), secret };
}

import { createHash } from "node:crypto";
import type { Db } from "@keyward/db";
import { newId, newToken } from "@keyward/shared/node";

export const SESSION_IDLE_MS = 14 * 24 * 60 * 60 * 1000;
/** Sliding expiry is written at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
}

export interface ResolvedSession {
  sessionId: string;
  user: SessionUser;
  /** The idle expiry moved forward: the cookie's lifetime should follow. */
  extended: boolean;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function createSession(db: Db, userId: string): Promise<string> {
  const token = newToken();
  const now = new Date();
  await db.session.create({
    data: {
      id: newId("ses"),
      tokenHash: hashToken(token),
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
    },
  });
  return token;
}

export async function resolveSession(db: Db, token: string): Promise<ResolvedSession | null> {
  const session = await db.session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true } } },
  });
  if (!session) return null;
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  const extended = now - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS;
  if (extended) {
    await db.session.updateMany({
      where: { id: session.id },
      data: { lastSeenAt: new Date(now), expiresAt: new Date(now + SESSION_IDLE_MS) },
    });
  }
  return { sessionId: session.id, user: session.user, extended };
}

export async function destroySession(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashToken(token) } });
}

import type { Db, Dialect } from "@keyward/db";
import type { OrgMembershipSummary, SessionAnswer } from "@keyward/shared";
import { newId } from "@keyward/shared/node";
import bcrypt from "bcrypt";
import pLimit from "p-limit";
import { ApiError } from "../http/api-error.js";
import { capabilities, effectiveGrants } from "../policy.js";
import { toActor, toOrgSettings } from "./authority.js";
import { beginLoginAttempt } from "./login-throttle.js";

export const BCRYPT_COST = 12;

/**
 * bcrypt runs on libuv's thread pool, which file and DNS work share: at most all but one of its
 * threads hash at once, whoever asks; the rest wait their turn here. Process-wide, like the pool.
 */
const hashingSlots = pLimit(3);

/** Sizes the hashing budget to the thread pool (`UV_THREADPOOL_SIZE`, 4 by default). */
export function sizeHashingBudget(threadPoolSize: number): void {
  hashingSlots.concurrency = Math.max(1, threadPoolSize - 1);
}

/** bcrypt operations running and waiting for a slot now. */
export function hashingLoad(): { running: number; waiting: number } {
  return { running: hashingSlots.activeCount, waiting: hashingSlots.pendingCount };
}

export async function hashPassword(password: string): Promise<string> {
  return hashingSlots(() => bcrypt.hash(password, BCRYPT_COST));
}

/** A valid hash of a random password: compared against when the email is unknown, so both paths cost the same. */
const DUMMY_HASH = bcrypt.hashSync(newId("usr"), BCRYPT_COST);

export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const matches = await hashingSlots(() => bcrypt.compare(password, hash ?? DUMMY_HASH));
  return matches && hash !== undefined;
}

export function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === "P2002";
}

export async function toSessionAnswer(db: Db, userId: string): Promise<SessionAnswer> {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    include: { memberships: { include: { org: true }, orderBy: { createdAt: "asc" } } },
  });
  const orgs: OrgMembershipSummary[] = user.memberships.map((m) => {
    const actor = toActor(m);
    const org = toOrgSettings(m.org);
    return {
      id: org.id,
      name: org.name,
      role: actor.role,
      ...effectiveGrants(actor),
      orgKeyPolicy: org.orgKeyPolicy,
      capabilities: capabilities(actor, org),
    };
  });
  return { user: { id: user.id, email: user.email, name: user.name }, orgs };
}

export async function signup(
  db: Db,
  input: { email: string; password: string; name: string; orgName: string },
): Promise<string> {
  const passwordHash = await hashPassword(input.password);
  const userId = newId("usr");
  const orgId = newId("org");
  try {
    await db.$transaction([
      db.user.create({ data: { id: userId, email: input.email, name: input.name, passwordHash } }),
      db.org.create({ data: { id: orgId, name: input.orgName } }),
      db.membership.create({ data: { orgId, userId, role: "admin" } }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err))
      throw ApiError.conflict("an account with this email already exists");
    throw err;
  }
  return userId;
}

const WRONG_CREDENTIALS = "wrong email or password";

/**
 * Checks the password and answers the user's id. An unknown email and a wrong password take
 * the same path (a bcrypt compare, a failure recorded) and the same 401 message.
 */
export async function login(
  db: Db,
  dialect: Dialect,
  input: { email: string; password: string },
): Promise<string> {
  const attempt = await beginLoginAttempt(db, dialect, input.email);
  const user = await db.user.findUnique({ where: { email: input.email } });
  const matches = await verifyPassword(input.password, user?.passwordHash);
  if (!matches || !user) throw ApiError.unauthenticated(WRONG_CREDENTIALS);
  await attempt.succeeded();
  return user.id;
}

import type { Db } from "@keyward/db";
import { newId } from "@keyward/shared/node";
import { ApiError } from "../http/api-error.js";

export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** One login attempt, counted in the shared `LoginFailure` table so the limit holds across instances. */
export interface LoginAttempt {
  /** The attempt succeeded: it is not a failure after all. */
  succeeded(): Promise<void>;
}

const SWEEP_INTERVAL_MS = 60 * 1000;
let lastSweep = 0;

/** Rows past the window no longer count; drop them now and then, whichever email they were for. */
async function sweepExpiredFailures(db: Db, windowStart: Date): Promise<void> {
  if (Date.now() - lastSweep < SWEEP_INTERVAL_MS) return;
  lastSweep = Date.now();
  await db.loginFailure.deleteMany({ where: { at: { lte: windowStart } } });
}

/**
 * Reserves a failure row before the password is checked, so parallel guesses each see the
 * ones started before them: at most about `LOGIN_FAILURE_LIMIT` reach bcrypt per window.
 * Throws 429 `rate_limited` with `Retry-After` when the email has used up its attempts.
 */
export async function beginLoginAttempt(db: Db, email: string): Promise<LoginAttempt> {
  const now = new Date();
  const windowStart = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  const id = newId("lf");
  await db.loginFailure.create({ data: { id, email, at: now } });

  const earlier = await db.loginFailure.findMany({
    where: { email, at: { gt: windowStart }, id: { lt: id } },
    orderBy: { at: "desc" },
    take: LOGIN_FAILURE_LIMIT,
    select: { at: true },
  });
  if (earlier.length >= LOGIN_FAILURE_LIMIT) {
    // A refused attempt is not a failure: it must not push the lockout further out.
    await db.loginFailure.deleteMany({ where: { id } });
    const oldestCounted = earlier[earlier.length - 1]?.at ?? now;
    const retryMs = oldestCounted.getTime() + LOGIN_FAILURE_WINDOW_MS - now.getTime();
    const retryAfter = Math.max(1, Math.ceil(retryMs / 1000));
    throw new ApiError(
      "rate_limited",
      "too many failed sign-in attempts; try again later",
      undefined,
      {
        "Retry-After": String(retryAfter),
      },
    );
  }

  await sweepExpiredFailures(db, windowStart);
  return {
    async succeeded() {
      await db.loginFailure.deleteMany({ where: { id } });
    },
  };
}

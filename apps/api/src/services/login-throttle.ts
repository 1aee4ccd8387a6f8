import type { Db, Dialect } from "@keyward/db";
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
 * Reserves a failure row before the password is checked: at most `LOGIN_FAILURE_LIMIT`
 * attempts per email reach bcrypt per window, however many arrive at once.
 * Throws 429 `rate_limited` with `Retry-After` when the email has used up its attempts.
 */
export async function beginLoginAttempt(
  db: Db,
  dialect: Dialect,
  email: string,
): Promise<LoginAttempt> {
  const now = new Date();
  const windowStart = new Date(now.getTime() - LOGIN_FAILURE_WINDOW_MS);
  const id = newId("lf");
  // Count and reserve as one step per email, so a burst of parallel guesses is counted one by one.
  const earlier = await db.$transaction(async (tx) => {
    await dialect.lockName(tx, email);
    const counted = await tx.loginFailure.findMany({
      where: { email, at: { gt: windowStart } },
      orderBy: { at: "desc" },
      take: LOGIN_FAILURE_LIMIT,
      select: { at: true },
    });
    if (counted.length < LOGIN_FAILURE_LIMIT) {
      await tx.loginFailure.create({ data: { id, email, at: now } });
    }
    return counted;
  });
  if (earlier.length >= LOGIN_FAILURE_LIMIT) {
    // A refused attempt is not a failure: it must not push the lockout further out.
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

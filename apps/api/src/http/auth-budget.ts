import type { Request } from "express";
import ipaddr from "ipaddr.js";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ApiError } from "./api-error.js";

export const LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;
export const SIGNUP_WINDOW_SECONDS = 60 * 60;
/** Password checks one client address may have running at once; more are refused, not queued. */
export const HASHES_IN_FLIGHT_PER_ADDRESS = 2;

/**
 * The client address limits are counted by: `req.ip` (which honours `TRUST_PROXY`), an IPv6
 * address by its /64, since one host is usually given a whole /64 to pick addresses from.
 */
export function clientAddress(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? "";
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === "ipv4") return address.toString();
  return `${address.toNormalizedString().split(":").slice(0, 4).join(":")}::/64`;
}

function rateLimited(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError("rate_limited", message, undefined, {
    "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
}

export interface AuthBudgetOptions {
  /** Failed logins per address per 15 minutes. */
  loginFailuresPerAddress: number;
  /** Signups per address per hour. */
  signupsPerAddress: number;
}

/**
 * What one client address may spend on password hashing (bcrypt, ~0.25 s of a pool thread each):
 * a number of failed logins and of signups per window, and a few checks at a time, so a flood
 * from one address is refused (429 with `Retry-After`) instead of queueing in front of everyone.
 * Counted in memory, per instance.
 */
export class AuthBudget {
  private readonly loginFailures: RateLimiterMemory;
  private readonly signups: RateLimiterMemory;
  private readonly inFlight = new Map<string, number>();

  constructor(options: AuthBudgetOptions) {
    this.loginFailures = new RateLimiterMemory({
      points: options.loginFailuresPerAddress,
      duration: LOGIN_FAILURE_WINDOW_SECONDS,
    });
    this.signups = new RateLimiterMemory({
      points: options.signupsPerAddress,
      duration: SIGNUP_WINDOW_SECONDS,
    });
  }

  /** Runs a login attempt; a wrong email or password counts against the address. */
  async login<T>(address: string, attempt: () => Promise<T>): Promise<T> {
    return this.oneAtATime(address, async () => {
      // Reserved before the check, so parallel guesses cannot overshoot the limit.
      await this.take(
        this.loginFailures,
        address,
        "too many failed sign-in attempts from this address; try again later",
      );
      let failed = false;
      try {
        return await attempt();
      } catch (err) {
        failed = err instanceof ApiError && err.code === "unauthenticated";
        throw err;
      } finally {
        if (!failed) await this.loginFailures.reward(address);
      }
    });
  }

  /** Runs a signup; every one that gets to hashing counts against the address. */
  async signup<T>(address: string, attempt: () => Promise<T>): Promise<T> {
    return this.oneAtATime(address, async () => {
      await this.take(this.signups, address, "too many signups from this address; try again later");
      return attempt();
    });
  }

  private async oneAtATime<T>(address: string, work: () => Promise<T>): Promise<T> {
    const held = this.inFlight.get(address) ?? 0;
    if (held >= HASHES_IN_FLIGHT_PER_ADDRESS) {
      throw rateLimited("too many sign-in attempts at once from this address", 1);
    }
    this.inFlight.set(address, held + 1);
    try {
      return await work();
    } finally {
      const left = (this.inFlight.get(address) ?? 1) - 1;
      if (left > 0) this.inFlight.set(address, left);
      else this.inFlight.delete(address);
    }
  }

  private async take(limiter: RateLimiterMemory, address: string, message: string): Promise<void> {
    try {
      await limiter.consume(address);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw rateLimited(message, rejection.msBeforeNext / 1000);
    }
  }
}

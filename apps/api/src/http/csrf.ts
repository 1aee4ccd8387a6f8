import { CSRF_HEADER, CSRF_HEADER_VALUE } from "@keyward/shared";
import type { RequestHandler } from "express";
import { ApiError } from "./api-error.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** State-changing session-API calls must carry `X-Requested-With: keyward`, which no cross-site form can set. */
export const requireCsrfHeader: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  if (req.get(CSRF_HEADER) !== CSRF_HEADER_VALUE) {
    throw ApiError.forbidden(
      `state-changing calls need the header X-Requested-With: ${CSRF_HEADER_VALUE}`,
    );
  }
  next();
};

/**
 * Defence in depth behind the header: a state-changing call whose browser says it comes from
 * another origin (`Origin`, or `Sec-Fetch-Site: cross-site`) is refused, even with the header.
 * The own origin is `PUBLIC_URL` when set, else the request's own host (as the dev proxy keeps it).
 */
export function requireSameOrigin(publicUrl: string | undefined): RequestHandler {
  const publicOrigin = publicUrl ? new URL(publicUrl).origin : undefined;
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const refuse = () =>
      ApiError.forbidden("state-changing calls must come from the app's own origin");
    if (req.get("sec-fetch-site") === "cross-site") throw refuse();
    const origin = req.get("origin");
    if (origin === undefined) return next();
    if (origin === publicOrigin) return next();
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      throw refuse();
    }
    if (host !== req.get("host")) throw refuse();
    next();
  };
}

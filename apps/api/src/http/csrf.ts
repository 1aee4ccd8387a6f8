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

import { API_KEY_HEADER } from "@keyward/shared";
import type { RequestHandler } from "express";

/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;
const ALLOWED_HEADERS = [API_KEY_HEADER, "content-type", "authorization"].join(", ");

/**
 * Answers a CORS preflight for a `/v1` route, for any origin: a preflight carries no key, so
 * whether the origin may call is decided on the actual request, by the key's allowed origins
 * (`verifyKey`), which alone grants `Access-Control-Allow-Origin` on the answer a page reads.
 */
export function preflight(methods: readonly string[]): RequestHandler {
  const allowMethods = methods.join(", ");
  return (req, res) => {
    res.setHeader("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
    res.setHeader("Allow", `${allowMethods}, OPTIONS`);
    const origin = req.headers.origin;
    if (origin !== undefined && req.headers["access-control-request-method"] !== undefined) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Access-Control-Allow-Methods", allowMethods);
      res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
      res.setHeader("Access-Control-Max-Age", String(PREFLIGHT_MAX_AGE_SECONDS));
    }
    res.status(204).end();
  };
}

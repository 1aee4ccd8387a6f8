import { randomBytes } from "node:crypto";
import type { Application, Request, RequestHandler } from "express";
import type { Logger } from "../logger.js";

declare global {
  namespace Express {
    interface Request {
      /** `req_…`, also sent as `x-request-id` and in error bodies. */
      requestId?: string;
    }
  }
}

interface LayerLike {
  rawPath?: unknown;
  route?: object & { path: unknown };
  handle?: { stack?: LayerLike[] };
}

const patternsByApp = new WeakMap<Application, WeakMap<object, string>>();

/**
 * Each route's full pattern (`/api/orgs/:orgId/keys/:keyId`), from one walk of the app's
 * Express 5 router stack: `req.baseUrl` holds the matched values, not the mount patterns, and
 * is reset once an error leaves a router.
 */
function routePatterns(app: Application): WeakMap<object, string> {
  let patterns = patternsByApp.get(app);
  if (patterns) return patterns;
  const found = new WeakMap<object, string>();
  const join = (prefix: string, part: unknown) => {
    const text = String(part ?? "");
    return `${prefix}${text === "/" ? "" : text}`;
  };
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) found.set(layer.route, join(prefix, layer.route.path) || "/");
      else if (layer.handle?.stack) walk(layer.handle.stack, join(prefix, layer.rawPath));
    }
  };
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, "");
  patterns = found;
  patternsByApp.set(app, patterns);
  return patterns;
}

const INVITE_TOKEN = /(\/invites\/)[^/]+/gi;
// Key-shaped values however a client encoded them: `kw_…`, `kw%5F…`, `kw%255F…`.
const KEY_LIKE = /kw(?:_|%(?:25)*5f)[^/]*/gi;
// Any other long random-looking segment may be a token pasted where it does not belong.
const TOKEN_LIKE = /(?<=\/)[\w%-]{24,}(?=\/|$)/g;

/** An unmatched path as it may be logged: no query; invite tokens, key- and token-shaped values masked. */
export function maskedPath(originalUrl: string): string {
  const end = originalUrl.search(/[?#]/);
  const path = end === -1 ? originalUrl : originalUrl.slice(0, end);
  return path
    .replace(INVITE_TOKEN, "$1:token")
    .replace(KEY_LIKE, "kw_:key")
    .replace(TOKEN_LIKE, ":token")
    .slice(0, 200);
}

/** The only fields a request's log line carries: an allow-list, so no header, query or body can leak. */
export interface RequestLogFields {
  requestId: string | undefined;
  method: string;
  route: string;
  status?: number;
  keyId?: string;
  userId?: string;
  orgId?: string;
  /** The client went away before the answer was sent. */
  aborted?: true;
}

export function requestLogFields(req: Request): RequestLogFields {
  return {
    requestId: req.requestId,
    method: req.method,
    route: (req.route && routePatterns(req.app).get(req.route)) ?? maskedPath(req.originalUrl),
    keyId: req.apiKey?.id,
    userId: req.user?.id,
    orgId: req.orgContext?.org.id ?? req.apiKey?.orgId,
  };
}

// Unique per process start and cheap per request: a random prefix and a counter.
const ID_PREFIX = `req_${randomBytes(6).toString("base64url")}`;
let sequence = 0;

/** One line per request once it is answered (`/healthz` is not logged), and an `x-request-id`. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
    const requestId = `${ID_PREFIX}${sequence.toString(36)}`;
    req.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    if (req.url === "/healthz") return next();
    const started = performance.now();
    res.once("close", () => {
      const fields = requestLogFields(req);
      fields.status = res.statusCode;
      if (!res.writableFinished) fields.aborted = true;
      logger.info(
        { ...fields, ms: Math.round((performance.now() - started) * 10) / 10 },
        "request",
      );
    });
    next();
  };
}

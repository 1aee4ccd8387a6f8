import { randomBytes } from "node:crypto";
import type { Application, Request, RequestHandler, Response } from "express";
import type { Logger } from "../logger.js";

declare global {
  namespace Express {
    interface Request {
      /** `req_…`, also sent as `x-request-id` and in error bodies. */
      requestId?: string;
      /** `performance.now()` when the request log saw it. */
      receivedAt?: number;
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
  /** This line stands for that many successful answers (sampled at `info`). */
  sampled?: number;
  ms?: number;
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

/** At `info`, one in this many 2xx/3xx answers to authenticated `/v1` requests is logged. */
export const V1_SUCCESS_SAMPLE = 100;

/** Sends the request's id as `x-request-id` (the hot paths send it with their answer instead). */
export const sendRequestId: RequestHandler = (req, res, next) => {
  if (req.requestId) res.setHeader("x-request-id", req.requestId);
  next();
};

/**
 * One line per request once it is answered (`/healthz` is not logged), from an allow-list of
 * fields; at `info`, successful `/v1` answers are sampled (1 in `V1_SUCCESS_SAMPLE`, marked
 * `sampled`), every refusal and error is logged; at `debug` and below, every request. No child
 * logger, one listener shared by every response. Gives each request a `requestId`; whoever answers
 * sends it (`sendRequestId`, the hot paths' `jsonAnswer`, the error handler).
 */
export function requestLog(logger: Logger): RequestHandler {
  let successes = 0;
  function logAnswer(this: Response): void {
    const req = this.req;
    const status = this.statusCode;
    let sampled: number | undefined;
    if (status < 400 && req.apiKey !== undefined && !logger.isLevelEnabled("debug")) {
      successes += 1;
      if (successes % V1_SUCCESS_SAMPLE !== 1) return;
      sampled = V1_SUCCESS_SAMPLE;
    }
    const fields = requestLogFields(req);
    fields.status = status;
    if (!this.writableFinished) fields.aborted = true;
    if (sampled !== undefined) fields.sampled = sampled;
    fields.ms = Math.round((performance.now() - (req.receivedAt ?? 0)) * 10) / 10;
    logger.info(fields, "request");
  }
  return (req, res, next) => {
    sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER;
    req.requestId = `${ID_PREFIX}${sequence.toString(36)}`;
    if (req.url === "/healthz") return next();
    req.receivedAt = performance.now();
    res.on("close", logAnswer);
    next();
  };
}

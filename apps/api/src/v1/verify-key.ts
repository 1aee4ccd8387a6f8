import {
  API_KEY_HEADER,
  type ErrorCode,
  isWellFormedKey,
  KEY_LENGTH,
  type KeyOutcome,
} from "@keyward/shared";
import type { NextFunction, Request, RequestHandler } from "express";
import { ApiError } from "../http/api-error.js";
import type { UnattributedReason } from "../key-usage/usage-counter.js";
import type { VerifiedKey } from "../key-verification/key-verifier.js";

declare global {
  namespace Express {
    interface Request {
      apiKey?: VerifiedKey;
      /** The SHA-256 of the request's key, to check the key again before a write. */
      apiKeyHash?: string;
    }
  }
}

export type Permission = "read" | "write";

const CHALLENGE = { "WWW-Authenticate": 'Bearer realm="keyward"' };
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The key from `x-api-token`, else from `Authorization: Bearer`; never from the URL. */
export function readKey(req: Request): string | undefined {
  const header = req.headers[API_KEY_HEADER];
  if (typeof header === "string" && header !== "") return header.trim();
  const authorization = req.headers.authorization;
  if (authorization) return BEARER.exec(authorization)?.[1];
  return undefined;
}

export interface KeyAuthentication {
  hashOf(secret: string): string;
  /** The key, null for a known unknown, undefined when the cache cannot say. */
  cached(hash: string): VerifiedKey | null | undefined;
  lookup(hash: string): Promise<VerifiedKey | null>;
  /** Counts the request against the key's rate limit; throws 429. */
  consume(key: VerifiedKey): void;
  markUsed(key: VerifiedKey): void;
}

const missingKey = () =>
  new ApiError(
    "missing_key",
    `send your API key in the ${API_KEY_HEADER} header or as Authorization: Bearer <key>`,
    undefined,
    CHALLENGE,
  );
const malformedKey = () =>
  new ApiError("invalid_key", "this is not a Keyward API key", undefined, CHALLENGE);

/** Where each request's outcome is counted (usage-counter.ts). */
export interface OutcomeCounter {
  count(key: VerifiedKey, outcome: KeyOutcome): void;
  countUnattributed(reason: UnattributedReason): void;
}

/**
 * The usage outcome of each refusal of an existing key; `rate_limited` is the org's rate or the
 * key's own (the limiter counts against the lower).
 */
const OUTCOME_OF: Partial<Record<ErrorCode, KeyOutcome>> = {
  disabled_key: "disabled",
  expired_key: "expired",
  insufficient_permission: "insufficient_permission",
  rate_limited: "rate_limited",
  origin_not_allowed: "origin_not_allowed",
  ip_not_allowed: "ip_not_allowed",
  event_not_allowed: "event_not_allowed",
};

/**
 * Every refusal of a `/v1` request's key passes here (401s, 403s, the key's 429, event names),
 * counted by outcome when `outcomes` is given. A re-check passes none: its request was counted
 * when it was admitted.
 */
function refuse(
  error: ApiError,
  outcomes?: OutcomeCounter,
  key?: VerifiedKey | null,
  unattributed?: UnattributedReason,
): never {
  if (outcomes) {
    const outcome = OUTCOME_OF[error.code];
    if (key && outcome) outcomes.count(key, outcome);
    else if (!key && unattributed) outcomes.countUnattributed(unattributed);
  }
  throw error;
}

/** The 401 that refuses this key, if any: unknown, disabled or expired. */
function unusable(key: VerifiedKey | null): ApiError | null {
  if (!key) return new ApiError("invalid_key", "no such API key", undefined, CHALLENGE);
  if (!key.enabled) {
    return new ApiError("disabled_key", "this API key is disabled", undefined, CHALLENGE);
  }
  if (key.expiresAt !== null && key.expiresAt <= Date.now()) {
    const at = new Date(key.expiresAt).toISOString();
    return new ApiError("expired_key", `this API key expired at ${at}`, undefined, CHALLENGE);
  }
  return null;
}

/** The 403 that refuses this request by the key's restrictions on where it may come from. */
function restricted(key: VerifiedKey, req: Request): ApiError | null {
  if (key.matchers.ip && !key.matchers.ip(req.ip)) {
    return new ApiError(
      "ip_not_allowed",
      `this API key may not be used from ${req.ip ?? "this address"}`,
      { ip: req.ip ?? null },
    );
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !key.matchers.origin(origin)) {
    const message =
      key.restrictions.allowedOrigins.length === 0
        ? `this API key accepts no browser origin: add ${origin} to the key's allowed origins (restrictions.allowedOrigins) to call it from that page`
        : `the origin ${origin} is not among this API key's allowed origins`;
    return new ApiError("origin_not_allowed", message, { origin });
  }
  return null;
}

function lacking(key: VerifiedKey, permission: Permission): ApiError | null {
  if (key.permissions[permission]) return null;
  return new ApiError(
    "insufficient_permission",
    `this API key lacks the ${permission} permission`,
    { permission },
  );
}

function assertAdmitted(
  key: VerifiedKey | null,
  req: Request,
  permission?: Permission,
  outcomes?: OutcomeCounter,
): asserts key is VerifiedKey {
  const refusal =
    unusable(key) ??
    restricted(key as VerifiedKey, req) ??
    (permission ? lacking(key as VerifiedKey, permission) : null);
  if (refusal) refuse(refusal, outcomes, key, "invalid_key");
}

/**
 * Refuses a batch holding an event name the key may not send, naming the first one; counted as
 * the request's outcome (`event_not_allowed`) when `outcomes` is given.
 */
export function assertEventsAllowed(
  key: VerifiedKey,
  events: readonly { name: string }[],
  outcomes?: OutcomeCounter,
): void {
  const allowed = key.matchers.eventName;
  if (!allowed) return;
  const index = events.findIndex((event) => !allowed(event.name));
  const event = events[index];
  if (!event) return;
  refuse(
    new ApiError(
      "event_not_allowed",
      `events[${index}].eventName: this API key may not send ${JSON.stringify(event.name)}`,
      { index, eventName: event.name },
    ),
    outcomes,
    key,
  );
}

/**
 * Authenticates a `/v1` request by its key, with distinct 401 codes for missing, invalid,
 * disabled and expired keys, then the key's restrictions (address, origin) and its rate. A key
 * the cache knows costs no promise at all (the rate limiter decides synchronously); on a miss the
 * checksum is checked first, so a malformed key costs no query. (Only well-formed keys ever enter the cache, so the
 * order saves time without letting a malformed key through.) A browser request whose origin the
 * key allows gets it back in `Access-Control-Allow-Origin` (`req.corsOrigin`, sent by `jsonAnswer`
 * and the error handler, with `Vary: Origin` on every `/v1` answer); any other gets no CORS grant.
 */
export function verifyKey(auth: KeyAuthentication, outcomes: OutcomeCounter): RequestHandler {
  const admit = (key: VerifiedKey | null, req: Request, next: NextFunction): void => {
    assertAdmitted(key, req, undefined, outcomes);
    auth.markUsed(key);
    try {
      auth.consume(key);
    } catch (err) {
      if (err instanceof ApiError) refuse(err, outcomes, key);
      throw err;
    }
    // Sent with the answer (jsonAnswer), or the error (errorHandler).
    req.corsOrigin = req.headers.origin;
    req.apiKey = key;
    next();
  };

  return (req, _res, next) => {
    const secret = readKey(req);
    if (secret === undefined) refuse(missingKey(), outcomes, null, "missing_key");
    if (secret.length !== KEY_LENGTH) refuse(malformedKey(), outcomes, null, "malformed_key");
    const hash = auth.hashOf(secret);
    req.apiKeyHash = hash;
    const cached = auth.cached(hash);
    if (cached !== undefined) return admit(cached, req, next);
    if (!isWellFormedKey(secret)) refuse(malformedKey(), outcomes, null, "malformed_key");
    return auth.lookup(hash).then((key) => admit(key, req, next));
  };
}

/** Checks a request's key again, e.g. once its body has arrived; answers the key as it is now. */
export type Reverify = (req: Request) => VerifiedKey | Promise<VerifiedKey>;

/**
 * The key of an authenticated request as it is now, with the same refusals as `verifyKey` and
 * `requirePermission`: a body can take a while to arrive, and the key may be disabled, deleted,
 * expired, narrowed or restricted meanwhile. From the cache when it can say (no promise), else a lookup.
 */
export function reverifyKey(
  auth: Pick<KeyAuthentication, "cached" | "lookup">,
  permission: Permission,
): Reverify {
  const check = (key: VerifiedKey | null, req: Request): VerifiedKey => {
    assertAdmitted(key, req, permission);
    req.apiKey = key;
    return key;
  };
  return (req) => {
    const hash = req.apiKeyHash;
    if (hash === undefined) refuse(missingKey());
    const cached = auth.cached(hash);
    if (cached !== undefined) return check(cached, req);
    return auth.lookup(hash).then((key) => check(key, req));
  };
}

/**
 * The last gate: a request passing it is counted `valid`, whatever the handler answers; unless
 * `countValid` is false, for a handler that may still refuse the request with an outcome of its own
 * (`/v1/events`: an event name) and so counts each request it gets once itself.
 */
export function requirePermission(
  permission: Permission,
  outcomes: OutcomeCounter,
  { countValid = true }: { countValid?: boolean } = {},
): RequestHandler {
  return (req, _res, next) => {
    const key = verifiedKey(req);
    const refusal = lacking(key, permission);
    if (refusal) refuse(refusal, outcomes, key);
    if (countValid) outcomes.count(key, "valid");
    next();
  };
}

export function verifiedKey(req: Request): VerifiedKey {
  if (!req.apiKey) throw new ApiError("missing_key", "this call needs an API key");
  return req.apiKey;
}

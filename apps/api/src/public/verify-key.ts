import { API_KEY_HEADER, isWellFormedKey, KEY_LENGTH, type KeyOutcome } from "@keyward/shared";
import type { NextFunction, Request, RequestHandler } from "express";
import { ApiError } from "../http/api-error.js";
import type { VerifiedKey } from "./key-verifier.js";
import type { UnattributedReason } from "./usage-counter.js";

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
  /** Counts the request against the key's rate limit; rejects with 429. */
  consume(key: VerifiedKey): Promise<void>;
  markUsed(key: VerifiedKey): void;
}

/** Where each request's outcome is counted (usage-counter.ts). */
export interface OutcomeCounter {
  count(key: VerifiedKey, outcome: KeyOutcome): void;
  countUnattributed(reason: UnattributedReason): void;
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

/**
 * Throws the 401 that refuses this key, if any: unknown, disabled or expired. `outcomes` counts
 * the refusal; a re-check passes none, as its request was already counted when it was admitted.
 */
function assertUsable(
  key: VerifiedKey | null,
  outcomes?: OutcomeCounter,
): asserts key is VerifiedKey {
  if (!key) {
    outcomes?.countUnattributed("invalid_key");
    throw new ApiError("invalid_key", "no such API key", undefined, CHALLENGE);
  }
  if (!key.enabled) {
    outcomes?.count(key, "disabled");
    throw new ApiError("disabled_key", "this API key is disabled", undefined, CHALLENGE);
  }
  if (key.expiresAt !== null && key.expiresAt <= Date.now()) {
    outcomes?.count(key, "expired");
    const at = new Date(key.expiresAt).toISOString();
    throw new ApiError("expired_key", `this API key expired at ${at}`, undefined, CHALLENGE);
  }
}

function assertPermitted(
  key: VerifiedKey,
  permission: Permission,
  outcomes?: OutcomeCounter,
): void {
  if (!key.permissions[permission]) {
    outcomes?.count(key, "insufficient_permission");
    throw new ApiError(
      "insufficient_permission",
      `this API key lacks the ${permission} permission`,
      { permission },
    );
  }
}

/**
 * Authenticates a `/v1` request by its key, with distinct 401 codes for missing, invalid,
 * disabled and expired keys. A key the cache knows costs no promise until the rate limiter; on a
 * miss the checksum is checked first, so a malformed key costs no query. (Only well-formed keys
 * ever enter the cache, so the order saves time without letting a malformed key through.)
 */
export function verifyKey(auth: KeyAuthentication, outcomes: OutcomeCounter): RequestHandler {
  const admit = (key: VerifiedKey | null, req: Request, next: NextFunction): Promise<void> => {
    assertUsable(key, outcomes);
    auth.markUsed(key);
    return auth.consume(key).then(() => {
      req.apiKey = key;
      next();
    });
  };

  return (req, _res, next) => {
    const secret = readKey(req);
    if (secret === undefined) {
      outcomes.countUnattributed("missing_key");
      throw missingKey();
    }
    if (secret.length !== KEY_LENGTH) {
      outcomes.countUnattributed("malformed_key");
      throw malformedKey();
    }
    const hash = auth.hashOf(secret);
    req.apiKeyHash = hash;
    const cached = auth.cached(hash);
    if (cached !== undefined) return admit(cached, req, next);
    if (!isWellFormedKey(secret)) {
      outcomes.countUnattributed("malformed_key");
      throw malformedKey();
    }
    return auth.lookup(hash).then((key) => admit(key, req, next));
  };
}

/** Checks a request's key again, e.g. once its body has arrived; answers the key as it is now. */
export type Reverify = (req: Request) => VerifiedKey | Promise<VerifiedKey>;

/**
 * The key of an authenticated request as it is now, with the same refusals as `verifyKey` and
 * `requirePermission`: a body can take a while to arrive, and the key may be disabled, deleted,
 * expired or narrowed meanwhile. From the cache when it can say (no promise), else a lookup.
 */
export function reverifyKey(
  auth: Pick<KeyAuthentication, "cached" | "lookup">,
  permission: Permission,
): Reverify {
  const check = (key: VerifiedKey | null, req: Request): VerifiedKey => {
    assertUsable(key);
    assertPermitted(key, permission);
    req.apiKey = key;
    return key;
  };
  return (req) => {
    const hash = req.apiKeyHash;
    if (hash === undefined) throw new ApiError("missing_key", "this call needs an API key");
    const cached = auth.cached(hash);
    if (cached !== undefined) return check(cached, req);
    return auth.lookup(hash).then((key) => check(key, req));
  };
}

/** The last gate: a request passing it is counted `valid`, whatever the handler answers. */
export function requirePermission(
  permission: Permission,
  outcomes: OutcomeCounter,
): RequestHandler {
  return (req, _res, next) => {
    const key = verifiedKey(req);
    assertPermitted(key, permission, outcomes);
    outcomes.count(key, "valid");
    next();
  };
}

export function verifiedKey(req: Request): VerifiedKey {
  if (!req.apiKey) throw new ApiError("missing_key", "this call needs an API key");
  return req.apiKey;
}

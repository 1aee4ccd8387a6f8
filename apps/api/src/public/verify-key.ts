import { API_KEY_HEADER, isWellFormedKey } from "@keyward/shared";
import type { Request, RequestHandler } from "express";
import { ApiError } from "../http/api-error.js";
import type { VerifiedKey } from "./key-verifier.js";

declare global {
  namespace Express {
    interface Request {
      apiKey?: VerifiedKey;
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
  lookup(secret: string): Promise<VerifiedKey | null>;
  /** Counts the request against the key's rate limit; throws 429. */
  consume(key: VerifiedKey): Promise<void>;
  markUsed(key: VerifiedKey): void;
}

/**
 * Authenticates a `/v1` request by its key: shape and checksum first (a malformed key costs no
 * query), then the key by hash; distinct 401 codes for missing, invalid, disabled and expired keys.
 */
export function verifyKey(auth: KeyAuthentication): RequestHandler {
  return async (req, _res, next) => {
    const secret = readKey(req);
    if (secret === undefined) {
      throw new ApiError(
        "missing_key",
        `send your API key in the ${API_KEY_HEADER} header or as Authorization: Bearer <key>`,
        undefined,
        CHALLENGE,
      );
    }
    if (!isWellFormedKey(secret)) {
      throw new ApiError("invalid_key", "this is not a Keyward API key", undefined, CHALLENGE);
    }
    const key = await auth.lookup(secret);
    if (!key) throw new ApiError("invalid_key", "no such API key", undefined, CHALLENGE);
    if (!key.enabled)
      throw new ApiError("disabled_key", "this API key is disabled", undefined, CHALLENGE);
    if (key.expiresAt !== null && key.expiresAt <= Date.now()) {
      const at = new Date(key.expiresAt).toISOString();
      throw new ApiError("expired_key", `this API key expired at ${at}`, undefined, CHALLENGE);
    }
    auth.markUsed(key);
    await auth.consume(key);
    req.apiKey = key;
    next();
  };
}

export function requirePermission(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    if (!verifiedKey(req).permissions[permission]) {
      throw new ApiError(
        "insufficient_permission",
        `this API key lacks the ${permission} permission`,
        { permission },
      );
    }
    next();
  };
}

export function verifiedKey(req: Request): VerifiedKey {
  if (!req.apiKey) throw new ApiError("missing_key", "this call needs an API key");
  return req.apiKey;
}

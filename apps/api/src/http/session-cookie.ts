import type { Db } from "@keyward/db";
import { parse as parseCookies } from "cookie";
import type { Request, RequestHandler, Response } from "express";
import { resolveSession, SESSION_IDLE_MS, type SessionUser } from "../services/session-store.js";
import { ApiError } from "./api-error.js";

export const SESSION_COOKIE = "kw_session";

declare global {
  namespace Express {
    interface Request {
      user?: SessionUser;
      sessionToken?: string;
      sessionId?: string;
    }
  }
}

export function readSessionToken(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parseCookies(header)[SESSION_COOKIE];
}

export function setSessionCookie(req: Request, res: Response, token: string): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: req.secure,
    path: "/",
    maxAge: SESSION_IDLE_MS,
  });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    secure: req.secure,
    path: "/",
  });
}

/** Loads the signed-in user, if any, onto `req.user`. */
export function loadSession(db: Db): RequestHandler {
  return async (req, res, next) => {
    const token = readSessionToken(req);
    if (token) {
      const session = await resolveSession(db, token);
      if (session) {
        req.user = session.user;
        req.sessionToken = token;
        req.sessionId = session.sessionId;
        if (session.extended) setSessionCookie(req, res, token);
      }
    }
    next();
  };
}

export function currentUser(req: Request): SessionUser {
  if (!req.user) throw ApiError.unauthenticated();
  return req.user;
}

export const requireUser: RequestHandler = (req, _res, next) => {
  currentUser(req);
  next();
};

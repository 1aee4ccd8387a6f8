import type { Db } from "@keyward/db";
import type { Request, RequestHandler } from "express";
import { type Authority, type Caller, toActor, toOrgSettings } from "../services/authority.js";
import { ApiError } from "./api-error.js";
import { currentUser } from "./session-cookie.js";

/**
 * For `/api/orgs/:orgId/…`: the caller's authority as the request arrived. Reads answer from it;
 * every change re-reads it inside its transaction (services/authority.ts), so it only decides
 * early refusals, never a commit.
 */
export interface OrgContext extends Authority {
  caller: Caller;
}

declare global {
  namespace Express {
    interface Request {
      orgContext?: OrgContext;
    }
  }
}

/** To a user who is not a member, the org does not exist (404). */
export function loadOrgMember(db: Db): RequestHandler {
  return async (req, _res, next) => {
    const user = currentUser(req);
    const orgId = String(req.params.orgId ?? "");
    const membership = await db.membership.findUnique({
      where: { orgId_userId: { orgId, userId: user.id } },
      include: { org: true },
    });
    if (!membership || !req.sessionId) throw ApiError.notFound("org");
    req.orgContext = {
      actor: toActor(membership),
      org: toOrgSettings(membership.org),
      caller: { userId: user.id, orgId, sessionId: req.sessionId },
    };
    next();
  };
}

export function orgContext(req: Request): OrgContext {
  if (!req.orgContext) throw ApiError.notFound("org");
  return req.orgContext;
}

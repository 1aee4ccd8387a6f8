import type { Db } from "@keyward/db";
import type { OrgKeyPolicy, Role } from "@keyward/shared";
import type { Request, RequestHandler } from "express";
import type { Actor } from "../policy.js";
import type { PendingKeyUse } from "../public/usage-counter.js";
import { ApiError } from "./api-error.js";
import { currentUser } from "./session.js";

export interface OrgContext {
  actor: Actor;
  org: { id: string; name: string; orgKeyPolicy: OrgKeyPolicy; maxKeyLifetimeDays: number | null };
  /** Uses of keys this instance has not written yet (key answers include them). */
  pendingKeyUse?: PendingKeyUse;
}

declare global {
  namespace Express {
    interface Request {
      orgContext?: OrgContext;
    }
  }
}

/** For `/api/orgs/:orgId/…`: to a user who is not a member, the org does not exist (404). */
export function loadOrgMember(db: Db, pendingKeyUse?: PendingKeyUse): RequestHandler {
  return async (req, _res, next) => {
    const user = currentUser(req);
    const orgId = String(req.params.orgId ?? "");
    const membership = await db.membership.findUnique({
      where: { orgId_userId: { orgId, userId: user.id } },
      include: { org: true },
    });
    if (!membership) throw ApiError.notFound("org");
    req.orgContext = {
      actor: {
        userId: user.id,
        role: membership.role as Role,
        manageOrgKeys: membership.manageOrgKeys,
        managePersonalKeys: membership.managePersonalKeys,
      },
      org: {
        id: membership.org.id,
        name: membership.org.name,
        orgKeyPolicy: membership.org.orgKeyPolicy as OrgKeyPolicy,
        maxKeyLifetimeDays: membership.org.maxKeyLifetimeDays,
      },
      pendingKeyUse,
    };
    next();
  };
}

export function orgContext(req: Request): OrgContext {
  if (!req.orgContext) throw ApiError.notFound("org");
  return req.orgContext;
}

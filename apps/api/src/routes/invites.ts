import { acceptInviteBodySchema, createInviteBodySchema } from "@keyward/shared";
import { type Request, Router } from "express";
import type { Deps } from "../deps.js";
import { orgContext } from "../http/org-member.js";
import { setSessionCookie } from "../http/session.js";
import { sessionAnswer } from "../services/accounts.js";
import { acceptInvite, createInvite, previewInvite } from "../services/invites.js";
import { createSession, destroySession } from "../services/sessions.js";

function publicOrigin({ env }: Deps, req: Request): string {
  return env.PUBLIC_URL ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** `/api/orgs/:orgId/invites`: creating invites. */
export function invitesRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });

  // POST /api/orgs/:orgId/invites — create a one-time invite link (admins)
  router.post("/", async (req, res) => {
    const ctx = orgContext(req);
    const body = createInviteBodySchema.parse(req.body);
    res.status(201).json(await createInvite(deps.db, ctx, body, publicOrigin(deps, req)));
  });

  return router;
}

/** `/api/invites/:token`: reading and accepting an invite, signed in or not. */
export function inviteLinksRouter({ db }: Deps): Router {
  const router = Router();

  // GET /api/invites/:token — what the invite is for, so the accept page can show it
  router.get("/:token", async (req, res) => {
    res.json(await previewInvite(db, req.params.token));
  });

  // POST /api/invites/:token/accept — join the org, creating an account when not signed in
  router.post("/:token/accept", async (req, res) => {
    const body = acceptInviteBodySchema.parse(req.body ?? {});
    const userId = await acceptInvite(db, req.params.token, req.user, body);
    if (req.sessionToken) await destroySession(db, req.sessionToken);
    setSessionCookie(req, res, await createSession(db, userId));
    res.json(await sessionAnswer(db, userId));
  });

  return router;
}

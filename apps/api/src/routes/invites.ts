import { acceptInviteBodySchema, createInviteBodySchema } from "@keyward/shared";
import { type Request, Router } from "express";
import type { Deps } from "../deps.js";
import { orgContext } from "../http/org-member.js";
import { setSessionCookie } from "../http/session-cookie.js";
import { toSessionAnswer } from "../services/accounts.js";
import {
  acceptInvite,
  createInvite,
  listInvites,
  previewInvite,
  renewInvite,
  revokeInvite,
} from "../services/invites.js";
import { createSession, destroySession } from "../services/session-store.js";

function publicOrigin({ env }: Deps, req: Request): string {
  return env.PUBLIC_URL ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
}

/** `/api/orgs/:orgId/invites`: creating, listing, renewing and revoking invites (admins). */
export function invitesRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });

  // GET /api/orgs/:orgId/invites — pending invites (admins)
  router.get("/", async (req, res) => {
    res.json(await listInvites(deps.db, orgContext(req)));
  });

  // POST /api/orgs/:orgId/invites — create a one-time invite link (admins)
  router.post("/", async (req, res) => {
    const ctx = orgContext(req);
    const body = createInviteBodySchema.parse(req.body);
    res.status(201).json(await createInvite(deps, ctx, body, publicOrigin(deps, req)));
  });

  // POST /api/orgs/:orgId/invites/:inviteId/renew — a fresh link for a pending invite; the old one stops working (admins)
  router.post("/:inviteId/renew", async (req, res) => {
    const ctx = orgContext(req);
    res.json(await renewInvite(deps, ctx, req.params.inviteId, publicOrigin(deps, req)));
  });

  // DELETE /api/orgs/:orgId/invites/:inviteId — revoke a pending invite (admins)
  router.delete("/:inviteId", async (req, res) => {
    await revokeInvite(deps, orgContext(req), req.params.inviteId);
    res.status(204).end();
  });

  return router;
}

/** `/api/invites/:token`: reading and accepting an invite, signed in or not. */
export function inviteLinksRouter(deps: Deps): Router {
  const { db } = deps;
  const router = Router();

  // GET /api/invites/:token — what the invite is for, so the accept page can show it
  router.get("/:token", async (req, res) => {
    res.json(await previewInvite(db, req.params.token));
  });

  // POST /api/invites/:token/accept — join the org, creating an account when not signed in
  router.post("/:token/accept", async (req, res) => {
    const body = acceptInviteBodySchema.parse(req.body ?? {});
    const userId = await acceptInvite(deps, req.params.token, req.user, body);
    if (req.sessionToken) await destroySession(db, req.sessionToken);
    setSessionCookie(req, res, await createSession(db, userId));
    res.json(await toSessionAnswer(db, userId));
  });

  return router;
}

import { updateMemberBodySchema } from "@keyward/shared";
import { Router } from "express";
import type { Deps } from "../deps.js";
import { orgContext } from "../http/org-member.js";
import { listMembers, removeMember, updateMember } from "../services/members.js";

export function membersRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });

  // GET /api/orgs/:orgId/members — everyone in the org, with effective grants
  router.get("/", async (req, res) => {
    const ctx = orgContext(req);
    res.json(await listMembers(deps.db, ctx));
  });

  // PATCH /api/orgs/:orgId/members/:userId — change a member's role or grants (admins)
  router.patch("/:userId", async (req, res) => {
    const ctx = orgContext(req);
    const body = updateMemberBodySchema.parse(req.body);
    res.json(await updateMember(deps, ctx, req.params.userId, body));
  });

  // DELETE /api/orgs/:orgId/members/:userId — remove a member, disabling their personal keys (admins)
  router.delete("/:userId", async (req, res) => {
    const ctx = orgContext(req);
    await removeMember(deps, ctx, req.params.userId);
    res.status(204).end();
  });

  return router;
}

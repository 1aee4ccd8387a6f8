import { updateOrgBodySchema } from "@keyward/shared";
import { Router } from "express";
import type { Deps } from "../deps.js";
import { loadOrgMember, orgContext } from "../http/org-member.js";
import { toOrgAnswer, updateOrg } from "../services/orgs.js";
import { auditRouter } from "./audit.js";
import { invitesRouter } from "./invites.js";
import { keyUsageRouter } from "./key-usage.js";
import { keysRouter } from "./keys.js";
import { membersRouter } from "./members.js";

export function orgsRouter(deps: Deps): Router {
  const router = Router();
  const org = Router({ mergeParams: true });
  router.use("/:orgId", loadOrgMember(deps.db), org);

  // GET /api/orgs/:orgId — the org, its key policy and key lifetime limit
  org.get("/", (req, res) => {
    res.json(toOrgAnswer(orgContext(req).org));
  });

  // PATCH /api/orgs/:orgId — rename, change the key policy or the key lifetime limit (admins)
  org.patch("/", async (req, res) => {
    const ctx = orgContext(req);
    const body = updateOrgBodySchema.parse(req.body);
    res.json(await updateOrg(deps, ctx, body));
  });

  org.use("/members", membersRouter(deps));
  org.use("/invites", invitesRouter(deps));
  org.use("/keys", keyUsageRouter(deps));
  org.use("/keys", keysRouter(deps));
  org.use("/audit", auditRouter(deps));
  return router;
}

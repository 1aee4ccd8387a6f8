import { listAuditQuerySchema } from "@keyward/shared";
import { Router } from "express";
import type { Deps } from "../deps.js";
import { orgContext } from "../http/org-member.js";
import { listAudit } from "../services/audit-reader.js";

export function auditRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });

  // GET /api/orgs/:orgId/audit — the org's audit log as the caller may see it, newest first
  router.get("/", async (req, res) => {
    const ctx = orgContext(req);
    const query = listAuditQuerySchema.parse(req.query);
    res.json(await listAudit(deps.db, ctx, query));
  });

  return router;
}

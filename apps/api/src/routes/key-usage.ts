import { keyUsageQuerySchema, keyUsageSummaryQuerySchema } from "@keyward/shared";
import { Router } from "express";
import type { Deps } from "../deps.js";
import { orgContext } from "../http/org-member.js";
import { getKeyUsage, getKeyUsageSummaries } from "../services/key-usage.js";

/** Mounted on `/api/orgs/:orgId/keys` before the keys router, so `/usage` is not a key id. */
export function keyUsageRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });

  // GET /api/orgs/:orgId/keys/usage?ids= — the last 24 h of each listed key, for the keys table
  router.get("/usage", async (req, res) => {
    const ctx = orgContext(req);
    const { ids } = keyUsageSummaryQuerySchema.parse(req.query);
    res.json({ items: await getKeyUsageSummaries(deps.db, ctx, ids) });
  });

  // GET /api/orgs/:orgId/keys/:keyId/usage — one key's requests per bucket and outcome
  router.get("/:keyId/usage", async (req, res) => {
    const ctx = orgContext(req);
    const query = keyUsageQuerySchema.parse(req.query);
    res.json(await getKeyUsage(deps.db, ctx, req.params.keyId, query));
  });

  return router;
}

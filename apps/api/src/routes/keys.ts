import {
  createKeyBodySchema,
  listKeysQuerySchema,
  rollKeyBodySchema,
  updateKeyBodySchema,
} from "@keyward/shared";
import { Router } from "express";
import type { Deps } from "../deps.js";
import { orgContext } from "../http/org-member.js";
import { createKey, deleteKey, getKey, listKeys, rollKey, updateKey } from "../services/keys.js";

export function keysRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });

  // GET /api/orgs/:orgId/keys — the keys the caller can see, newest first
  router.get("/", async (req, res) => {
    const ctx = orgContext(req);
    const query = listKeysQuerySchema.parse(req.query);
    res.json(await listKeys(deps, ctx, query));
  });

  // POST /api/orgs/:orgId/keys — create a key; its secret is answered only here
  router.post("/", async (req, res) => {
    const ctx = orgContext(req);
    const body = createKeyBodySchema.parse(req.body ?? {});
    res.status(201).json(await createKey(deps, ctx, body));
  });

  // GET /api/orgs/:orgId/keys/:keyId — one key
  router.get("/:keyId", async (req, res) => {
    const ctx = orgContext(req);
    res.json(await getKey(deps, ctx, req.params.keyId));
  });

  // PATCH /api/orgs/:orgId/keys/:keyId — rename, re-scope, enable/disable, change type or expiry
  router.patch("/:keyId", async (req, res) => {
    const ctx = orgContext(req);
    const body = updateKeyBodySchema.parse(req.body ?? {});
    res.json(await updateKey(deps, ctx, req.params.keyId, body));
  });

  // DELETE /api/orgs/:orgId/keys/:keyId — delete a key
  router.delete("/:keyId", async (req, res) => {
    const ctx = orgContext(req);
    await deleteKey(deps, ctx, req.params.keyId);
    res.status(204).end();
  });

  // POST /api/orgs/:orgId/keys/:keyId/roll — replace a key's secret, the old one expiring after a grace period
  router.post("/:keyId/roll", async (req, res) => {
    const ctx = orgContext(req);
    const body = rollKeyBodySchema.parse(req.body ?? {});
    res.status(201).json(await rollKey(deps, ctx, req.params.keyId, body));
  });

  return router;
}

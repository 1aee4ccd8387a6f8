import { Router } from "express";
import type { Deps } from "../deps.js";
import { currentUser } from "../http/session-cookie.js";
import { toSessionAnswer } from "../services/accounts.js";

export function meRouter({ db }: Deps): Router {
  const router = Router();

  // GET /api/me — the signed-in user and their orgs
  router.get("/", async (req, res) => {
    res.json(await toSessionAnswer(db, currentUser(req).id));
  });

  return router;
}

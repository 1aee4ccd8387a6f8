import { Router } from "express";
import type { Deps } from "../deps.js";

export function invitesRouter(_deps: Deps): Router {
  const router = Router({ mergeParams: true });
  return router;
}

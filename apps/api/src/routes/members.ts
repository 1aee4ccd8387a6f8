import { Router } from "express";
import type { Deps } from "../deps.js";

export function membersRouter(_deps: Deps): Router {
  const router = Router({ mergeParams: true });
  return router;
}

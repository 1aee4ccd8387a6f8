import type { KeyInfoAnswer } from "@keyward/shared";
import type { RequestHandler } from "express";
import type { JsonAnswer } from "../http/json-answer.js";
import { verifiedKey } from "./verify-key.js";

// GET /v1/key — what the calling key is and may do
export const getKeyInfo =
  (answer: JsonAnswer): RequestHandler =>
  (req, res) => {
    const key = verifiedKey(req);
    const body: KeyInfoAnswer = {
      id: key.id,
      name: key.name,
      orgId: key.orgId,
      orgWide: key.orgWide,
      permissions: key.permissions,
      expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
      restrictions: key.restrictions,
    };
    answer(req, res, JSON.stringify(body));
  };

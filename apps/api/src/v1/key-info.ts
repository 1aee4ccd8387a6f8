import type { KeyInfoAnswer } from "@keyward/shared";
import type { RequestHandler } from "express";
import type { JsonAnswer } from "../http/json-answer.js";
import type { VerifiedKey } from "../key-verification/key-verifier.js";
import { verifiedKey } from "./verify-key.js";

/** The answer of each verified key, built once: the cache hands out the same object until the key changes. */
const answers = new WeakMap<VerifiedKey, string>();

function keyInfoJson(key: VerifiedKey): string {
  let json = answers.get(key);
  if (json === undefined) {
    const body: KeyInfoAnswer = {
      id: key.id,
      name: key.name,
      orgId: key.orgId,
      orgWide: key.orgWide,
      permissions: key.permissions,
      expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
      restrictions: key.restrictions,
    };
    json = JSON.stringify(body);
    answers.set(key, json);
  }
  return json;
}

// GET /v1/key — what the calling key is and may do
export const getKeyInfo =
  (answer: JsonAnswer): RequestHandler =>
  (req, res) => {
    answer(req, res, keyInfoJson(verifiedKey(req)));
  };

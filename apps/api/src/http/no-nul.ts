import { hasNul } from "@keyward/shared";
import type { RequestHandler } from "express";
import { ApiError } from "./api-error.js";

const NUL_IN_URL = /%00/i;

/** The first string in a JSON value that holds a NUL, as a dotted field path. */
function nulField(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, ""]];
  while (stack.length > 0) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === "string") {
      if (hasNul(current)) return path || "body";
    } else if (current !== null && typeof current === "object") {
      for (const [key, child] of Object.entries(current)) {
        const childPath = path ? `${path}.${key}` : key;
        if (hasNul(key)) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

/**
 * A NUL character is never valid session-API input, and PostgreSQL refuses it in text (a 500 if
 * it got that far): refused here by name, in the path, the query or any string of the body.
 */
export const refuseNul: RequestHandler = (req, _res, next) => {
  const [path = "", query = ""] = req.originalUrl.split("?", 2);
  if (NUL_IN_URL.test(path)) throw ApiError.invalid("path", "must not contain NUL characters");
  if (NUL_IN_URL.test(query)) throw ApiError.invalid("query", "must not contain NUL characters");
  const field = nulField(req.body);
  if (field !== undefined) throw ApiError.invalid(field, "must not contain NUL characters");
  next();
};

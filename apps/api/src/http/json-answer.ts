import type { Request, Response } from "express";

declare global {
  namespace Express {
    interface Request {
      /** The origin a `/v1` key allows this browser request from: answered in `Access-Control-Allow-Origin`. */
      corsOrigin?: string;
    }
  }
}

/** Sends a JSON text (already serialised; or in pieces, sent one by one) with `status`. */
export type JsonAnswer = (
  req: Request,
  res: Response,
  json: string | readonly string[],
  status?: number,
) => void;

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * The answer of the hot paths (`/v1`, `/healthz`): every header, the precomputed security headers
 * among them, in one `writeHead`; no `setHeader`, no content-type parsing, no ETag hash (Express's
 * `res.json` does all three). With `vary` (`/v1`: answers differ by `Origin`), the header and the
 * request's CORS grant.
 */
export function jsonAnswer(security: readonly string[], vary?: string): JsonAnswer {
  return (req, res, json, status = 200) => {
    const head = [
      ...security,
      "content-type",
      JSON_TYPE,
      "content-length",
      String(typeof json === "string" ? Buffer.byteLength(json) : byteLengthOf(json)),
      "x-request-id",
      req.requestId ?? "",
    ];
    if (vary !== undefined) {
      head.push("vary", vary);
      if (req.corsOrigin !== undefined) head.push("access-control-allow-origin", req.corsOrigin);
    }
    res.writeHead(status, head);
    if (typeof json === "string") {
      res.end(json);
      return;
    }
    for (const piece of json) res.write(piece);
    res.end();
  };
}

function byteLengthOf(pieces: readonly string[]): number {
  let length = 0;
  for (const piece of pieces) length += Buffer.byteLength(piece);
  return length;
}

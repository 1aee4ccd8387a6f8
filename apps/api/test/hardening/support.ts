// Shared pieces of the hardening suite: a fingerprint of every table (to prove a refused or
// rejected call changed nothing), the error-shape check and the Express route walk.
import { createHash } from "node:crypto";
import type { Express } from "express";
import { expect } from "vitest";
import type { Harness } from "../harness.js";

export interface Answer {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Every table the app writes, by Prisma model name. */
export const TABLES = [
  "user",
  "org",
  "membership",
  "invite",
  "session",
  "loginFailure",
  "apiKey",
  "auditEvent",
] as const;
export type Table = (typeof TABLES)[number];

/** Columns that legitimately move on a read (a session's sliding expiry, a key's last use). */
const VOLATILE: Partial<Record<Table, string[]>> = {
  session: ["lastSeenAt", "expiresAt"],
  apiKey: ["lastUsedAt"],
};

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "bigint") return v.toString();
    if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
      );
    }
    return v;
  });
}

export type Fingerprint = Record<Table, { count: number; hash: string }>;

/** Row count and a SHA-256 of the sorted rows of every table. */
export async function fingerprint(h: Harness, ignore: Table[] = []): Promise<Fingerprint> {
  const db = h.deps.db as unknown as Record<Table, { findMany(): Promise<object[]> }>;
  const result = {} as Fingerprint;
  for (const table of TABLES) {
    if (ignore.includes(table)) continue;
    const rows = await db[table].findMany();
    const drop = VOLATILE[table] ?? [];
    const kept = rows
      .map((row) =>
        stable(
          Object.fromEntries(Object.entries(row).filter(([column]) => !drop.includes(column))),
        ),
      )
      .sort();
    result[table] = {
      count: rows.length,
      hash: createHash("sha256").update(kept.join("\n")).digest("hex"),
    };
  }
  return result;
}

export async function expectUnchanged(
  h: Harness,
  before: Fingerprint,
  label: string,
  ignore: Table[] = [],
): Promise<void> {
  expect(await fingerprint(h, ignore), `database changed: ${label}`).toEqual(before);
}

/** An answer in the contract's error shape with the given status and code. */
export function expectError(res: Answer, status: number, code: string, label = ""): void {
  expect(res.status, `${label} ${JSON.stringify(res.body)}`).toBe(status);
  const body = res.body as { error?: { code?: unknown; message?: unknown; requestId?: unknown } };
  expect(body.error?.code, label).toBe(code);
  expect(typeof body.error?.message, label).toBe("string");
  expect(String(body.error?.requestId), label).toMatch(/^req_/);
}

interface LayerLike {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

/** Every `METHOD /path` the app's routers answer, found by walking the Express 5 router stack. */
export function listRoutes(app: Express): string[] {
  const found = new Set<string>();
  const join = (prefix: string, part: unknown) => {
    const p = typeof part === "string" ? part : String(part);
    const full = `${prefix}${p === "/" ? "" : p}`;
    return full;
  };
  const walk = (stack: LayerLike[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = join(prefix, layer.route.path) || "/";
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== "_all") found.add(`${method.toUpperCase()} ${path}`);
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, join(prefix, layer.rawPath ?? ""));
      }
    }
  };
  const router = (app as unknown as { router: { stack: LayerLike[] } }).router;
  walk(router.stack, "");
  return [...found].sort();
}

#!/usr/bin/env node
// Dependency audit (hardening category 7): `pnpm audit` for high and critical advisories, failing on
// any that scripts/audit-allowlist.json does not explain.
// Usage: node scripts/audit.mjs [--prod] [--strict] [--from-file report.json]
//   --prod    production dependencies only
//   --strict  also fail when the registry's advisory endpoint cannot be reached
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const SEVERE = new Set(["high", "critical"]);

/** Each entry: { "id": GHSA id or npm advisory number, "module": name, "reason": why it stays }. */
const allowlist = JSON.parse(
  readFileSync(path.join(root, "scripts", "audit-allowlist.json"), "utf8"),
);
for (const entry of allowlist.advisories) {
  if (!entry.id || !entry.module || !entry.reason || entry.reason.length < 20) {
    console.error(`[audit] allowlist entry without a real reason: ${JSON.stringify(entry)}`);
    process.exit(1);
  }
}
const explained = new Map(allowlist.advisories.map((e) => [String(e.id), e]));

/** `--from-file <report.json>` reads a saved `pnpm audit --json` report instead of asking the registry. */
function readReport() {
  const argv = process.argv.slice(2);
  const fromFile = argv[argv.indexOf("--from-file") + 1];
  if (argv.includes("--from-file") && fromFile) return JSON.parse(readFileSync(fromFile, "utf8"));
  const pnpmArgs = [
    "audit",
    "--json",
    "--audit-level",
    "high",
    ...(args.has("--prod") ? ["--prod"] : []),
  ];
  const run = spawnSync("pnpm", pnpmArgs, {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  try {
    return JSON.parse(run.stdout);
  } catch {
    return {
      error: { code: "NO_JSON", message: (run.stderr || run.stdout || "").trim().slice(0, 500) },
    };
  }
}
const report = readReport();

if (report.error) {
  const message = `[audit] the registry's advisory endpoint could not be used (${report.error.code}): ${report.error.message}`;
  if (args.has("--strict")) {
    console.error(message);
    process.exit(1);
  }
  console.warn(`${message}\n[audit] skipped: no advisory data (run with --strict to fail instead)`);
  process.exit(0);
}

const severe = Object.values(report.advisories ?? {}).filter((a) => SEVERE.has(a.severity));
const unexplained = [];
for (const advisory of severe) {
  const ids = [String(advisory.github_advisory_id ?? ""), String(advisory.id ?? "")];
  const entry = ids.map((id) => explained.get(id)).find(Boolean);
  const paths = (advisory.findings ?? [])
    .flatMap((f) => f.paths ?? [])
    .slice(0, 3)
    .join(", ");
  const line = `${advisory.severity} ${advisory.module_name} ${advisory.github_advisory_id ?? advisory.id}: ${advisory.title} (${paths})`;
  if (entry) console.log(`[audit] explained: ${line} — ${entry.reason}`);
  else unexplained.push(line);
}
const counts = report.metadata?.vulnerabilities ?? {};
console.log(
  `[audit] ${args.has("--prod") ? "production" : "all"} dependencies: ${counts.critical ?? 0} critical, ${counts.high ?? 0} high, ${counts.moderate ?? 0} moderate, ${counts.low ?? 0} low; ${severe.length - unexplained.length} high/critical explained, ${unexplained.length} unexplained`,
);
for (const line of unexplained) console.error(`[audit] UNEXPLAINED ${line}`);
process.exit(unexplained.length > 0 ? 1 : 0);

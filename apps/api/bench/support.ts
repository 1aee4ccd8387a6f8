// What the benchmarks (run.ts, shared-rate-limit.ts) share: where things are, their options, the
// build, processes that print `running at …`, the load generator, CPU readings and number format.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { LoadResult, LoadSpec } from "./load.js";

export const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = path.resolve(apiDir, "../..");
export const args = process.argv.slice(2);

/**
 * The server as a user starts it: the package's `start` script (`npm start` runs it, with its
 * node flags), as arguments of node in apps/api.
 */
export const serverStartArgs: string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(path.join(apiDir, "package.json"), "utf8")) as {
    scripts: { start: string };
  };
  const [node, ...rest] = scripts.start.split(" ");
  if (node !== "node")
    throw new Error(`apps/api's start script does not run node: ${scripts.start}`);
  return rest;
})();

/** `--name=value`, `--name value`, or `fallback` for a bare `--name`; undefined when absent. */
export function option(name: string, fallback = ""): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
    if (arg === name) {
      const next = args[i + 1];
      return next !== undefined && !next.startsWith("--") ? next : fallback;
    }
  }
  return undefined;
}

/** Builds @keyward/api and its dependencies, unless `--no-build`. */
export function buildApi(log: (message: string) => void): void {
  if (args.includes("--no-build")) return;
  log("building @keyward/api and its dependencies");
  const result = spawnSync(
    "pnpm",
    ["exec", "turbo", "run", "build", "--filter=@keyward/api", "--output-logs=errors-only"],
    { cwd: repoRoot, stdio: "inherit" },
  );
  if (result.status !== 0) throw new Error("the build failed");
}

export interface Server {
  child: ChildProcess;
  url: string;
}

/** Starts a process (in apps/api) that prints `running at http://…` once it listens. */
export function startProcess(processArgs: string[], env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, processArgs, {
    cwd: apiDir,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        // The app's log lines keep coming: read and dropped, as a log collector would.
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        resolve({ child, url: match[1].replace("localhost", "127.0.0.1") });
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`${processArgs.join(" ")} exited (${code}):\n${output}`)),
    );
  });
}

const CLOCK_TICKS =
  Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** CPU time (user + system, all threads) the processes have used so far, in ms. */
export function cpuMs(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    total += ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
  }
  return total;
}

/** The load generator: one process (bench/load.ts) for every run, fed one spec per line. */
let loadProcess: { child: ChildProcess; waiting: ((line: string) => void)[] } | undefined;

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (!loadProcess) {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/load.ts"], {
      cwd: apiDir,
      stdio: ["pipe", "pipe", "inherit"],
    });
    const started = { child, waiting: [] as ((line: string) => void)[] };
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) =>
      started.waiting.shift()?.(line),
    );
    child.once("exit", (code) => {
      for (const waiter of started.waiting.splice(0))
        waiter(JSON.stringify({ error: `load generator exited ${code}` }));
      loadProcess = undefined;
    });
    loadProcess = started;
  }
  const current = loadProcess;
  return new Promise((resolve, reject) => {
    current.waiting.push((line) => {
      const result = JSON.parse(line) as LoadResult & { error?: string };
      if (result.error) reject(new Error(`load generator: ${result.error}`));
      else resolve(result);
    });
    current.child.stdin?.write(`${JSON.stringify(spec)}\n`);
  });
}

/** Lets the load generator finish and exit. */
export function stopLoadProcess(): void {
  loadProcess?.child.stdin?.end();
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

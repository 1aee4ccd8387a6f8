import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread's module in this folder: the compiled JavaScript when built (`npm start`), else
 * the TypeScript source (`tsx watch` in development, vitest in tests) through ts-worker.cjs.
 */
function workerModule(name: string): { url: URL; argv?: string[] } {
  const compiled = new URL(`./${name}.js`, import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return { url: compiled };
  const source = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  return { url: new URL("./ts-worker.cjs", import.meta.url), argv: [source] };
}

/** Starts the worker thread of this folder's module `name` (see workerModule). */
export function startWorker(name: string, options: Omit<WorkerOptions, "argv">): Worker {
  const { url, argv } = workerModule(name);
  return new Worker(url, { ...options, ...(argv ? { argv } : {}) });
}

import v8 from "node:v8";
import type { Env } from "./env.js";

/**
 * V8 flags that keep the server small, set at start before the first database query (they apply
 * to the events writer thread too), measured in bench/RESULTS.md:
 * - `--heap-growing-percent=10`: after each full collection the heap may grow by 10 % before the
 *   next one, so garbage is collected before it takes hundreds of MB (V8 otherwise lets a heap
 *   grow up to fourfold on a machine with this much memory). `--optimize-for-size` saved a little
 *   more but cost ~10–20 % more CPU per `/v1` request (smaller young generation, more scavenges);
 * - `--liftoff-only`: Prisma's WebAssembly query compiler stays on V8's baseline code; optimising
 *   it took ~30–60 MB of code for no gain that shows (a query is compiled once and cached).
 */
export function applyRuntimeFlags(env: Pick<Env, "HEAP_MODE">): void {
  if (env.HEAP_MODE !== "compact") return;
  v8.setFlagsFromString("--heap-growing-percent=10");
  v8.setFlagsFromString("--liftoff-only");
}

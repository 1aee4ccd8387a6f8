// The load generator, run as its own process by bench/run.ts: autocannon against one route,
// printing one JSON line of results. With several URLs (instances of the server), one autocannon
// per URL, the connections split evenly, the results summed. With `revoke`, it also disables the
// key mid-run through the session API and counts, per URL, the requests sent after that call
// returned which were still accepted.
import { createInterface } from "node:readline";
import autocannon from "autocannon";

export interface LoadSpec {
  /** One server, or several instances sprayed at once. */
  urls: string[];
  path: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  durationSeconds: number;
  /** Each connection sends its own value of this header (one key per connection), in turn. */
  perConnection?: { header: string; values: string[] };
  /** Runs until `tailMs` after the disable call returned (durationSeconds is only a cap). */
  revoke?: {
    afterMs: number;
    tailMs: number;
    url: string;
    headers: Record<string, string>;
    body: string;
  };
}

export interface LoadResult {
  requests: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  seconds: number;
  rps: number;
  okPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  revocation?: Revocation;
}

export interface Revocation {
  acceptedAfter: number;
  refusedAfter: number;
  disableMs: number;
  /** Per URL, in `urls` order: accepted and refused after the disable returned, and how long after
   * it the last accepted request was sent (ms; 0 when none was accepted). */
  byUrl: { acceptedAfter: number; refusedAfter: number; lastAcceptedAfterMs: number }[];
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

async function run(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let disabledAt = Number.POSITIVE_INFINITY;
  let disableMs = 0;
  let disableError: string | undefined;
  const byUrl = spec.urls.map(() => ({
    acceptedAfter: 0,
    refusedAfter: 0,
    lastAcceptedAfterMs: 0,
  }));

  // At least one each: a 1-connection latency measure gets one connection per instance.
  const perUrl = Math.max(1, Math.floor(spec.connections / spec.urls.length));
  let connectionsSetUp = 0;
  const perConnection = spec.perConnection;
  const setupClient = perConnection
    ? (client: autocannon.Client) => {
        const value = perConnection.values[connectionsSetUp++ % perConnection.values.length] ?? "";
        client.setHeaders({ ...spec.headers, [perConnection.header]: value });
      }
    : undefined;
  const instances = spec.urls.map((url, index) => {
    const counts = byUrl[index] ?? { acceptedAfter: 0, refusedAfter: 0, lastAcceptedAfterMs: 0 };
    let finish: (error: Error | null, result: autocannon.Result) => void = () => {};
    const done = new Promise<autocannon.Result>((resolve, reject) => {
      finish = (error, result) => (error ? reject(error) : resolve(result));
    });
    const instance = autocannon(
      {
        url,
        connections: perUrl,
        duration: spec.durationSeconds,
        ...(setupClient ? { setupClient } : {}),
        requests: [
          {
            method: spec.method ?? "GET",
            path: spec.path,
            headers: spec.headers ?? {},
            ...(spec.body === undefined ? {} : { body: spec.body }),
            // Called right before each request is written (one in flight per connection).
            setupRequest: (request, context) => {
              (context as { sentAt?: number }).sentAt = performance.now();
              return request;
            },
            onResponse: (status, _body, context) => {
              const sentAt = (context as { sentAt?: number }).sentAt ?? 0;
              if (sentAt > disabledAt) {
                if (status === 200) {
                  counts.acceptedAfter += 1;
                  counts.lastAcceptedAfterMs = Math.max(
                    counts.lastAcceptedAfterMs,
                    sentAt - disabledAt,
                  );
                } else counts.refusedAfter += 1;
              }
            },
          },
        ],
      },
      (error, result) => finish(error, result),
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    });
    return { instance, done };
  });

  if (spec.revoke) {
    // Disable mid-run, then keep the load on for `tailMs` after the call returned.
    const revoke = spec.revoke;
    setTimeout(async () => {
      const started = performance.now();
      try {
        const res = await fetch(revoke.url, {
          method: "PATCH",
          headers: revoke.headers,
          body: revoke.body,
        });
        disabledAt = performance.now();
        disableMs = disabledAt - started;
        if (res.status !== 200) disableError = `disabling the key answered ${res.status}`;
      } catch (error) {
        disableError = String(error);
      }
      setTimeout(() => {
        for (const { instance } of instances) instance.stop();
      }, revoke.tailMs);
    }, revoke.afterMs);
  }

  const results = await Promise.all(instances.map(({ done }) => done));
  if (disableError) throw new Error(disableError);
  latencies.sort((a, b) => a - b);
  // Only 2xx answers count as throughput.
  const ok = Object.entries(statuses)
    .filter(([status]) => status.startsWith("2"))
    .reduce((sum, [, count]) => sum + count, 0);
  const seconds = Math.max(...results.map((result) => result.duration));
  const errors = results.reduce((sum, result) => sum + result.errors + result.timeouts, 0);
  const sum = (pick: (counts: (typeof byUrl)[number]) => number) =>
    byUrl.reduce((total, counts) => total + pick(counts), 0);
  return {
    requests: latencies.length,
    ok,
    statuses,
    errors,
    seconds,
    rps: latencies.length / seconds,
    okPerSecond: ok / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    ...(spec.revoke
      ? {
          revocation: {
            acceptedAfter: sum((counts) => counts.acceptedAfter),
            refusedAfter: sum((counts) => counts.refusedAfter),
            disableMs,
            byUrl,
          },
        }
      : {}),
  };
}

// One spec per line on stdin, one result line each: the benchmarks keep one load process for all
// their runs instead of starting one per run (bench/support.ts's runLoad).
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === "") continue;
  const result = await run(JSON.parse(line) as LoadSpec).catch((error: unknown) => ({
    error: String(error),
  }));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

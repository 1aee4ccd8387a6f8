import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./generated/openapi.js";

export type { components, paths } from "./generated/openapi.js";

export type KeywardEvent = components["schemas"]["Event"];
export type MetricsAnswer = components["schemas"]["MetricsAnswer"];
export type KeyInfo = components["schemas"]["KeyInfo"];
export type MetricsQuery = NonNullable<paths["/v1/metrics"]["get"]["parameters"]["query"]>;
type ErrorBody = components["schemas"]["Error"];
export type ErrorCode = ErrorBody["error"]["code"];

/** The limits of one `POST /v1/events`, as the API enforces them. */
export const MAX_BATCH_BYTES = 1_048_576;
export const MAX_BATCH_EVENTS = 10_000;

/** An answer that is not a success, with the API's error `code`; or a batch refused before sending. */
export class KeywardError extends Error {
  override readonly name = "KeywardError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The HTTP status; null when the client refused the call itself. */
    readonly status: number | null,
    readonly requestId?: string,
    readonly details?: ErrorBody["error"]["details"],
  ) {
    super(message);
  }
}

export interface RetryOptions {
  /** Retries after the first attempt, on 429 and 503 only; default 5. */
  retries?: number;
  /** Backoff base when the answer has no Retry-After; default 250 ms, doubling per attempt. */
  baseDelayMs?: number;
  /** The longest wait between attempts; default 30 s. A longer Retry-After gives up. */
  maxDelayMs?: number;
}

export interface KeywardOptions {
  /** The API key (`kw_…`); default the environment variable KEYWARD_API_KEY. */
  apiKey?: string;
  /** Where Keyward runs; default KEYWARD_URL, else http://localhost:3000. */
  baseUrl?: string;
  /** Flush buffered events this long after the first one is queued; default 1,000 ms. */
  flushIntervalMs?: number;
  /** Flush at this many buffered events; default (and at most) 10,000. */
  maxBatchEvents?: number;
  /** Flush before the batch's JSON would exceed this many bytes; default (and at most) 1 MB. */
  maxBatchBytes?: number;
  retry?: RetryOptions;
  /** A fetch implementation; default the global one. */
  fetch?: typeof fetch;
}

const RETRYABLE = new Set([429, 503]);
const encoder = new TextEncoder();

/** Retry-After in milliseconds (seconds or an HTTP date), or undefined when absent or unreadable. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fetch that retries 429 and 503, waiting Retry-After (plus jitter) or a jittered backoff. */
function retryingFetch(base: typeof fetch, options: RetryOptions = {}): typeof fetch {
  const retries = options.retries ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  return async (input, init) => {
    const request = new Request(input, init);
    for (let attempt = 0; ; attempt += 1) {
      const response = await base(request.clone());
      if (!RETRYABLE.has(response.status) || attempt >= retries) return response;
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
      const told = retryAfterMs(response.headers.get("retry-after"));
      // Never sooner than the server asked; the jitter spreads clients told the same time.
      const delay =
        told === undefined ? Math.random() * backoff : told + Math.random() * baseDelayMs;
      if (delay > maxDelayMs) return response;
      await response.body?.cancel();
      await sleep(delay);
    }
  };
}

function failure(response: Response, error: unknown): KeywardError {
  const body = (error as Partial<ErrorBody> | undefined)?.error;
  if (body?.code) {
    return new KeywardError(body.code, body.message, response.status, body.requestId, body.details);
  }
  return new KeywardError("internal", `HTTP ${response.status}`, response.status);
}

interface Pending {
  events: KeywardEvent[];
  /** Bytes of the events' JSON plus their separating commas. */
  bytes: number;
  settle: { resolve: () => void; reject: (err: unknown) => void }[];
}

/** Buffers events and sends them as batches within the API's limits, one batch at a time. */
class EventBatcher {
  private pending: Pending = { events: [], bytes: 0, settle: [] };
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly post: (events: KeywardEvent[]) => Promise<void>,
    private readonly limits: { events: number; bytes: number; intervalMs: number },
  ) {}

  /** Queues events; resolves when every one of them was accepted (rejects with its batch's error). */
  send(input: KeywardEvent | KeywardEvent[]): Promise<void> {
    const events = Array.isArray(input) ? input : [input];
    const accepted: Promise<void>[] = [];
    let joined: Pending | undefined;
    for (const event of events) {
      const size = encoder.encode(JSON.stringify(event)).length;
      // `[` and `]`, and a comma before every event but the first.
      if (size + 2 > this.limits.bytes) {
        accepted.push(
          Promise.reject(
            new KeywardError(
              "payload_too_large",
              `an event of ${size} bytes is over the batch limit of ${this.limits.bytes} bytes`,
              null,
            ),
          ),
        );
        continue;
      }
      const withEvent = this.pending.bytes + size + (this.pending.events.length > 0 ? 1 : 0) + 2;
      if (withEvent > this.limits.bytes) this.flushPending();
      if (joined !== this.pending) {
        joined = this.pending;
        const batch = joined;
        accepted.push(new Promise((resolve, reject) => batch.settle.push({ resolve, reject })));
      }
      this.pending.bytes += size + (this.pending.events.length > 0 ? 1 : 0);
      this.pending.events.push(event);
      if (this.pending.events.length >= this.limits.events) this.flushPending();
    }
    if (this.pending.events.length > 0) {
      this.timer ??= setTimeout(() => this.flushPending(), this.limits.intervalMs);
    }
    return Promise.all(accepted).then(() => undefined);
  }

  /** Sends what is buffered; resolves when every batch so far has been answered. */
  flush(): Promise<void> {
    this.flushPending();
    return this.sending;
  }

  private flushPending(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    if (batch.events.length === 0) return;
    this.pending = { events: [], bytes: 0, settle: [] };
    const { settle } = batch;
    this.sending = this.sending.then(() =>
      this.post(batch.events).then(
        () => {
          for (const s of settle) s.resolve();
        },
        (err: unknown) => {
          for (const s of settle) s.reject(err);
        },
      ),
    );
  }
}

export interface Keyward {
  /** The generated, typed client of the whole document (`GET`, `POST`, … by path). */
  readonly api: Client<paths>;
  readonly events: {
    /** Queues events for a batched `POST /v1/events`; resolves once they are stored. */
    send(events: KeywardEvent | KeywardEvent[]): Promise<void>;
    /** Sends the buffered events now. */
    flush(): Promise<void>;
  };
  readonly metrics: { get(query: MetricsQuery): Promise<MetricsAnswer> };
  readonly key: { get(): Promise<KeyInfo> };
  /** Sends what is buffered and stops the flush timer. */
  close(): Promise<void>;
}

/** A client of Keyward's public API, authenticated with an API key. */
export function createKeyward(options: KeywardOptions = {}): Keyward {
  const env = typeof process === "undefined" ? {} : process.env;
  const apiKey = options.apiKey ?? env.KEYWARD_API_KEY;
  if (!apiKey) throw new Error("no API key: pass apiKey or set KEYWARD_API_KEY");
  const api = createClient<paths>({
    baseUrl: (options.baseUrl ?? env.KEYWARD_URL ?? "http://localhost:3000").replace(/\/+$/, ""),
    headers: { "x-api-token": apiKey },
    fetch: retryingFetch(options.fetch ?? globalThis.fetch, options.retry),
  });

  const batcher = new EventBatcher(
    async (events) => {
      const { error, response } = await api.POST("/v1/events", { body: events });
      if (error !== undefined || !response.ok) throw failure(response, error);
    },
    {
      events: Math.min(options.maxBatchEvents ?? MAX_BATCH_EVENTS, MAX_BATCH_EVENTS),
      bytes: Math.min(options.maxBatchBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES),
      intervalMs: options.flushIntervalMs ?? 1_000,
    },
  );

  return {
    api,
    events: { send: (events) => batcher.send(events), flush: () => batcher.flush() },
    metrics: {
      async get(query) {
        const { data, error, response } = await api.GET("/v1/metrics", { params: { query } });
        if (!data) throw failure(response, error);
        return data;
      },
    },
    key: {
      async get() {
        const { data, error, response } = await api.GET("/v1/key");
        if (!data) throw failure(response, error);
        return data;
      },
    },
    close: () => batcher.flush(),
  };
}

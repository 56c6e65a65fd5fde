/**
 * The mechanism: one undici Agent (bounded keep-alive connections per origin, connect/headers/body timeouts),
 * one request function that attaches the token only for the configured origin, and one retry loop driven by
 * the pure policy in retry-policy.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { DomoError, errorFromResponse, networkError, redactPath } from './errors';
import { computeDelay, errorCodeOf, parseRetryAfter, shouldRetry, type Idempotency } from './retry-policy';
import type { RetryOptions } from './types';

/** The path prefix of every Files API endpoint. */
export const API_PREFIX = '/api/files/v1';

/** Settings of the transport, already merged with defaults. */
export interface TransportSettings {
  baseUrl: string;
  token: string;
  maxConnections: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  keepAliveTimeoutMs: number;
  retry: RetryOptions;
  userAgent: string;
  onRetry?: (info: { method: string; path: string; attempt: number; delayMs: number; reason: string }) => void;
  /** Injected for deterministic tests of the mechanism; Math.random otherwise. */
  random?: () => number;
}

/** Query values; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined | null>;

/** One HTTP request as the client describes it. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** An API path (joined to baseUrl + /api/files/v1) or an absolute URL (redirect targets). */
  path?: string;
  url?: URL;
  query?: Query;
  headers?: Record<string, string>;
  /** Called once per attempt, so a retry renders a fresh body. */
  body?: () => string | Buffer | AsyncIterable<Buffer>;
  signal?: AbortSignal;
}

/** A non-2xx answer, thrown inside the retry loop so the policy can see the status. */
export class StatusFailure extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly bodyText: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * Encodes a query with encodeURIComponent (space → %20, + → %2B, & → %26, # → %23, ? → %3F, % → %25,
 * non-ASCII → UTF-8 percent-escapes), never the `+`-for-space form encoding some servers do not decode.
 */
export function encodeQuery(query: Query | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null) continue;
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Reads at most `limit` bytes of an error body as text, then discards the rest. */
export async function readCapped(body: Dispatcher.ResponseData['body'], limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      if (size < limit) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    }
  } catch {
    // an error body that breaks off is still an error: keep what arrived
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, limit);
}

/** HTTP transport with retries; one instance per client. */
export class Transport {
  readonly agent: Agent;
  readonly origin: string;
  private readonly apiBase: string;

  constructor(readonly settings: TransportSettings) {
    this.origin = new URL(settings.baseUrl).origin;
    this.apiBase = `${settings.baseUrl}${API_PREFIX}`;
    this.agent = new Agent({
      connections: settings.maxConnections,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      connect: { timeout: settings.connectTimeoutMs },
      headersTimeout: settings.headersTimeoutMs,
      bodyTimeout: settings.bodyTimeoutMs,
    });
  }

  /** Absolute URL of an API path plus query. */
  urlOf(path: string, query?: Query): URL {
    return new URL(`${this.apiBase}${path}${encodeQuery(query)}`);
  }

  /** The token goes only to the configured origin (scheme + host + port). */
  sendsTokenTo(url: URL): boolean {
    return url.origin === this.origin;
  }

  /** Sends one request and returns the response, whatever its status; the caller consumes the body. */
  async once(spec: RequestSpec): Promise<Dispatcher.ResponseData> {
    const url = spec.url ?? this.urlOf(spec.path ?? '', spec.query);
    const headers: Record<string, string> = { 'user-agent': this.settings.userAgent, ...spec.headers };
    if (this.sendsTokenTo(url)) headers['x-domo-developer-token'] = this.settings.token;
    return request(url, {
      dispatcher: this.agent,
      method: spec.method,
      headers,
      body: toBody(spec.body?.()),
      signal: spec.signal,
    });
  }

  /** Throws StatusFailure for statuses the caller does not accept, after reading the (capped) error body. */
  async check(res: Dispatcher.ResponseData, spec: RequestSpec, accept: (status: number) => boolean = is2xx): Promise<void> {
    if (accept(res.statusCode)) return;
    const text = await readCapped(res.body);
    const url = spec.url ?? this.urlOf(spec.path ?? '', spec.query);
    throw new StatusFailure(res.statusCode, spec.method, url.pathname + url.search, text, parseRetryAfter(res.headers['retry-after']));
  }

  /**
   * Runs `fn` until it succeeds, the policy says stop, or attempts run out; converts the last failure into a
   * typed DomoError carrying the attempt count. Aborts (signal) are rethrown as they are.
   */
  async retrying<T>(
    meta: { method: string; path: string; idempotency: Idempotency; signal?: AbortSignal },
    fn: (attempt: number) => Promise<T>,
  ): Promise<T> {
    const { retry } = this.settings;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(attempt);
      } catch (err) {
        if (meta.signal?.aborted) throw err;
        if (err instanceof DomoError) throw err;
        const status = err instanceof StatusFailure ? err.status : undefined;
        const errorCode = status === undefined ? errorCodeOf(err) : undefined;
        const maxAttempts = Math.max(1, retry.attempts);
        if (!shouldRetry({ attempt, maxAttempts, outcome: { status, errorCode }, idempotency: meta.idempotency })) {
          throw this.toDomoError(err, meta, attempt);
        }
        const delayMs = computeDelay({
          attempt,
          baseDelayMs: retry.baseDelayMs,
          maxDelayMs: retry.maxDelayMs,
          retryAfterMs: err instanceof StatusFailure ? err.retryAfterMs : undefined,
          random: this.settings.random,
        });
        this.settings.onRetry?.({
          method: meta.method,
          path: redactPath(err instanceof StatusFailure ? err.path : meta.path),
          attempt,
          delayMs,
          reason: status !== undefined ? `HTTP ${status}` : (errorCode ?? 'error'),
        });
        await sleep(delayMs, undefined, { signal: meta.signal });
      }
    }
  }

  private toDomoError(err: unknown, meta: { method: string; path: string }, attempts: number): DomoError {
    if (err instanceof StatusFailure) {
      return errorFromResponse({
        status: err.status, method: err.method, path: err.path, bodyText: err.bodyText, attempts,
        token: this.settings.token, retryAfterMs: err.retryAfterMs,
      });
    }
    return networkError({ method: meta.method, path: meta.path, cause: err, attempts, token: this.settings.token });
  }

  /** A JSON request with retries; returns the parsed body (undefined for an empty body, e.g. 204). */
  async json(spec: RequestSpec, idempotency: Idempotency): Promise<unknown> {
    const url = spec.url ?? this.urlOf(spec.path ?? '', spec.query);
    const path = url.pathname + url.search;
    return this.retrying({ method: spec.method, path, idempotency, signal: spec.signal }, async () => {
      const res = await this.once({ ...spec, url });
      await this.check(res, { ...spec, url });
      const text = await res.body.text();
      if (text.trim() === '') return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        // 2xx with a non-JSON body (e.g. a plain "OK" on delete): success with no data
        return undefined;
      }
    });
  }

  /** Closes idle connections and refuses new requests. */
  close(): Promise<void> {
    return this.agent.close();
  }
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}


function toBody(b: string | Buffer | AsyncIterable<Buffer> | undefined): string | Buffer | Readable | undefined {
  if (b === undefined || typeof b === 'string' || Buffer.isBuffer(b)) return b;
  return Readable.from(b, { objectMode: false });
}

/**
 * The mechanism: one undici Agent (as many keep-alive connections as requests may be in flight), one
 * admission limiter (Retry-After gate, adaptive window, pacing), one request function that attaches the token
 * only for the configured origin and enforces the per-attempt deadline, and one retry loop driven by the pure
 * policy in retry-policy.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import { errorFromResponse, isDomoError, networkError, redactPath, unexpectedResponse, type DomoError } from './errors';
import { Limiter } from './limiter';
import { pacingConfig } from './pacing';
import { computeDelay, errorCodeOf, isRateLimitWait, parseRetryAfter, shouldRetry, type Idempotency } from './retry-policy';
import { MAX_JSON_BODY, parseBody, ShapeFailure, type BodyRule } from './shapes';
import type { ClientStats, RetryInfo, RetryOptions } from './types';

/** The path prefix of every Files API endpoint. */
export const API_PREFIX = '/api/files/v1';

/** Settings of the transport, already merged with defaults. */
export interface TransportSettings {
  baseUrl: string;
  token: string;
  /** Most requests in flight, and connections in the pool. */
  concurrency: number;
  adaptive: boolean;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Total deadline of one attempt (headers and body). */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  retry: RetryOptions;
  userAgent: string;
  onRetry?: (info: RetryInfo) => void;
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

/** What an operation is, for messages and for the retry policy. */
export interface CallMeta {
  /** The OpenAPI spec's operationId (getFileSet, createFile, …). */
  operation: string;
  idempotency: Idempotency;
}

/** A non-2xx answer, thrown inside the retry loop so the policy can see the status. */
class StatusFailure extends Error {
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

/** A 2xx whose body the operation cannot use, thrown inside the retry loop. */
class BadResponse extends Error {
  readonly code = 'BAD_RESPONSE';
  constructor(
    readonly why: string,
    readonly status: number,
    readonly contentType: string | undefined,
  ) {
    super(why);
  }
}

/** The per-attempt deadline passed: the abort reason of the attempt's signal. */
class DeadlineExceeded extends Error {
  readonly code = 'DEADLINE';
  constructor(ms: number) {
    super(`no complete response within the ${ms} ms deadline (requestTimeoutMs)`);
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
async function readCapped(body: Dispatcher.ResponseData['body'], limit = 64 * 1024): Promise<string> {
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

/** Reads a whole 2xx body; a body over `limit` bytes is a bad answer, not a reason to run out of memory. */
async function readAll(res: Dispatcher.ResponseData, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BadResponse(`the body is larger than ${limit} bytes`, res.statusCode, headerOf(res, 'content-type'));
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** One header's value (the first, when repeated). */
function headerOf(res: Dispatcher.ResponseData, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** HTTP transport with admission control and retries; one instance per client. */
export class Transport {
  readonly agent: Agent;
  readonly origin: string;
  readonly limiter: Limiter;
  private readonly apiBase: string;

  constructor(readonly settings: TransportSettings) {
    this.origin = new URL(settings.baseUrl).origin;
    this.apiBase = `${settings.baseUrl}${API_PREFIX}`;
    this.agent = new Agent({
      connections: settings.concurrency,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      connect: { timeout: settings.connectTimeoutMs },
      headersTimeout: settings.headersTimeoutMs,
      bodyTimeout: settings.bodyTimeoutMs,
    });
    this.limiter = new Limiter(
      pacingConfig({
        concurrency: settings.concurrency,
        adaptive: settings.adaptive,
        maxGateMs: settings.retry.maxDelayMs,
      }),
    );
  }

  /** Absolute URL of an API path plus query. */
  urlOf(path: string, query?: Query): URL {
    return new URL(`${this.apiBase}${path}${encodeQuery(query)}`);
  }

  /** The token goes only to the configured origin (scheme + host + port). */
  sendsTokenTo(url: URL): boolean {
    return url.origin === this.origin;
  }

  /** The client's traffic counters. */
  stats(): ClientStats {
    return this.limiter.stats();
  }

  /**
   * One attempt: waits for a slot, sends, and hands the response to `consume` (which must read or discard its
   * body); the slot is released, with the answer's status for the throughput controller, when `consume`
   * settles. The whole exchange, body included, must finish within requestTimeoutMs.
   */
  async exchange<T>(spec: RequestSpec, consume: (res: Dispatcher.ResponseData) => Promise<T>): Promise<T> {
    const url = spec.url ?? this.urlOf(spec.path ?? '', spec.query);
    const headers: Record<string, string> = { 'user-agent': this.settings.userAgent, ...spec.headers };
    if (this.sendsTokenTo(url)) headers['x-domo-developer-token'] = this.settings.token;
    const slot = await this.limiter.acquire(spec.signal);
    const ms = this.settings.requestTimeoutMs;
    const attempt = new AbortController();
    const timer = setTimeout(() => attempt.abort(new DeadlineExceeded(ms)), ms);
    const callerSignal = spec.signal;
    const onCallerAbort = (): void => attempt.abort(callerSignal?.reason);
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    let outcome: { status?: number; retryAfterMs?: number } = {};
    let res: Dispatcher.ResponseData | undefined;
    try {
      res = await request(url, {
        dispatcher: this.agent,
        method: spec.method,
        headers,
        body: toBody(spec.body?.()),
        signal: attempt.signal,
      });
      outcome = { status: res.statusCode, retryAfterMs: parseRetryAfter(res.headers['retry-after']) };
      return await consume(res);
    } catch (err) {
      // A DomoError raised while the body was rendered (a source file that changed) may come back wrapped.
      const own = domoErrorIn(err);
      if (own) throw own;
      const reason: unknown = attempt.signal.reason;
      if (reason instanceof DeadlineExceeded && !callerSignal?.aborted) throw reason;
      throw err;
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      if (res && !res.body.readableEnded && !res.body.destroyed) res.body.destroy();
      this.limiter.release(slot, outcome);
    }
  }

  /** Throws StatusFailure for statuses the caller does not accept, after reading the (capped) error body. */
  async check(res: Dispatcher.ResponseData, spec: RequestSpec, accept: (status: number) => boolean = is2xx): Promise<void> {
    if (accept(res.statusCode)) return;
    const text = await readCapped(res.body);
    const url = spec.url ?? this.urlOf(spec.path ?? '', spec.query);
    throw new StatusFailure(res.statusCode, spec.method, url.pathname + url.search, text, parseRetryAfter(res.headers['retry-after']));
  }

  /**
   * Runs `fn` until it succeeds, the policy says stop, or attempts (or the rate-limit wait budget) run out;
   * converts the last failure into a typed DomoError carrying the attempt count. Aborts (signal) are rethrown
   * as they are.
   */
  async retrying<T>(meta: CallMeta & { method: string; path: string; signal?: AbortSignal }, fn: (attempt: number) => Promise<T>): Promise<T> {
    const { retry } = this.settings;
    const maxAttempts = Math.max(1, retry.attempts);
    let counted = 0;
    let rateLimitedSince: number | undefined;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) this.limiter.countRetry();
      try {
        return await fn(attempt);
      } catch (err) {
        if (meta.signal?.aborted) throw err;
        if (isDomoError(err)) throw err;
        const status = err instanceof StatusFailure ? err.status : undefined;
        const retryAfterMs = err instanceof StatusFailure ? err.retryAfterMs : undefined;
        const badResponse = err instanceof BadResponse;
        const errorCode = status === undefined && !badResponse ? errorCodeOf(err) : undefined;
        const rateLimited = isRateLimitWait({ status, retryAfterMs }) && meta.idempotency !== 'never';
        if (!rateLimited) counted++;
        const delayMs = computeDelay({
          attempt: Math.max(1, counted),
          baseDelayMs: retry.baseDelayMs,
          maxDelayMs: retry.maxDelayMs,
          retryAfterMs,
          random: this.settings.random,
        });
        let again: boolean;
        if (rateLimited) {
          const now = Date.now();
          rateLimitedSince ??= now;
          again = now - rateLimitedSince + delayMs <= retry.maxRateLimitWaitMs;
        } else {
          again = shouldRetry({ attempt: counted, maxAttempts, outcome: { status, errorCode, badResponse }, idempotency: meta.idempotency });
        }
        if (!again) throw this.toDomoError(err, meta, attempt);
        this.settings.onRetry?.({
          method: meta.method,
          path: redactPath(err instanceof StatusFailure ? err.path : meta.path),
          attempt,
          delayMs,
          reason: status !== undefined ? `HTTP ${status}` : badResponse ? 'bad response' : (errorCode ?? 'error'),
        });
        await sleep(delayMs, undefined, { signal: meta.signal });
      }
    }
  }

  private toDomoError(err: unknown, meta: CallMeta & { method: string; path: string }, attempts: number): DomoError {
    if (err instanceof StatusFailure) {
      return errorFromResponse({
        status: err.status,
        method: err.method,
        path: err.path,
        bodyText: err.bodyText,
        attempts,
        token: this.settings.token,
        retryAfterMs: err.retryAfterMs,
        operation: meta.operation,
      });
    }
    if (err instanceof BadResponse) {
      return unexpectedResponse({
        operation: meta.operation,
        method: meta.method,
        path: meta.path,
        status: err.status,
        contentType: err.contentType,
        why: err.why,
        attempts,
      });
    }
    return networkError({ method: meta.method, path: meta.path, cause: err, attempts, token: this.settings.token, operation: meta.operation });
  }

  /**
   * A JSON request with retries: the 2xx body is parsed by `rule` and checked by `shape` inside the retry
   * loop, so a bad answer to an idempotent request is retried like a failed one.
   */
  async json<T>(spec: RequestSpec, meta: CallMeta, rule: BodyRule, shape: (body: unknown) => T): Promise<T> {
    const url = spec.url ?? this.urlOf(spec.path ?? '', spec.query);
    const path = url.pathname + url.search;
    const withUrl = { ...spec, url };
    return this.retrying({ ...meta, method: spec.method, path, signal: spec.signal }, () =>
      this.exchange(withUrl, async (res) => {
        await this.check(res, withUrl);
        const text = await readAll(res, MAX_JSON_BODY);
        const contentType = headerOf(res, 'content-type');
        try {
          return shape(parseBody(text, contentType, rule));
        } catch (e) {
          if (e instanceof ShapeFailure) throw new BadResponse(e.message, res.statusCode, contentType);
          throw e;
        }
      }),
    );
  }

  /** Rejects requests still waiting for a slot and closes the connection pool. */
  close(): Promise<void> {
    this.limiter.close();
    return this.agent.close();
  }
}

/** The first DomoError in an error's `cause` chain. */
function domoErrorIn(err: unknown): DomoError | undefined {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (isDomoError(e)) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function is2xx(status: number): boolean {
  return status >= 200 && status < 300;
}

function toBody(b: string | Buffer | AsyncIterable<Buffer> | undefined): string | Buffer | Readable | undefined {
  if (b === undefined || typeof b === 'string' || Buffer.isBuffer(b)) return b;
  return Readable.from(b, { objectMode: false });
}

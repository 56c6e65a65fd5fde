/**
 * Raw requests for the probe: the client reads past what the probe must see (it sends both upload forms,
 * falls back on a 400 to a large page size, accepts any delete status), so the probe talks HTTP itself.
 * The token travels as the client sends it — one header, only to the configured origin — and never
 * appears in an answer or an error this module builds. A 429 is waited out (Retry-After, else backoff),
 * because a rate limit says nothing about the reading a check is after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { buildMultipart, type FormPart } from '../../client/multipart';
import { parseRetryAfter } from '../../client/retry-policy';
import { API_PREFIX, encodeQuery, type Query } from '../../client/transport';

/**
 * Ctrl-C as the CLI reports it: after `stop` no request starts and no wait goes on; `cancel` (a grace period
 * later) aborts the requests still running.
 */
export interface ProbeSignals {
  stop?: AbortSignal;
  cancel?: AbortSignal;
}

/** One answer as it came: status, lower-case headers, body text. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** What a request carries besides method and path. */
export interface RawInit {
  query?: Query;
  json?: unknown;
  form?: FormPart[];
}

/** Header names that speak of rate limits (X-RateLimit-*, RateLimit-*, X-Rate-Limit-*, Retry-After). */
export const RATE_LIMIT_HEADER = /^(x-)?rate-?limit(-|$)|^retry-after$/i;

/** Most attempts of one request that keeps answering 429. */
const MAX_ATTEMPTS = 6;
/** Longest wait for one 429, whatever Retry-After says. */
const MAX_WAIT_MS = 60_000;

/** The parsed JSON body of an answer, or undefined when it is empty or not JSON. */
export function jsonOf(answer: Pick<RawAnswer, 'text'>): unknown {
  const t = answer.text.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** Raw HTTP to one Domo instance's Files API, remembering every rate-limit header it saw. */
export class RawApi {
  /** Rate-limit header name (lower case) → the last value seen. */
  readonly rateLimitHeaders = new Map<string, string>();
  /** 429 answers received (and waited out). */
  throttled = 0;
  private readonly agent = new Agent({ connections: 4, headersTimeout: 120_000, bodyTimeout: 120_000 });
  private readonly origin: string;

  constructor(
    /** The instance's base URL (origin and optional path prefix). */
    readonly baseUrl: string,
    private readonly token: string,
    private readonly signals: ProbeSignals = {},
  ) {
    this.origin = new URL(baseUrl).origin;
  }

  /** A request to an API path (under /api/files/v1). */
  send(method: 'GET' | 'POST' | 'DELETE', path: string, init: RawInit = {}): Promise<RawAnswer> {
    return this.fetch(method, new URL(`${this.baseUrl}${API_PREFIX}${path}${encodeQuery(init.query)}`), init);
  }

  /** A GET of an absolute URL (a download redirect's target): the token goes only to the configured origin. */
  get(url: URL): Promise<RawAnswer> {
    return this.fetch('GET', url, {});
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.agent.close();
  }

  private async fetch(method: 'GET' | 'POST' | 'DELETE', url: URL, init: RawInit): Promise<RawAnswer> {
    for (let attempt = 1; ; attempt++) {
      this.signals.stop?.throwIfAborted();
      const answer = await this.once(method, url, init);
      if (answer.status !== 429 || attempt >= MAX_ATTEMPTS) return answer;
      this.throttled++;
      const waitMs = Math.min(MAX_WAIT_MS, parseRetryAfter(answer.headers['retry-after']) ?? 1000 * 2 ** (attempt - 1));
      await sleep(waitMs, undefined, { signal: this.signals.stop });
    }
  }

  private async once(method: 'GET' | 'POST' | 'DELETE', url: URL, init: RawInit): Promise<RawAnswer> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'domo-filesets-probe' };
    if (url.origin === this.origin) headers['x-domo-developer-token'] = this.token;
    let body: Buffer | string | undefined;
    if (init.form) {
      const mp = buildMultipart(init.form);
      headers['content-type'] = mp.contentType;
      const chunks: Buffer[] = [];
      for await (const c of mp.render()) chunks.push(c);
      body = Buffer.concat(chunks);
    } else if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await request(url, { dispatcher: this.agent, method, headers, body, signal: this.signals.cancel });
    const text = await res.body.text();
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v === undefined) continue;
      const value = Array.isArray(v) ? v.join(', ') : v;
      out[k.toLowerCase()] = value;
      if (RATE_LIMIT_HEADER.test(k)) this.rateLimitHeaders.set(k.toLowerCase(), value);
    }
    return { status: res.statusCode, headers: out, text };
  }
}

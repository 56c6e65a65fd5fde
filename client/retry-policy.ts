/**
 * Retry policy as small pure functions (should I retry? how long?), apart from the mechanism in transport.ts,
 * as in octokit's plugin-retry and aws-sdk-js-v3's middleware-retry.
 *
 * What is retried, and why it is safe:
 * - 'idempotent' requests — GET, DELETE, the two searches, query, upload of a file to a path from a replayable
 *   source (a file path or a Buffer: it overwrites the same path with the same bytes), split-upload parts (the
 *   same part number overwrites the same part), abort — are retried on 429, 500, 502, 503, 504, connection resets,
 *   refused connections and timeouts.
 * - 'connect-only' requests — FileSet create, split-upload initiate and finalize — may have taken effect once
 *   the request reached the server (a second create makes a second FileSet with the same name). They are
 *   retried only when the request provably did not reach the server: a connection that could not be opened
 *   (refused, connect timeout, DNS try-again), or a 429, which Domo (and the emulator) answer before acting.
 *   Never after a 5xx, a reset or a headers timeout.
 * - 'never' requests — uploads from a caller's stream — are not retried: the stream is consumed by the first
 *   attempt and cannot be replayed.
 * - A 2xx whose body is not what the operation needs (UnexpectedResponseError) is retried for idempotent
 *   requests only: for the others the server may have acted on the request.
 * - A 429 with Retry-After is the server saying when to come back, not a failure: it does not use up the
 *   request's attempts; a total wait budget (maxRateLimitWaitMs) bounds it instead.
 */

/** How safe a request is to send again. */
export type Idempotency = 'idempotent' | 'connect-only' | 'never';

/**
 * Statuses worth retrying for idempotent requests. 500 is included (as in aws-sdk's and undici's RetryHandler
 * defaults): Domo's gateways answer transient faults with 500 too, and an idempotent request is safe to repeat.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** Errors raised before the request could reach the server. */
const CONNECT_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

/** Transient transport errors after a connection existed: the request may have been received. */
const TRANSIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'DEADLINE',
]);

/** The outcome of one attempt, as the policy sees it. */
export interface AttemptOutcome {
  /** HTTP status when a response arrived. */
  status?: number;
  /** Error code (err.code) when no response arrived. */
  errorCode?: string;
  /** A 2xx arrived, but its body was not what the operation needs. */
  badResponse?: boolean;
}

/** Extracts a transport error code, looking through `cause` chains (fetch-style wrapping). */
export function errorCodeOf(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Is this outcome worth another attempt for a request of this idempotency class? */
export function isRetryableOutcome(outcome: AttemptOutcome, idempotency: Idempotency): boolean {
  if (idempotency === 'never') return false;
  if (outcome.badResponse) return idempotency === 'idempotent';
  if (outcome.status !== undefined) {
    if (idempotency === 'connect-only') return outcome.status === 429;
    return RETRYABLE_STATUSES.has(outcome.status);
  }
  const code = outcome.errorCode;
  if (code === undefined) return false;
  if (CONNECT_ERROR_CODES.has(code)) return true;
  return idempotency === 'idempotent' && TRANSIENT_ERROR_CODES.has(code);
}

/** Should attempt number `attempt` (1-based, just failed) be followed by another? */
export function shouldRetry(args: { attempt: number; maxAttempts: number; outcome: AttemptOutcome; idempotency: Idempotency }): boolean {
  return args.attempt < args.maxAttempts && isRetryableOutcome(args.outcome, args.idempotency);
}

/**
 * True when the answer is a rate limit with a Retry-After: the wait it asks for is spent from the request's
 * rate-limit budget instead of its attempts.
 */
export function isRateLimitWait(args: { status?: number; retryAfterMs?: number }): boolean {
  return args.status === 429 && args.retryAfterMs !== undefined;
}

/**
 * Parses Retry-After (delta-seconds or HTTP-date) into milliseconds from `nowMs`; undefined when absent or
 * unparseable; 0 for dates in the past.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (!/[a-z]/i.test(s)) return undefined;
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - nowMs);
}

/**
 * Delay before attempt `attempt + 1`. Without Retry-After: exponential backoff with full jitter,
 * random × min(maxDelay, base × 2^(attempt-1)). With Retry-After: the server's delay plus a little jitter
 * (at most baseDelay) so that many clients do not return in lockstep; both capped at maxDelay.
 */
export function computeDelay(args: { attempt: number; baseDelayMs: number; maxDelayMs: number; retryAfterMs?: number; random?: () => number }): number {
  const random = args.random ?? Math.random;
  if (args.retryAfterMs !== undefined) {
    return Math.round(Math.min(args.maxDelayMs, args.retryAfterMs + random() * args.baseDelayMs));
  }
  const ceiling = Math.min(args.maxDelayMs, args.baseDelayMs * 2 ** Math.max(0, args.attempt - 1));
  return Math.round(random() * ceiling);
}

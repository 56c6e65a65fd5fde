import { computeDelay, isRetryableOutcome, parseRetryAfter, shouldRetry } from '../../client/retry-policy';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });
  it('reads an HTTP-date relative to now', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
  });
  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores absent and garbage values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon-ish!', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['2', '9'], now)).toBe(2000);
  });
});

describe('computeDelay', () => {
  it('uses full jitter over an exponential ceiling', () => {
    expect(computeDelay({ attempt: 1, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0.999999 })).toBe(100);
    expect(computeDelay({ attempt: 3, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0.999999 })).toBe(400);
    expect(computeDelay({ attempt: 3, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0 })).toBe(0);
    expect(computeDelay({ attempt: 3, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0.5 })).toBe(200);
  });
  it('caps the exponential ceiling at maxDelayMs', () => {
    expect(computeDelay({ attempt: 30, baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.999999 })).toBe(1000);
  });
  it('honours Retry-After plus a little jitter, capped', () => {
    expect(computeDelay({ attempt: 1, baseDelayMs: 100, maxDelayMs: 60_000, retryAfterMs: 5000, random: () => 0 })).toBe(5000);
    expect(computeDelay({ attempt: 1, baseDelayMs: 100, maxDelayMs: 60_000, retryAfterMs: 5000, random: () => 0.5 })).toBe(5050);
    expect(computeDelay({ attempt: 1, baseDelayMs: 100, maxDelayMs: 2000, retryAfterMs: 3_600_000, random: () => 0 })).toBe(2000);
  });
});

describe('isRetryableOutcome / shouldRetry', () => {
  it.each([429, 500, 502, 503, 504])('retries %i for idempotent requests', (status) => {
    expect(isRetryableOutcome({ status }, 'idempotent')).toBe(true);
  });
  it.each([400, 401, 403, 404, 409, 413, 422, 501])('does not retry %i', (status) => {
    expect(isRetryableOutcome({ status }, 'idempotent')).toBe(false);
  });
  it('retries resets and timeouts for idempotent requests only', () => {
    for (const code of ['ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      expect(isRetryableOutcome({ errorCode: code }, 'idempotent')).toBe(true);
      expect(isRetryableOutcome({ errorCode: code }, 'connect-only')).toBe(false);
    }
  });
  it('retries connect-only requests only when they cannot have reached the server (or 429)', () => {
    expect(isRetryableOutcome({ errorCode: 'ECONNREFUSED' }, 'connect-only')).toBe(true);
    expect(isRetryableOutcome({ errorCode: 'UND_ERR_CONNECT_TIMEOUT' }, 'connect-only')).toBe(true);
    expect(isRetryableOutcome({ status: 429 }, 'connect-only')).toBe(true);
    for (const status of [500, 502, 503, 504]) expect(isRetryableOutcome({ status }, 'connect-only')).toBe(false);
  });
  it('never retries a consumed stream', () => {
    expect(isRetryableOutcome({ status: 503 }, 'never')).toBe(false);
    expect(isRetryableOutcome({ errorCode: 'ECONNREFUSED' }, 'never')).toBe(false);
  });
  it('stops at the attempt budget', () => {
    const outcome = { status: 503 };
    expect(shouldRetry({ attempt: 2, maxAttempts: 3, outcome, idempotency: 'idempotent' })).toBe(true);
    expect(shouldRetry({ attempt: 3, maxAttempts: 3, outcome, idempotency: 'idempotent' })).toBe(false);
  });
  it('does not retry unknown errors (programming errors must surface)', () => {
    expect(isRetryableOutcome({}, 'idempotent')).toBe(false);
    expect(isRetryableOutcome({ errorCode: 'ERR_INVALID_ARG_TYPE' }, 'idempotent')).toBe(false);
  });
});

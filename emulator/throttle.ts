/** Network conditions the emulator can imitate: latency with seeded jitter, and a per-token rate limit. */
import { mulberry32 } from './faults';
import type { RateLimitOptions } from './types';

/** Validates latency and rate-limit options; one line naming the bad value. */
export function validateThrottle(latencyMs: unknown, jitterMs: unknown, rateLimit: RateLimitOptions | undefined): void {
  for (const [name, v] of [
    ['latencyMs', latencyMs],
    ['latencyJitterMs', jitterMs],
  ] as const) {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new Error(`${name} must be a number >= 0, got ${String(v)}`);
  }
  if (rateLimit === undefined) return;
  if (!(typeof rateLimit.rate === 'number' && Number.isFinite(rateLimit.rate) && rateLimit.rate > 0))
    throw new Error(`rateLimit.rate must be a number > 0, got ${String(rateLimit.rate)}`);
  if (!(Number.isInteger(rateLimit.burst) && rateLimit.burst >= 1)) throw new Error(`rateLimit.burst must be an integer >= 1, got ${String(rateLimit.burst)}`);
}

/** Delays of one emulator: latencyMs ± jitter, reproducible from the seed. */
export class Latency {
  private rand: () => number;

  constructor(
    private readonly ms: number,
    private readonly jitterMs: number,
    private readonly seed: number,
  ) {
    this.rand = mulberry32(seed);
  }

  /** Whether any delay applies. */
  get active(): boolean {
    return this.ms > 0 || this.jitterMs > 0;
  }

  /** The next delay in milliseconds (one draw per call, so the sequence depends only on the seed). */
  next(): number {
    if (!this.active) return 0;
    const r = this.rand();
    return Math.max(0, this.ms + (r * 2 - 1) * this.jitterMs);
  }

  /** Restarts the sequence (POST /_emulator/reset). */
  restart(): void {
    this.rand = mulberry32(this.seed);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** One token bucket per key (the developer token). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes a token for `key`: null when allowed, else the whole seconds (>= 1) until one frees. */
  take(key: string): number | null {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.opts.burst, at: t };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.rate);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.rate));
  }

  clear(): void {
    this.buckets.clear();
  }
}

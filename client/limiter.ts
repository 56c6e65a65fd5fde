/**
 * The mechanism behind the throughput controller (pacing.ts): a FIFO queue of requests waiting to start, one
 * timer for the soonest instant the controller allows the next start, and the client's traffic counters.
 * Every HTTP request of a client (attempts, retries, redirect hops, split parts) takes a slot here.
 */
import { admit, initialPacing, isThrottle, settle, currentRate, type PacingConfig, type PacingState } from './pacing';
import type { ClientStats } from './types';

/** A started request; pass it back to `release` exactly once. */
export interface Slot {
  readonly startedAt: number;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(err: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Admission control for one client. */
export class Limiter {
  private state: PacingState;
  private inFlight = 0;
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private readonly counts = { requests: 0, throttled: 0, retries: 0, peakInFlight: 0 };
  private closed = false;

  constructor(
    private readonly cfg: PacingConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.state = initialPacing(cfg, now());
  }

  /** Waits until the controller lets a new request start (FIFO), then counts it in flight. */
  acquire(signal?: AbortSignal): Promise<Slot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closed) return Promise.reject(new Error('The client is closed'));
    return new Promise<Slot>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.pump();
    });
  }

  /**
   * Ends a request: `status` is the answer's status (absent when none came), `retryAfterMs` the server's
   * Retry-After. A 429/503 updates the shared gate, the window and the rate.
   */
  release(slot: Slot, outcome: { status?: number; retryAfterMs?: number }): void {
    this.inFlight--;
    if (isThrottle(outcome.status)) this.counts.throttled++;
    this.state = settle(this.cfg, this.state, { now: this.now(), startedAt: slot.startedAt, ...outcome });
    this.pump();
  }

  /** Counts an attempt that repeats an earlier one (for stats). */
  countRetry(): void {
    this.counts.retries++;
  }

  /** The client's traffic so far. */
  stats(): ClientStats {
    const rate = currentRate(this.cfg, this.state, this.now());
    return {
      ...this.counts,
      window: this.state.window,
      rate: rate === null ? null : Math.round(rate * 100) / 100,
    };
  }

  /** Rejects every waiting request and stops the timer; requests in flight finish normally. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    for (const w of this.queue.splice(0)) {
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      w.reject(new Error('The client is closed'));
    }
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const now = this.now();
      const decision = admit(this.cfg, this.state, this.inFlight, now);
      if (!decision.start) {
        if (decision.waitMs !== null) this.wakeAt(now + decision.waitMs);
        return;
      }
      this.state = decision.state;
      const w = this.queue.shift() as Waiter;
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      this.inFlight++;
      this.counts.requests++;
      this.counts.peakInFlight = Math.max(this.counts.peakInFlight, this.inFlight);
      w.resolve({ startedAt: now });
    }
  }

  private wakeAt(at: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, at - this.now()),
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}

/**
 * The throughput controller as pure functions (state in, decision out), apart from the mechanism that waits
 * and wakes requests (limiter.ts) — the split aws-sdk-js-v3 makes between its retry strategy and its
 * adaptive rate limiter. Three parts decide when a new request may start:
 *
 * - The Retry-After gate: a Retry-After on any answer pauses every new request of the client until it
 *   passes, instead of each request discovering the limit on its own.
 * - The window (AIMD): at most `window` requests in flight. It starts at `initialWindow`, grows by
 *   `windowStep` after an epoch (about one window of completions) in which the window was full, nothing was
 *   throttled and throughput rose; it is cut by `windowDecrease` on 429/503 (once per congestion event:
 *   answers to requests started before the last cut belong to that cut).
 * - The rate (learnt from 429s): against a rate limiter, fast answers make the window meaningless (429s come
 *   back as fast as requests go out), so the controller also paces request starts. The first 429 gives a
 *   first estimate (successes per second so far, over at least a second); the rate then grows quickly
 *   (`discoveryPerSecond`) until the next 429. Each 429 of a paced run yields a lower bound of the server's
 *   rate r: its bucket was empty at the 429 and held at most its burst b at any earlier instant t, so the
 *   successes n(t) since t satisfy n(t) − b ≤ r·(now − t); and it was empty when the
 *   previous gate began, so all successes since then satisfy n ≤ r·(d + gate). b is estimated by the
 *   successes before the first 429; t ranges over the cycle's 25 ms slots at least a second back. A
 *   request's token is taken where the server handled it, estimated as the midpoint of its round trip. New
 *   requests are paced at
 *   `paceBelow` of the best bound, probing upward by `probePerSecond` a second. A 429 never raises the rate
 *   or the window.
 *
 * All times are milliseconds on the caller's clock; rates are requests per second.
 */

/** The controller's fixed parameters. */
export interface PacingConfig {
  /** Most requests in flight; the window never exceeds it. */
  concurrency: number;
  /** false: the window is `concurrency` and requests are never paced (the gate still applies). */
  adaptive: boolean;
  /** The window at the start (default min(8, concurrency)). */
  initialWindow: number;
  /** Additive increase of the window per epoch. */
  windowStep: number;
  /** Multiplicative decrease of the window on 429/503. */
  windowDecrease: number;
  /** Throughput must rise by this share from one epoch to the next for the window to grow again. */
  minGain: number;
  /** New requests are paced at this share of the learnt rate. */
  paceBelow: number;
  /** Once learnt, the rate grows by this share of itself per second without a 429 (slow probing). */
  probePerSecond: number;
  /** Before the rate is learnt (after the first 429), it grows by this factor per second without a 429. */
  discoveryPerSecond: number;
  /** The discovery starts at least this fast (req/s), also when the first answer was already a 429. */
  discoveryFloor: number;
  /** Share of the estimated server burst the pacer may spend at once (after a gate or an idle spell). */
  paceBurst: number;
  /** A 429 at or below the learnt bound (someone else shares the limit) cuts the rate by this factor. */
  rateDecrease: number;
  /** Lowest rate requests are paced at. */
  minRate: number;
  /** Highest rate the discovery grows to. */
  maxRate: number;
  /** Longest pause one Retry-After can impose (the retry policy's maxDelayMs). */
  maxGateMs: number;
}

/** Defaults for the tunables; `concurrency`, `adaptive` and `maxGateMs` come from the client's options. */
export const PACING_DEFAULTS = {
  windowStep: 4,
  windowDecrease: 0.5,
  minGain: 0.02,
  paceBelow: 0.97,
  paceBurst: 0.5,
  probePerSecond: 0.005,
  discoveryPerSecond: 2,
  discoveryFloor: 4,
  rateDecrease: 0.8,
  minRate: 0.5,
  maxRate: 100_000,
} as const;

/** A full configuration from the client's options. */
export function pacingConfig(args: { concurrency: number; adaptive: boolean; maxGateMs: number }): PacingConfig {
  return {
    ...PACING_DEFAULTS,
    concurrency: args.concurrency,
    adaptive: args.adaptive,
    initialWindow: args.adaptive ? Math.min(8, args.concurrency) : args.concurrency,
    maxGateMs: args.maxGateMs,
  };
}

/** The controller's state; every function returns a new one. */
export interface PacingState {
  /** Most requests in flight now, an integer in [1, concurrency]. */
  readonly window: number;
  /** No new request starts before this instant. */
  readonly gateUntil: number;
  /** Pace of new requests (req/s) set at `rateAt`; null while unpaced. */
  readonly rateBase: number | null;
  readonly rateAt: number;
  /** True once a paced run was throttled (slow probing); false while discovering. */
  readonly learnt: boolean;
  /** Pacing credit: a request may start when it is >= 1; at most creditCap is kept. */
  readonly credit: number;
  readonly creditAt: number;
  readonly creditCap: number;
  /** The current epoch of window growth. */
  readonly epochStart: number;
  readonly epochDone: number;
  readonly epochPeak: number;
  readonly epochThrottled: boolean;
  readonly lastThroughput: number | null;
  /** Answers to requests started before this instant belong to the last cut. */
  readonly lastCutAt: number;
  /** The cycle since the last gate ended: its start, its first request, its successes, that gate's length. */
  readonly cycleStart: number;
  readonly cycleFirstAt: number | null;
  readonly cycleOk: number;
  /** Successes of the cycle per SLOT_MS slot from okSlotsStart (the last MAX_SLOTS slots only). */
  readonly okSlots: readonly number[];
  readonly okSlotsStart: number;
  readonly lastGateMs: number;
  /**
   * Successes before the first 429: at least the server's burst when its bucket was full at the start (any
   * refill while they ran only adds to them).
   */
  readonly burst: number | null;
}

/** The state of a new client at `now`. */
export function initialPacing(cfg: PacingConfig, now: number): PacingState {
  return {
    window: clampWindow(cfg, cfg.adaptive ? cfg.initialWindow : cfg.concurrency),
    gateUntil: now,
    rateBase: null,
    rateAt: now,
    learnt: false,
    credit: 1,
    creditAt: now,
    creditCap: 1,
    epochStart: now,
    epochDone: 0,
    epochPeak: 0,
    epochThrottled: false,
    lastThroughput: null,
    lastCutAt: -Infinity,
    cycleStart: now,
    cycleFirstAt: null,
    cycleOk: 0,
    okSlots: [],
    okSlotsStart: now,
    lastGateMs: 0,
    burst: null,
  };
}

/** Width of the success-count slots the rate bound is computed over. */
const SLOT_MS = 25;
/** Slots kept per cycle (10 s); older ones are dropped, which only loosens the bound. */
const MAX_SLOTS = 400;
/** The rate bound only uses spans of at least this length (a burst estimate error is divided by it). */
const MIN_SPAN_MS = 1000;

function countSuccess(s: PacingState, at: number): Pick<PacingState, 'okSlots' | 'okSlotsStart'> {
  let start = s.okSlotsStart;
  let out = s.okSlots.slice();
  let i = Math.max(0, Math.floor((at - start) / SLOT_MS));
  if (i >= MAX_SLOTS) {
    const drop = i - MAX_SLOTS + 1;
    out = out.slice(drop);
    start += drop * SLOT_MS;
    i -= drop;
  }
  while (out.length <= i) out.push(0);
  out[i] += 1;
  return { okSlots: out, okSlotsStart: start };
}

/**
 * The lower bound of the server's rate for a burst estimate `b` (see the header comment), with the bucket
 * empty at `emptyAt` and the answer in hand at `now`.
 */
function boundFor(s: PacingState, emptyAt: number, now: number, b: number): number {
  const d = Math.max(0, now - (s.cycleFirstAt ?? s.cycleStart));
  let best = s.cycleOk / ((d + s.lastGateMs) / 1000 || 1);
  let n = 0;
  for (let k = s.okSlots.length - 1; k >= 0; k--) {
    const from = s.okSlotsStart + k * SLOT_MS;
    if (from > emptyAt) continue;
    n += s.okSlots[k];
    const span = emptyAt - from;
    if (span >= MIN_SPAN_MS) best = Math.max(best, (n - b) / (span / 1000));
  }
  return best;
}

/** The best lower bound of the server's rate (see the header comment). */
function rateLowerBound(s: PacingState, emptyAt: number, now: number): number {
  return boundFor(s, emptyAt, now, s.burst ?? Infinity);
}

/** Where, with the same latency both ways, the server handled the request. */
function midpoint(ev: Settled): number {
  return (ev.startedAt + ev.now) / 2;
}

function clampWindow(cfg: PacingConfig, w: number): number {
  return Math.max(1, Math.min(cfg.concurrency, Math.floor(w)));
}

/** The pace (req/s) at `now`, growing since it was set (time behind the gate does not count); null = unpaced. */
export function currentRate(cfg: PacingConfig, s: PacingState, now: number): number | null {
  if (s.rateBase === null) return null;
  const dt = Math.max(0, now - Math.max(s.rateAt, s.gateUntil)) / 1000;
  const grown = s.learnt ? s.rateBase * (1 + cfg.probePerSecond * dt) : s.rateBase * cfg.discoveryPerSecond ** dt;
  return Math.min(cfg.maxRate, grown);
}

/** What admit decided. `waitMs` null: wait until a request in flight settles. */
export type Admission = { start: true; state: PacingState } | { start: false; waitMs: number | null };

/** May a new request start at `now` with `inFlight` requests running? Starting consumes pacing credit. */
export function admit(cfg: PacingConfig, s: PacingState, inFlight: number, now: number): Admission {
  if (now < s.gateUntil) return { start: false, waitMs: s.gateUntil - now };
  if (inFlight >= s.window) return { start: false, waitMs: null };
  let credit = s.credit;
  const rate = currentRate(cfg, s, now);
  if (rate !== null) {
    credit = Math.min(s.creditCap, credit + ((now - Math.max(s.creditAt, s.gateUntil)) / 1000) * rate);
    if (credit < 1) return { start: false, waitMs: Math.max(1, Math.ceil(((1 - credit) / rate) * 1000)) };
    credit -= 1;
  }
  return {
    start: true,
    state: { ...s, credit, creditAt: now, epochPeak: Math.max(s.epochPeak, inFlight + 1), cycleFirstAt: s.cycleFirstAt ?? now },
  };
}

/** How a request that had started at `startedAt` settled at `now`. */
export interface Settled {
  now: number;
  startedAt: number;
  /** The answer's status; absent when no answer came (a network failure, which says nothing about load). */
  status?: number;
  /** The server's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number;
}

/** True for answers that mean "too much load": they cut the window and may close the gate. */
export function isThrottle(status: number | undefined): boolean {
  return status === 429 || status === 503;
}

/** The state after a request settled (any answer, or a failure without one). */
export function settle(cfg: PacingConfig, s: PacingState, ev: Settled): PacingState {
  if (ev.status === undefined) return s;
  return isThrottle(ev.status) ? throttled(cfg, s, ev) : completed(cfg, s, ev);
}

function completed(cfg: PacingConfig, s: PacingState, ev: Settled): PacingState {
  let next: PacingState = {
    ...s,
    ...(ev.startedAt >= s.cycleStart
      ? { cycleOk: s.cycleOk + 1, ...(s.rateBase === null ? {} : countSuccess(s, midpoint(ev))) }
      : {}),
    epochDone: s.epochDone + 1,
  };
  if (!cfg.adaptive || next.epochDone < next.window) return next;
  // End of an epoch: grow when the window was the limit, nothing was throttled and throughput rose.
  const elapsed = Math.max(1, ev.now - s.epochStart);
  const throughput = next.epochDone / elapsed;
  const rose = next.lastThroughput === null || throughput >= next.lastThroughput * (1 + cfg.minGain);
  const grow = !next.epochThrottled && next.epochPeak >= next.window && rose;
  next = {
    ...next,
    window: grow ? clampWindow(cfg, next.window + cfg.windowStep) : next.window,
    epochStart: ev.now,
    epochDone: 0,
    epochPeak: 0,
    epochThrottled: false,
    lastThroughput: throughput,
  };
  return next;
}

function throttled(cfg: PacingConfig, s: PacingState, ev: Settled): PacingState {
  const gateUntil = ev.retryAfterMs === undefined ? s.gateUntil : Math.max(s.gateUntil, ev.now + Math.min(Math.max(0, ev.retryAfterMs), cfg.maxGateMs));
  const gated: PacingState = { ...s, gateUntil, epochThrottled: true };
  if (!cfg.adaptive || ev.startedAt < s.lastCutAt) return gated;
  const cycleFrom = Math.max(ev.now, gateUntil);
  const cut: PacingState = {
    ...gated,
    window: clampWindow(cfg, s.window * cfg.windowDecrease),
    lastCutAt: ev.now,
    lastThroughput: null,
    epochStart: cycleFrom,
    epochDone: 0,
    epochPeak: 0,
    cycleStart: cycleFrom,
    cycleFirstAt: null,
    cycleOk: 0,
    okSlots: [],
    okSlotsStart: cycleFrom,
    lastGateMs: gateUntil - ev.now > 0 ? gateUntil - ev.now : 0,
    credit: 0,
    creditAt: cycleFrom,
  };
  const rateNow = currentRate(cfg, s, ev.now);
  if (ev.status !== 429) {
    // Overload (503) says nothing about a request rate; a paced client slows down all the same.
    return rateNow === null ? cut : { ...cut, rateBase: Math.max(cfg.minRate, rateNow * cfg.rateDecrease), rateAt: ev.now };
  }
  const d = Math.max(0, ev.now - (s.cycleFirstAt ?? s.cycleStart)) / 1000;
  const n = s.cycleOk;
  if (rateNow === null) {
    // First 429: successes per second so far (over at least a second) start the discovery.
    const first = Math.max(cfg.minRate, cfg.discoveryFloor, Math.min(cfg.maxRate, n / Math.max(1, d)));
    return { ...cut, rateBase: first, rateAt: ev.now, learnt: false, burst: n };
  }
  const bound = rateLowerBound(s, midpoint(ev), ev.now);
  const target = bound * cfg.paceBelow;
  const rate = Math.max(cfg.minRate, Math.min(target < rateNow ? target : rateNow * cfg.rateDecrease, rateNow));
  // The server's bucket refilled during the gate, up to its burst: part of it may be spent at once.
  const creditCap = Math.max(1, Math.floor((s.burst ?? 0) * cfg.paceBurst));
  const credit = Math.min(creditCap, Math.max(0, (rate * cut.lastGateMs) / 1000));
  return { ...cut, rateBase: rate, rateAt: ev.now, learnt: true, creditCap, credit };
}

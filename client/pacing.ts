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
 *   back as fast as requests go out), so the controller also paces request starts. The first 429 sets
 *   where a discovery starts (`discoveryStart` × the successes per second so far, over at least a second);
 *   the pace then grows by `discoveryPerSecond` a second until the next 429. From then on a 429 after a
 *   cycle of at least MIN_SPAN_MS sets the pace to `paceBelow` × an estimate of the server's rate r; after a
 *   shorter cycle it cuts the pace by `rateDecrease`; the pace probes upward by `probePerSecond` a second.
 *   After a pause a token bucket yields its burst before the next 429, so a 429 after fewer successes than
 *   the burst since the pause — in a short cycle, or in any cycle paced at or below the last estimate — came
 *   at random and leaves the pace as it is (the gate and the window still apply): slowing down for random
 *   429s would only make a run crawl. Pacing starts only after a first 429 that followed `minBurst`
 *   successes, and never falls below `floorShare` of the discovery's start. A 429 never raises the pace or
 *   the window.
 *
 * The estimate models the server as a token bucket (rate r, burst b). Its bucket was empty at a 429 and
 * held at most b at any earlier instant t, so the successes n(t) after t satisfy n(t) − b ≤ r·(now − t)
 * (for spans of at least MIN_SPAN_MS); it was empty when the previous gate began, so a cycle's successes
 * satisfy n ≤ r·(d + gate). With b taken as the successes before the first 429 (at least b, when the bucket
 * was full at the start), both give lower bounds of r. The first cycle and a later one both began with a
 * full bucket and ended with an empty one, so r is also where both cycles need the same burst
 * (rateFromTwoCycles), searched between the lower bound and the pace that was throttled. A token is taken
 * where the server handled the request, estimated as the midpoint of its round trip.
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
  /** The discovery starts at this multiple of the successes per second before the first 429. */
  discoveryStart: number;
  /** The discovery starts at least this fast (req/s). */
  discoveryFloor: number;
  /**
   * Pacing starts only after a 429 that followed at least this many successes: a rate limiter's burst. A 429
   * after fewer says nothing about a rate (it may have come at random).
   */
  minBurst: number;
  /** Share of the estimated server burst the pacer may spend at once (after a gate or an idle spell). */
  paceBurst: number;
  /** A 429 at or below the learnt bound (someone else shares the limit) cuts the rate by this factor. */
  rateDecrease: number;
  /** Lowest rate requests are paced at. */
  minRate: number;
  /**
   * The pace never falls below this share of where the discovery started: 429s that come at random (a
   * flaky gateway, injected faults) rather than from a rate limit must not slow a run to a crawl.
   */
  floorShare: number;
  /** Highest rate the discovery grows to. */
  maxRate: number;
  /** Longest pause one Retry-After can impose (the retry policy's maxDelayMs). */
  maxGateMs: number;
}

/** Defaults for the tunables; `concurrency`, `adaptive` and `maxGateMs` come from the client's options. */
const PACING_DEFAULTS = {
  windowStep: 4,
  windowDecrease: 0.5,
  minGain: 0.02,
  paceBelow: 0.95,
  paceBurst: 0.5,
  probePerSecond: 0.0025,
  discoveryPerSecond: 2,
  discoveryStart: 1.5,
  discoveryFloor: 4,
  minBurst: 2,
  rateDecrease: 0.8,
  minRate: 0.5,
  floorShare: 0.5,
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
  /** The pace is never set below this (floorShare × the discovery's start; 0 before the first 429). */
  readonly rateFloor: number;
  /** The last estimate of the server's rate (null until one was made). */
  readonly estimate: number | null;
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
  /** When the cycle's successes took their tokens (the most recent MAX_LOG). */
  readonly okLog: SuccessLog | null;
  readonly lastGateMs: number;
  /**
   * Successes of the requests started before the first 429 was answered (counted as they complete): at least
   * the server's burst when its bucket was full at the start (any refill while they ran only adds to them).
   */
  readonly burst: number | null;
  /** When the first cycle's first request started, and when its 429 was answered. */
  readonly burstFrom: number;
  readonly burstUntil: number;
  /** The first cycle's successes, frozen at its 429 (later successes of its requests added). */
  readonly first: SuccessCurve | null;
}

/** Instants successes took a token, newest first, as an immutable list (adding one shares the rest). */
export interface SuccessLog {
  readonly at: number;
  readonly rest: SuccessLog | null;
  readonly size: number;
}

/** A cycle's successes, and the instant `emptyAt` the server's bucket was empty (its 429). */
export interface SuccessCurve {
  readonly log: SuccessLog | null;
  readonly emptyAt: number;
}

/** The state of a new client at `now`. */
export function initialPacing(cfg: PacingConfig, now: number): PacingState {
  return {
    window: clampWindow(cfg, cfg.adaptive ? cfg.initialWindow : cfg.concurrency),
    gateUntil: now,
    rateBase: null,
    rateAt: now,
    learnt: false,
    rateFloor: 0,
    estimate: null,
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
    okLog: null,
    lastGateMs: 0,
    burst: null,
    burstFrom: now,
    burstUntil: now,
    first: null,
  };
}

/** Successes remembered per cycle; older ones are dropped, which only loosens the bound. */
const MAX_LOG = 2048;
/** The rate bound only uses spans of at least this length (a burst estimate error is divided by it). */
const MIN_SPAN_MS = 1000;

/** The log with one more success at `at`; trimmed to the newest MAX_LOG now and then (amortized O(1)). */
function logSuccess(log: SuccessLog | null, at: number): SuccessLog {
  const size = (log?.size ?? 0) + 1;
  if (size <= 2 * MAX_LOG) return { at, rest: log, size };
  const keep = [at];
  for (let n = log; n !== null && keep.length < MAX_LOG; n = n.rest) keep.push(n.at);
  let out: SuccessLog | null = null;
  for (let i = keep.length - 1; i >= 0; i--) out = { at: keep[i], rest: out, size: keep.length - i };
  return out as SuccessLog;
}

/** The logged instants up to `until`, newest first. */
function instants(log: SuccessLog | null, until: number): number[] {
  const out: number[] = [];
  for (let n = log; n !== null; n = n.rest) if (n.at <= until) out.push(n.at);
  return out.sort((a, b) => b - a);
}

/**
 * The lower bound of the server's rate for a burst estimate `b` (see the header comment), with the bucket
 * empty at `emptyAt` and the answer in hand at `now`.
 */
function boundFor(s: PacingState, emptyAt: number, now: number, b: number): number {
  const d = Math.max(0, now - (s.cycleFirstAt ?? s.cycleStart));
  let best = s.cycleOk / ((d + s.lastGateMs) / 1000 || 1);
  const times = instants(s.okLog, emptyAt);
  for (let k = 0; k < times.length; k++) {
    const span = emptyAt - times[k];
    if (span >= MIN_SPAN_MS) best = Math.max(best, (k + 1 - b) / (span / 1000));
  }
  return best;
}

/** The best lower bound of the server's rate (see the header comment). */
function rateLowerBound(s: PacingState, emptyAt: number, now: number): number {
  return boundFor(s, emptyAt, now, s.burst ?? Infinity);
}

/**
 * The burst a cycle needed if the server's rate is `r`: the most successes any span ending at the empty
 * bucket had beyond what the rate refilled in it. Decreasing in r.
 */
export function burstNeeded(times: readonly number[], emptyAt: number, r: number): number {
  let best = 0;
  for (let k = 0; k < times.length; k++) best = Math.max(best, k + 1 - (r * (emptyAt - times[k])) / 1000);
  return best;
}

/**
 * The server's rate estimated from two cycles that both began with a full bucket and ended with it empty:
 * the rate at which both needed the same burst (a token bucket has one). Searched within [lo, hi]; when the
 * cycles disagree everywhere there, `lo`.
 */
export function rateFromTwoCycles(a: SuccessCurve, b: SuccessCurve, lo: number, hi: number): number {
  const ta = instants(a.log, a.emptyAt);
  const tb = instants(b.log, b.emptyAt);
  const gap = (r: number): number => burstNeeded(ta, a.emptyAt, r) - burstNeeded(tb, b.emptyAt, r);
  if (!(hi > lo) || gap(lo) >= 0 || gap(hi) <= 0) return lo;
  let l = lo;
  let h = hi;
  for (let i = 0; i < 40; i++) {
    const m = (l + h) / 2;
    if (gap(m) < 0) l = m;
    else h = m;
  }
  return l;
}

function lateSuccess(c: SuccessCurve | null, at: number): SuccessCurve | null {
  if (c === null || at > c.emptyAt) return c;
  return { log: logSuccess(c.log, at), emptyAt: c.emptyAt };
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
    ...(ev.startedAt >= s.cycleStart ? { cycleOk: s.cycleOk + 1, okLog: logSuccess(s.okLog, midpoint(ev)) } : {}),
    // A request of the first cycle that succeeds after the first 429 took a token then too.
    ...(s.burst !== null && ev.startedAt < s.burstUntil ? { burst: s.burst + 1, first: lateSuccess(s.first, midpoint(ev)) } : {}),
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
    okLog: null,
    lastGateMs: gateUntil - ev.now > 0 ? gateUntil - ev.now : 0,
    credit: 0,
    creditAt: cycleFrom,
  };
  const rateNow = currentRate(cfg, s, ev.now);
  const rateFloor = s.rateFloor;
  // Overload (503) says nothing about a request rate; a paced client slows down all the same.
  if (ev.status !== 429) return rateNow === null ? cut : { ...cut, rateBase: Math.max(cfg.minRate, rateFloor, rateNow * cfg.rateDecrease), rateAt: ev.now };
  const d = Math.max(0, ev.now - (s.cycleFirstAt ?? s.cycleStart)) / 1000;
  const n = s.cycleOk;
  if (rateNow === null) {
    if (n < cfg.minBurst) return cut;
    // First 429 after a burst: successes per second so far (over at least a second) set where the discovery
    // starts.
    const first = Math.max(cfg.minRate, cfg.discoveryFloor, Math.min(cfg.maxRate, (cfg.discoveryStart * n) / Math.max(1, d)));
    return {
      ...cut,
      rateBase: first,
      rateAt: ev.now,
      learnt: false,
      rateFloor: first * cfg.floorShare,
      burst: n,
      burstFrom: s.cycleFirstAt ?? s.cycleStart,
      burstUntil: ev.now,
      first: { log: s.okLog, emptyAt: midpoint(ev) },
    };
  }
  // After a gate a rate limiter's bucket yields its burst before the next 429. The first cycle's successes,
  // less what the rate (below the pace that was just throttled) added while they ran, are at most the burst.
  const burstFloor = s.burst === null ? 0 : s.burst - (rateNow * (s.burstUntil - s.burstFrom)) / 1000;
  const beforeBurst = n < burstFloor;
  // Paced at or below the rate last estimated, and before a bucket's burst was through: a bucket of that rate
  // could not have emptied — this 429 came at random. Slowing down for it would not avoid the next one.
  if (s.learnt && s.estimate !== null && rateNow <= s.estimate && beforeBurst) return cut;
  if (d * 1000 < MIN_SPAN_MS) {
    // Too short a cycle to estimate from. A 429 before the burst was through came at random, and slowing
    // down for each such would make a run with random 429s crawl; after it, the pace was too fast.
    if (beforeBurst) return cut;
    return { ...cut, rateBase: Math.max(cfg.minRate, rateFloor, rateNow * cfg.rateDecrease), rateAt: ev.now, learnt: true };
  }
  const bound = rateLowerBound(s, midpoint(ev), ev.now);
  // Both this cycle and the first began with a full bucket (this one after a gate) and ended empty.
  const estimate = s.first === null ? bound : rateFromTwoCycles(s.first, { log: s.okLog, emptyAt: midpoint(ev) }, bound, rateNow);
  const target = estimate * cfg.paceBelow;
  const rate = Math.max(cfg.minRate, rateFloor, Math.min(target < rateNow ? target : rateNow * cfg.rateDecrease, rateNow));
  // The server's bucket refilled during the gate, up to its burst: part of it may be spent at once.
  const creditCap = Math.max(1, Math.floor(burstFloor * cfg.paceBurst));
  const credit = Math.min(creditCap, Math.max(0, (rate * cut.lastGateMs) / 1000));
  return { ...cut, rateFloor, estimate, rateBase: rate, rateAt: ev.now, learnt: true, creditCap, credit };
}

/**
 * A discrete-event simulation of the throughput controller (client/pacing.ts) against a token-bucket server,
 * in virtual time: the same admit/settle calls the limiter makes, without sockets or wall-clock time, so a
 * test can run a thousand requests in milliseconds and assert exact counts.
 */
import * as pacing from '../../../client/pacing';

/** The simulated server: a token bucket answering 429 + Retry-After (whole seconds, at least 1). */
export interface SimServer {
  /** Tokens per second. */
  rate: number;
  /** Bucket size (the server starts full). */
  burst: number;
  /** Round trip of one request, ms (the bucket is checked half-way). */
  latencyMs: number;
  /** Extra round-trip time drawn per request from [0, jitterMs), split unevenly between the two ways. */
  jitterMs?: number;
  /** Seed of the jitter's generator (a run is deterministic). */
  seed?: number;
  /** Share of requests answered 429 at random, whatever the bucket holds (a flaky gateway). */
  randomLimitShare?: number;
}

/** What a simulated run measured. */
export interface SimResult {
  /** Virtual time until the last request succeeded, ms. */
  elapsedMs: number;
  /** Requests sent (attempts). */
  sent: number;
  /** Answers 429. */
  limited: number;
  /** Successful requests per second over the run. */
  throughput: number;
  /** Most requests in flight at once. */
  peakInFlight: number;
  /** Largest window the controller reached. */
  peakWindow: number;
  /** A request started before a Retry-After instant that was already known (must stay 0). */
  gateViolations: number;
  final: pacing.PacingState;
}

/** Runs `requests` requests (each retried after a 429 until it succeeds) through the controller. */
export function simulate(cfg: pacing.PacingConfig, server: SimServer, requests: number, retryJitterMs = 0): SimResult {
  let now = 0;
  let state = pacing.initialPacing(cfg, now);
  let tokens = server.burst;
  let tokensAt = 0;
  // Requests waiting to start: ready at a time (a retry waits for its Retry-After).
  const waiting: number[] = Array.from({ length: requests }, () => 0);
  const events: { at: number; startedAt: number; ok: boolean; retryAfterMs?: number }[] = [];
  let inFlight = 0;
  let sent = 0;
  let limited = 0;
  let done = 0;
  let peakInFlight = 0;
  let peakWindow = state.window;
  let gateViolations = 0;
  let knownGate = 0;
  let lastSuccessAt = 0;
  let seed = server.seed ?? 1;
  const random = (): number => {
    // mulberry32: a small deterministic generator
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  for (let guard = 0; done < requests && guard < 10_000_000; guard++) {
    // Start whatever may start now.
    let nextWake = Infinity;
    for (;;) {
      const i = waiting.findIndex((t) => t <= now);
      if (i < 0) {
        const soonest = Math.min(...waiting);
        if (Number.isFinite(soonest)) nextWake = Math.min(nextWake, soonest);
        break;
      }
      const a = pacing.admit(cfg, state, inFlight, now);
      if (!a.start) {
        if (a.waitMs !== null) nextWake = Math.min(nextWake, now + a.waitMs);
        break;
      }
      if (now < knownGate) gateViolations++;
      state = a.state;
      waiting.splice(i, 1);
      inFlight++;
      sent++;
      peakInFlight = Math.max(peakInFlight, inFlight);
      const rtt = server.latencyMs + random() * (server.jitterMs ?? 0);
      const arrive = now + rtt * (server.jitterMs ? 0.2 + 0.6 * random() : 0.5);
      tokens = Math.min(server.burst, tokens + ((arrive - tokensAt) / 1000) * server.rate);
      tokensAt = arrive;
      const unlucky = server.randomLimitShare !== undefined && random() < server.randomLimitShare;
      if (tokens >= 1 && !unlucky) {
        tokens -= 1;
        events.push({ at: now + rtt, startedAt: now, ok: true });
      } else {
        const retryAfterMs = Math.max(1, Math.ceil(Math.max(0, 1 - tokens) / server.rate)) * 1000;
        if (process.env.SIMDEBUG) console.log(`429 at ${now} tokens ${tokens.toFixed(2)} sent ${sent}`);
        events.push({ at: now + rtt, startedAt: now, ok: false, retryAfterMs });
      }
    }
    events.sort((x, y) => x.at - y.at);
    const ev = events[0];
    const t = Math.min(ev?.at ?? Infinity, nextWake);
    if (!Number.isFinite(t)) break;
    now = Math.max(now, t);
    while (events.length && events[0].at <= now) {
      const e = events.shift() as (typeof events)[number];
      inFlight--;
      if (e.ok) {
        state = pacing.settle(cfg, state, { now: e.at, startedAt: e.startedAt, status: 200 });
        done++;
        lastSuccessAt = e.at;
      } else {
        limited++;
        state = pacing.settle(cfg, state, { now: e.at, startedAt: e.startedAt, status: 429, retryAfterMs: e.retryAfterMs });
        knownGate = Math.max(knownGate, e.at + Math.min(e.retryAfterMs ?? 0, cfg.maxGateMs));
        waiting.push(e.at + (e.retryAfterMs ?? 0) + retryJitterMs);
      }
      peakWindow = Math.max(peakWindow, state.window);
    }
  }
  return {
    elapsedMs: lastSuccessAt,
    sent,
    limited,
    throughput: done / (lastSuccessAt / 1000),
    peakInFlight,
    peakWindow,
    gateViolations,
    final: state,
  };
}

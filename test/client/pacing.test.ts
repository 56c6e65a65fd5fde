/**
 * The throughput controller's pure functions: invariants under arbitrary event sequences (fast-check), and
 * whole runs against a simulated token bucket in virtual time (no sockets, no wall clock).
 */
import fc from 'fast-check';
import {
  admit,
  burstNeeded,
  currentRate,
  initialPacing,
  pacingConfig,
  rateFromTwoCycles,
  settle,
  type PacingConfig,
  type PacingState,
  type SuccessLog,
} from '../../client/pacing';
import { simulate } from './helpers/pacing-sim';

type Cmd = { kind: 'tick'; ms: number } | { kind: 'admit' } | { kind: 'settle'; pick: number; status: number | undefined; retryAfterMs: number | undefined };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant('admit' as const) }),
  fc.record({
    kind: fc.constant('settle' as const),
    pick: fc.nat(),
    status: fc.constantFrom(200, 201, 204, 404, 429, 429, 503, 500, undefined),
    retryAfterMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
  }),
);

const configs = fc
  .record({
    concurrency: fc.integer({ min: 1, max: 128 }),
    adaptive: fc.boolean(),
    maxGateMs: fc.integer({ min: 0, max: 60_000 }),
  })
  .map(pacingConfig);

/** Runs the commands; `check` sees every transition. */
function run(
  cfg: PacingConfig,
  cmds: Cmd[],
  check: (t: { before: PacingState; after: PacingState; cmd: Cmd; now: number; started: boolean; gate: number }) => void,
): void {
  let now = 1_000_000;
  let s = initialPacing(cfg, now);
  const running: number[] = [];
  let gate = -Infinity; // the latest Retry-After instant announced so far
  for (const c of cmds) {
    const before = s;
    let started = false;
    if (c.kind === 'tick') now += c.ms;
    else if (c.kind === 'admit') {
      const a = admit(cfg, s, running.length, now);
      if (a.start) {
        s = a.state;
        running.push(now);
        started = true;
      }
    } else if (running.length > 0) {
      const [startedAt] = running.splice(c.pick % running.length, 1);
      s = settle(cfg, s, { now, startedAt, status: c.status, retryAfterMs: c.retryAfterMs });
      if ((c.status === 429 || c.status === 503) && c.retryAfterMs !== undefined) gate = Math.max(gate, now + Math.min(c.retryAfterMs, cfg.maxGateMs));
    }
    check({ before, after: s, cmd: c, now, started, gate });
  }
}

describe('throughput controller invariants (property tests)', () => {
  const params = { numRuns: 300 };

  it('keeps the window within [1, concurrency]', () => {
    fc.assert(
      fc.property(configs, fc.array(cmd, { maxLength: 300 }), (cfg, cmds) => {
        run(cfg, cmds, ({ after }) => {
          expect(Number.isInteger(after.window)).toBe(true);
          expect(after.window).toBeGreaterThanOrEqual(1);
          expect(after.window).toBeLessThanOrEqual(cfg.concurrency);
        });
      }),
      params,
    );
  });

  it('a 429 or 503 never increases the window or the pace', () => {
    fc.assert(
      fc.property(configs, fc.array(cmd, { maxLength: 300 }), (cfg, cmds) => {
        run(cfg, cmds, ({ before, after, cmd: c, now }) => {
          if (c.kind !== 'settle' || (c.status !== 429 && c.status !== 503)) return;
          expect(after.window).toBeLessThanOrEqual(before.window);
          const r0 = currentRate(cfg, before, now);
          const r1 = currentRate(cfg, after, now);
          if (r0 !== null) expect(r1 as number).toBeLessThanOrEqual(r0 + 1e-9);
        });
      }),
      params,
    );
  });

  it('grows the window only on an answer that is not throttled, in an epoch without throttling', () => {
    fc.assert(
      fc.property(configs, fc.array(cmd, { maxLength: 300 }), (cfg, cmds) => {
        run(cfg, cmds, ({ before, after, cmd: c }) => {
          if (after.window <= before.window) return;
          expect(c.kind).toBe('settle');
          expect(c.kind === 'settle' && (c.status === 429 || c.status === 503)).toBe(false);
          expect(before.epochThrottled).toBe(false);
          expect(cfg.adaptive).toBe(true);
        });
      }),
      params,
    );
  });

  it('never lets a request start before a Retry-After instant it was told', () => {
    fc.assert(
      fc.property(configs, fc.array(cmd, { maxLength: 300 }), (cfg, cmds) => {
        run(cfg, cmds, ({ started, now, gate }) => {
          if (started) expect(now).toBeGreaterThanOrEqual(gate);
        });
      }),
      params,
    );
  });

  it('adaptive: false pins the window at concurrency and never paces', () => {
    fc.assert(
      fc.property(
        configs.map((c) => ({ ...c, adaptive: false, initialWindow: c.concurrency })),
        fc.array(cmd, { maxLength: 200 }),
        (cfg, cmds) => {
          run(cfg, cmds, ({ after, now }) => {
            expect(after.window).toBe(cfg.concurrency);
            expect(currentRate(cfg, after, now)).toBeNull();
          });
        },
      ),
      params,
    );
  });

  it('never starts more than the window', () => {
    fc.assert(
      fc.property(configs, fc.array(cmd, { maxLength: 300 }), (cfg, cmds) => {
        let inFlight = 0;
        run(cfg, cmds, ({ before, started, cmd: c }) => {
          if (started) {
            expect(inFlight).toBeLessThan(before.window);
            inFlight++;
          } else if (c.kind === 'settle' && inFlight > 0) inFlight--;
        });
      }),
      params,
    );
  });
});

describe('whole runs against a simulated token bucket (virtual time)', () => {
  // The bucket's own limit is the burst, then 50 a second: 19.6 s for 1,000 requests. Two Retry-After pauses
  // of a second (finding the limit, then measuring the rate) and pacing a little below the estimate cost the
  // rest; the share reached stays at 85% or more across latencies and jitter.
  it.each([
    // [latency ms, jitter ms, concurrency, seed]
    [1, 0, 64, 1],
    [2, 0, 8, 1],
    [1, 5, 64, 3],
    [2, 20, 64, 4],
    [40, 20, 16, 5],
  ])(
    '50 req/s, burst 20, 1,000 requests, latency %i ms + jitter %i ms, concurrency %i: >= 85%% of the limit, <= 5%% answered 429',
    (latencyMs, jitterMs, concurrency, seed) => {
      const cfg = pacingConfig({ concurrency, adaptive: true, maxGateMs: 30_000 });
      const r = simulate(cfg, { rate: 50, burst: 20, latencyMs, jitterMs, seed }, 1000);
      const floorMs = ((1000 - 20) / 50) * 1000;
      expect(floorMs / r.elapsedMs).toBeGreaterThanOrEqual(0.85);
      expect(r.limited / r.sent).toBeLessThanOrEqual(0.05);
      expect(r.gateViolations).toBe(0);
      expect(r.final.rateBase).not.toBeNull();
      expect(r.final.rateBase as number).toBeLessThanOrEqual(50);
    },
  );

  it('honours every Retry-After, and estimates the rate of a bucket that refills within one pause closely', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 400 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 150 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer(),
        (rate, burst, latencyMs, concurrency, jitterMs, seed) => {
          const cfg = pacingConfig({ concurrency, adaptive: true, maxGateMs: 30_000 });
          const r = simulate(cfg, { rate, burst, latencyMs, jitterMs, seed }, 400);
          expect(r.gateViolations).toBe(0);
          // The model assumes the bucket is full again after a one-second pause; a burst larger than a
          // second's refill breaks that (such a run is held to the limit by the pauses themselves).
          if (r.final.estimate !== null && burst <= rate) {
            expect(r.final.estimate).toBeLessThanOrEqual(rate * 1.3);
            expect(r.final.rateBase as number).toBeLessThanOrEqual(Math.max(rate * 1.3, r.final.rateFloor));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([1, 2, 3])('429s that come at random (5%% of requests, no rate limit) do not slow the run to a crawl (seed %i)', (seed) => {
    const cfg = pacingConfig({ concurrency: 8, adaptive: true, maxGateMs: 30_000 });
    const r = simulate(cfg, { rate: 1e9, burst: 1e9, latencyMs: 3, jitterMs: 2, seed, randomLimitShare: 0.05 }, 400);
    expect(r.gateViolations).toBe(0);
    // Every 429 pauses the whole client for its Retry-After (1 s); the pace adds to that, boundedly.
    expect(r.elapsedMs).toBeLessThanOrEqual(r.limited * 5000);
    expect(r.final.rateBase === null || r.final.rateBase >= r.final.rateFloor).toBe(true);
  });

  it('without rate limiting never paces and grows the window to the concurrency when latency makes it pay', () => {
    const cfg = pacingConfig({ concurrency: 64, adaptive: true, maxGateMs: 30_000 });
    const r = simulate(cfg, { rate: 1e9, burst: 1e9, latencyMs: 40 }, 3000);
    expect(r.limited).toBe(0);
    expect(r.final.rateBase).toBeNull();
    expect(r.peakWindow).toBe(64);
    expect(r.peakInFlight).toBe(64);
  });
});

describe('the two-cycle rate estimate', () => {
  /** Successes of a cycle that starts with a full bucket (rate r, burst b) and sends at `pace` until it is empty. */
  function cycle(start: number, r: number, b: number, pace: (t: number) => number): { log: SuccessLog | null; emptyAt: number } {
    let tokens = b;
    let t = start;
    let log: SuccessLog | null = null;
    let size = 0;
    for (let guard = 0; guard < 100_000; guard++) {
      const dt = 1000 / pace(t - start);
      t += dt;
      tokens = Math.min(b, tokens + (r * dt) / 1000);
      if (tokens < 1) return { log, emptyAt: t };
      tokens -= 1;
      log = { at: t, rest: log, size: ++size };
    }
    throw new Error('the cycle never emptied the bucket');
  }

  it.each([
    [50, 20],
    [10, 5],
    [200, 60],
  ])('recovers a token bucket of %i/s, burst %i, from a fast burst and a ramp', (r, b) => {
    const first = cycle(0, r, b, () => r * 20);
    const second = cycle(5000, r, b, (ms) => (r / 2) * 2 ** (ms / 1000));
    const est = rateFromTwoCycles(first, second, 1, r * 4);
    expect(est).toBeGreaterThan(r * 0.9);
    expect(est).toBeLessThan(r * 1.1);
  });

  it('the burst a cycle needs falls as the assumed rate rises', () => {
    const c = cycle(0, 50, 20, (ms) => 25 * 2 ** (ms / 1000));
    const times: number[] = [];
    for (let n = c.log; n; n = n.rest) times.push(n.at);
    let last = Infinity;
    for (const r of [0, 10, 25, 50, 100, 200]) {
      const need = burstNeeded(times, c.emptyAt, r);
      expect(need).toBeLessThanOrEqual(last);
      last = need;
    }
  });

  it('falls back to the lower bound when the cycles disagree everywhere in range', () => {
    const a = cycle(0, 50, 20, () => 1000);
    expect(rateFromTwoCycles(a, a, 30, 60)).toBe(30);
  });
});

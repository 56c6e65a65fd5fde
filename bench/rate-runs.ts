/**
 * The rate-limited regime: a token bucket of 50 requests/s with a burst of 20 per token, answering 429 with
 * Retry-After (whole seconds) before doing any work. The loader's cold apply of 1,000 × 1 KiB must finish in
 * one run; baseline 1 (the documentation's example loop) and curl ×8 meet the same limit, and what they do
 * with a 429 is recorded.
 */
import { curlParallel, seedWay } from './baselines';
import type { CorpusSpec } from './corpus';
import { runColdApplies } from './loader-runs';
import { corpusRecord, makeCorpus, withEmulator, type RegimeContext, type RegimeOutcome } from './regime';
import type { Measurement } from './types';

/** The emulator's token bucket in this regime. */
const RATE_LIMIT = { rate: 50, burst: 20 } as const;

/** The rate-limited corpus. */
function rateSpec(quick: boolean): CorpusSpec {
  return { name: 'rate', files: quick ? 200 : 1000, fileBytes: 1024, perDir: 100 };
}

/** Runs the rate-limited regime in an emulator of its own. */
export async function runRateLimited(ctx: RegimeContext): Promise<RegimeOutcome> {
  const args = ['--rate-limit', String(RATE_LIMIT.rate), '--burst', String(RATE_LIMIT.burst)];
  const spec = rateSpec(ctx.quick);
  const { corpus, dir } = makeCorpus(ctx, spec);
  const results: Record<string, Measurement> = {};
  await withEmulator(ctx, args, async (emu) => {
    const lctx = { cliBin: ctx.cliBin, emu, reps: ctx.reps, profileArgs: [], log: ctx.log };
    const bctx = { distBench: ctx.distBench, emu, reps: ctx.reps, quick: ctx.quick, skipRclone: true, log: ctx.log, recordFailures: true };
    results.cold = (await runColdApplies(lctx, spec, corpus, dir, { recordFailures: true })).cold;
    results.seedWay = await seedWay(bctx, spec, corpus, dir);
    results.curl = await curlParallel(bctx, spec, corpus, dir);
  });
  return {
    info: {
      name: 'RATE',
      title: `Rate-limited: ${RATE_LIMIT.rate} requests/s, burst ${RATE_LIMIT.burst}`,
      emulatorArgs: args,
      corpora: [corpusRecord(corpus)],
      rateLimit: { ...RATE_LIMIT },
    },
    results,
    notes: [
      `Rate-limited: throughput is measured against the floor a perfect client could reach, (accepted requests − burst ${RATE_LIMIT.burst}) ÷ ${RATE_LIMIT.rate}/s; the wall time includes Node's start-up and the scan.`,
    ],
  };
}

/**
 * The WAN regime: every API request crosses a link of about 40 ms round trip (the emulator waits 20 ms
 * before handling a request and 20 ms before answering it). The loader's cold apply of A′ (1,000 × 4 KiB)
 * runs against baseline 1 (the Domo documentation's upload example in a sequential loop) and curl ×8 through
 * the same emulator; a 10,000-file corpus gives the loader's cold and no-op applies, and baseline 1's time
 * for it is scaled from its 1,000-file run.
 */
import { curlParallel, seedWay } from './baselines';
import { corpusDirectoryCount, type CorpusSpec } from './corpus';
import { runColdApplies } from './loader-runs';
import { megabytes, perSecond } from './stats';
import { corpusRecord, makeCorpus, withEmulator, type RegimeContext, type RegimeOutcome } from './regime';
import type { Measurement } from './types';

/** One-way delay the emulator adds before handling and again before answering (≈ 2× per round trip). */
const WAN_LATENCY_MS = 20;

/** The WAN corpora: A′ for the comparison with the baselines, and the large one for the no-op. */
function wanSpecs(quick: boolean): { small: CorpusSpec; large: CorpusSpec } {
  const KiB = 1024;
  return quick
    ? { small: { name: 'wan-small', files: 200, fileBytes: 4 * KiB, perDir: 100 }, large: { name: 'wan-large', files: 1000, fileBytes: 4 * KiB, perDir: 100 } }
    : {
        small: { name: 'wan-small', files: 1000, fileBytes: 4 * KiB, perDir: 100 },
        large: { name: 'wan-large', files: 10000, fileBytes: 4 * KiB, perDir: 100 },
      };
}

/**
 * Baseline 1's time for `files` files from its run over `measured.files`: it uploads one file after
 * another, so its time is proportional to the number of files (the same latency and file size).
 */
export function extrapolateSequential(measured: Measurement, files: number, bytes: number, label: string): Measurement {
  const scale = files / measured.files;
  const wallMs = measured.wallMs * scale;
  return {
    label,
    files,
    bytes,
    reps: 0,
    wallMs,
    samplesMs: [],
    filesPerSec: perSecond(files, wallMs),
    mbPerSec: perSecond(megabytes(bytes), wallMs),
    peakRssMB: null,
    requests: null,
    extrapolated: `${measured.files.toLocaleString('en-US')}-file run × ${scale}: the loop is sequential, one upload after another, so its time grows with the number of files`,
  };
}

/** Runs the WAN regime in an emulator of its own. */
export async function runWan(ctx: RegimeContext): Promise<RegimeOutcome> {
  const args = ['--latency-ms', String(WAN_LATENCY_MS)];
  const specs = wanSpecs(ctx.quick);
  const small = makeCorpus(ctx, specs.small);
  const large = makeCorpus(ctx, specs.large);
  const results: Record<string, Measurement> = {};
  await withEmulator(ctx, args, async (emu) => {
    const lctx = { cliBin: ctx.cliBin, emu, reps: ctx.reps, profileArgs: [], log: ctx.log };
    const bctx = { distBench: ctx.distBench, emu, reps: ctx.reps, quick: ctx.quick, skipRclone: true, log: ctx.log };
    const s = await runColdApplies(lctx, specs.small, small.corpus, small.dir, { coldLabel: 'loader: cold apply (A′)' });
    results.cold = s.cold;
    results.seedWay = await seedWay(bctx, specs.small, small.corpus, small.dir);
    results.curl = await curlParallel(bctx, specs.small, small.corpus, small.dir);
    const l = await runColdApplies(lctx, specs.large, large.corpus, large.dir, {
      noop: true,
      coldLabel: `loader: cold apply (${specs.large.files.toLocaleString('en-US')} files)`,
      noopLabel: `loader: no-op re-apply (${specs.large.files.toLocaleString('en-US')} files)`,
    });
    results.coldLarge = l.cold;
    if (l.noop) results.noopLarge = l.noop;
  });
  if (!results.seedWay.skipped) {
    results.seedWayLarge = extrapolateSequential(
      results.seedWay,
      specs.large.files,
      large.corpus.totalBytes,
      `baseline 1: seed's way, ${specs.large.files.toLocaleString('en-US')} files (extrapolated)`,
    );
  }
  return {
    info: {
      name: 'WAN',
      title: `WAN: ≈${2 * WAN_LATENCY_MS} ms round trip`,
      emulatorArgs: args,
      corpora: [corpusRecord(small.corpus), corpusRecord(large.corpus)],
      listing: { entries: specs.large.files + corpusDirectoryCount(specs.large), lookups: 1 },
    },
    results,
    notes: [
      `WAN: the seed loop's ${specs.large.files.toLocaleString('en-US')}-file time is extrapolated from its ${specs.small.files.toLocaleString('en-US')}-file run (×${specs.large.files / specs.small.files}); the loop is sequential, so its time is proportional to the number of files.`,
    ],
  };
}

/**
 * `apply --wait-indexed` on 1,000 markdown files of an `aiEnabled` FileSet, with the emulator indexing each
 * file `INDEX_DELAY_MS` after its upload: how long the apply waits after its last upload, and how many
 * requests the waiting costs (FileSet /stats and listings; never one per file). A cold apply without the
 * flag, on the same emulator, shows what the sync alone costs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { CorpusSpec } from './corpus';
import { emulatorStats, type EmulatorProc } from './emulator';
import { runColdApplies, writeManifest } from './loader-runs';
import { corpusRecord, makeCorpus, withEmulator, type RegimeContext, type RegimeOutcome } from './regime';
import type { Measurement } from './types';

/** How long the emulator takes to index a file after its upload. */
const INDEX_DELAY_MS = 2000;
/** How often the watcher samples the emulator's counters (the resolution of the waiting time). */
const WATCH_EVERY_MS = 20;

/** The indexed corpus: markdown, which the emulator indexes (random bytes would be SKIPPED). */
function indexSpec(quick: boolean): CorpusSpec {
  return { name: 'index', files: quick ? 200 : 1000, fileBytes: 4096, perDir: 100, text: true };
}

/**
 * Samples the emulator's counters while an apply runs: waiting begins at its first /stats request (nothing
 * else of an apply asks for it) and ends when the CLI exits.
 */
async function watchWaiting(emu: EmulatorProc, done: Promise<unknown>): Promise<Record<string, number>> {
  let endAt: number | null = null;
  void done.then(() => {
    endAt = performance.now();
  });
  let firstStatsAt: number | null = null;
  while (endAt === null) {
    const s = await emulatorStats(emu);
    if (firstStatsAt === null && (s.requests.getFileSetStats ?? 0) > 0) firstStatsAt = performance.now();
    await sleep(WATCH_EVERY_MS);
  }
  const end: number = endAt;
  return firstStatsAt === null ? {} : { waitMs: Math.round(end - firstStatsAt) };
}

/** Runs the wait-indexed regime in an emulator of its own. */
export async function runIndexWait(ctx: RegimeContext): Promise<RegimeOutcome> {
  const args = ['--index-delay-ms', String(INDEX_DELAY_MS)];
  const spec = indexSpec(ctx.quick);
  const { corpus, dir } = makeCorpus(ctx, spec);
  writeManifest(dir, corpus, ['aiEnabled: true']);
  const results: Record<string, Measurement> = {};
  await withEmulator(ctx, args, async (emu) => {
    const lctx = { cliBin: ctx.cliBin, emu, reps: ctx.reps, profileArgs: [], log: ctx.log };
    results.cold = (await runColdApplies(lctx, spec, corpus, dir, { coldLabel: 'loader: cold apply (aiEnabled, no wait)' })).cold;
    results.waitIndexed = (
      await runColdApplies(lctx, spec, corpus, dir, {
        applyArgs: ['--wait-indexed'],
        watch: (done) => watchWaiting(emu, done),
        coldLabel: 'loader: cold apply --wait-indexed',
      })
    ).cold;
  });
  const m = results.waitIndexed;
  if (!m.skipped && m.requests) {
    const ops = m.requests.byOperation;
    m.counters = {
      ...m.counters,
      pollRequests: (ops.getFileSetStats ?? 0) + (ops.listFilesForFileset ?? 0),
      statsRequests: ops.getFileSetStats ?? 0,
      listRequests: ops.listFilesForFileset ?? 0,
    };
  }
  return {
    info: { name: 'INDEX', title: `apply --wait-indexed: index delay ${INDEX_DELAY_MS} ms per file`, emulatorArgs: args, corpora: [corpusRecord(corpus)] },
    results,
    notes: [
      `Wait-indexed: waiting is timed from the apply's first /stats request (the first poll, after the last upload) to the CLI's exit, sampled every ${WATCH_EVERY_MS} ms; the emulator completes a file ${INDEX_DELAY_MS} ms after its upload, so ${INDEX_DELAY_MS} ms after the last upload is the least any client could wait. Polling requests are the run's /stats requests and file listings (a cold apply without the flag lists nothing).`,
    ],
  };
}

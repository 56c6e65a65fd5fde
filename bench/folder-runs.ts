/** FileSetFolder `check` cost: loader.folderDigest with a warm hash cache vs hashing from scratch. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repeat, skipped, summarize } from './measure';
import { runMeasured } from './proc';
import type { CorpusInfo, Measurement } from './types';

/** Runs folder-check.js in fresh processes: `cold` with no cache, then `warm` with the cache it left. */
export async function runFolderCheck(
  distBench: string,
  loaderModule: string,
  corpus: CorpusInfo,
  work: string,
  reps: number,
  log: (m: string) => void,
): Promise<{ cold: Measurement; warm: Measurement }> {
  const coldLabel = 'FileSetFolder check: folderDigest, no hash cache';
  const warmLabel = 'FileSetFolder check: folderDigest, warm hash cache';
  if (!fs.existsSync(loaderModule)) {
    const w = `${loaderModule} not built`;
    return { cold: skipped(coldLabel, corpus.files, corpus.totalBytes, w), warm: skipped(warmLabel, corpus.files, corpus.totalBytes, w) };
  }
  const cacheDir = path.join(work, 'folder-cache');
  const script = path.join(distBench, 'folder-check.js');
  const digests = new Set<string>();
  const once = async (fresh: boolean) => {
    if (fresh) fs.rmSync(cacheDir, { recursive: true, force: true });
    const r = await runMeasured([process.execPath, script, loaderModule, corpus.dir, cacheDir]);
    const doc = JSON.parse(r.stdout) as { ms: number; digest: string; fileCount: number };
    if (doc.fileCount !== corpus.files) throw new Error(`folderDigest counted ${doc.fileCount} of ${corpus.files} files`);
    digests.add(doc.digest);
    return { wallMs: r.wallMs, innerMs: doc.ms, peakRssMB: r.peakRssMB, requests: null };
  };
  try {
    const coldSamples = await repeat(reps, 60000, () => once(true));
    const warmSamples = await repeat(Math.max(3, reps), 60000, () => once(false));
    if (digests.size !== 1) throw new Error(`folderDigest gave ${digests.size} different digests for one unchanged tree`);
    const cold = summarize(coldLabel, corpus.files, corpus.totalBytes, coldSamples, true);
    const warm = summarize(warmLabel, corpus.files, corpus.totalBytes, warmSamples, true);
    const procMs = (s: { wallMs: number }[]) => s.map((x) => x.wallMs).sort((a, b) => a - b)[(s.length - 1) >> 1];
    cold.note = `time inside the call; the whole process took ${procMs(coldSamples).toFixed(0)} ms`;
    warm.note = `time inside the call (fresh process, cache on disk); the whole process took ${procMs(warmSamples).toFixed(0)} ms`;
    log(`  folderDigest ${corpus.name}: cold ${cold.wallMs.toFixed(0)} ms, warm ${warm.wallMs.toFixed(0)} ms`);
    return { cold, warm };
  } catch (e) {
    const w = e instanceof Error ? e.message : String(e);
    return { cold: skipped(coldLabel, corpus.files, corpus.totalBytes, w), warm: skipped(warmLabel, corpus.files, corpus.totalBytes, w) };
  }
}

/** Repetition policy and folding samples into one Measurement. */
import { median, megabytes, perSecond } from './stats';
import type { Measurement, Sample } from './types';

/**
 * Runs `once` up to `reps` times: a run slower than `slowMs` is not repeated (medians of 3 for
 * fast runs, a single run for very slow ones, as the report states).
 */
export async function repeat(reps: number, slowMs: number, once: (rep: number) => Promise<Sample>): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const s = await once(rep);
    samples.push(s);
    if (s.wallMs > slowMs) break;
  }
  return samples;
}

/**
 * The median sample by wall time stands for the scenario (its request counts go with it); peak RSS
 * is the maximum over all repetitions, since the target is a ceiling.
 */
export function summarize(label: string, files: number, bytes: number, samples: Sample[], useInner = false): Measurement {
  const times = samples.map((s) => (useInner && s.innerMs != null ? s.innerMs : s.wallMs));
  const wallMs = median(times);
  const sorted = [...samples].sort((a, b) => a.wallMs - b.wallMs);
  const mid = sorted[(sorted.length - 1) >> 1];
  const rss = samples.map((s) => s.peakRssMB).filter((v): v is number => v != null);
  const m: Measurement = {
    label,
    files,
    bytes,
    reps: samples.length,
    wallMs,
    samplesMs: times.map((t) => Math.round(t * 10) / 10),
    filesPerSec: perSecond(files, wallMs),
    mbPerSec: perSecond(megabytes(bytes), wallMs),
    peakRssMB: rss.length ? Math.max(...rss) : null,
    requests: mid?.requests ?? null,
  };
  if (samples.some((s) => s.exitCode !== undefined)) m.exitCodes = samples.map((s) => s.exitCode ?? null);
  if (mid?.counters) m.counters = mid.counters;
  if (mid?.cpuMs != null) m.cpuMs = mid.cpuMs;
  if (mid?.serverCpuMs != null) m.serverCpuMs = mid.serverCpuMs;
  return m;
}

/** A scenario that could not run, kept in the report with the reason. */
export function skipped(label: string, files: number, bytes: number, why: string): Measurement {
  return {
    label,
    files,
    bytes,
    reps: 0,
    wallMs: NaN,
    samplesMs: [],
    filesPerSec: null,
    mbPerSec: null,
    peakRssMB: null,
    requests: null,
    skipped: why,
  };
}

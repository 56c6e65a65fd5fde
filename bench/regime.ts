/** What every regime's runner needs, and an emulator process that lives for one regime. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type CorpusSpec, generateCorpus } from './corpus';
import { type EmulatorProc, startEmulatorProcess, stopEmulatorProcess } from './emulator';
import type { CorpusInfo, Measurement, RegimeInfo } from './types';

/** Shared inputs of the regime runners. */
export interface RegimeContext {
  cliBin: string;
  /** dist/bench, where the compiled baselines and hooks live. */
  distBench: string;
  /** A directory of this regime's own (corpora, manifests, clones). */
  work: string;
  reps: number;
  quick: boolean;
  log: (msg: string) => void;
}

/** A regime's measurements with what describes them. */
export interface RegimeOutcome {
  info: RegimeInfo;
  results: Record<string, Measurement>;
  notes: string[];
}

/** Runs `fn` with an emulator started with `args`, stopped afterwards whatever happens. */
export async function withEmulator<T>(ctx: RegimeContext, args: string[], fn: (emu: EmulatorProc) => Promise<T>): Promise<T> {
  const emu = await startEmulatorProcess(ctx.cliBin, 'bench-token', [], args);
  ctx.log(`emulator ${emu.url} (pid ${emu.pid}) ${args.join(' ')}`);
  try {
    return await fn(emu);
  } finally {
    await stopEmulatorProcess(emu);
  }
}

/** Generates a corpus under `<ctx.work>/<spec.name>/corpus` (the directory is the corpus's work dir). */
export function makeCorpus(ctx: RegimeContext, spec: CorpusSpec): { corpus: CorpusInfo; dir: string } {
  const dir = path.join(ctx.work, spec.name);
  fs.mkdirSync(dir, { recursive: true });
  ctx.log(`corpus ${spec.name}: generating ${spec.files} × ${spec.fileBytes} bytes`);
  return { corpus: generateCorpus(spec, path.join(dir, 'corpus')), dir };
}

/** The corpus as the report records it (its temporary directory left out). */
export function corpusRecord(c: CorpusInfo): Omit<CorpusInfo, 'dir'> {
  return { name: c.name, files: c.files, fileBytes: c.fileBytes, totalBytes: c.totalBytes };
}

/** The message of a caught value. */
export function why(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The hash cache in CI: `plan` of a 10,000-file corpus in a fresh `git clone`, as a CI job runs it. Every
 * checkout gives every file a new mtime and inode, so a cache keyed on those alone can never hit there; the
 * loader also keys a clean file's hash by its git blob id, which any clone shares. Three plans, each in a
 * fresh clone at the same path (as CI checks out), against a FileSet that already holds the corpus:
 * - no cache: the state directory is empty;
 * - cache restored, stat keys only: the cache another clone wrote, with git's blob ids hidden from the loader
 *   (GIT_DIR points nowhere) — what the cache could do before it was also keyed by blob id;
 * - cache restored: the same cache, git visible.
 * A preloaded hook (count-reads.ts) counts the corpus files each plan opens and the bytes it read.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CorpusSpec } from './corpus';
import { counts, runCli, writeManifest } from './loader-runs';
import { skipped, summarize } from './measure';
import { runMeasured, which } from './proc';
import { corpusRecord, makeCorpus, why, withEmulator, type RegimeContext, type RegimeOutcome } from './regime';
import { resetEmulator, type EmulatorProc } from './emulator';
import type { CorpusInfo, Measurement, Sample } from './types';

/** The corpus committed to the repository. */
function gitSpec(quick: boolean): CorpusSpec {
  return { name: 'git', files: quick ? 1000 : 10000, fileBytes: 4096, perDir: 100 };
}

/** The three ways a fresh clone's plan can start (see the header). */
const GIT_CASES = {
  noCache: 'plan in a fresh clone, no hash cache',
  statOnly: 'plan in a fresh clone, cache restored, stat keys only (git hidden)',
  restored: 'plan in a fresh clone, cache restored (blob ids from git)',
} as const;

function git(cwd: string, args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args[0]} exited ${r.status}: ${(r.stderr ?? '').trim().slice(0, 300)}`);
}

/** A repository holding the manifest at its root and the corpus under docs/, the state directory ignored. */
function makeRepository(origin: string, corpus: CorpusInfo): string {
  fs.renameSync(corpus.dir, path.join(origin, 'docs'));
  const manifest = writeManifest(origin, { ...corpus, dir: path.join(origin, 'docs') });
  fs.writeFileSync(path.join(origin, '.gitignore'), '.domo-filesets/\n');
  git(origin, ['init', '-q']);
  git(origin, ['add', '-A']);
  git(origin, ['commit', '-q', '-m', 'corpus']);
  return manifest;
}

interface Counted {
  opened: number;
  rchar: number | null;
}

/** Runs `plan` in the clone with the read-counting hook; the sample's counters say what it read. */
async function countedPlan(ctx: RegimeContext, emu: EmulatorProc, clone: string, files: number, env: NodeJS.ProcessEnv = {}): Promise<Sample> {
  const countFile = path.join(ctx.work, 'reads.json');
  fs.rmSync(countFile, { force: true });
  const hook = path.join(ctx.distBench, 'count-reads.js');
  const r = await runCli({ cliBin: ctx.cliBin, emu }, ['plan', '-f', path.join(clone, 'manifest.yaml')], {
    extraNode: ['--require', hook],
    env: { BENCH_COUNT_ROOT: path.join(clone, 'docs'), BENCH_COUNT_OUT: countFile, ...env },
    cwd: clone,
  });
  const c = counts(r.report);
  if (c.upload + c.replace + c.delete !== 0 || c.unchanged !== files) throw new Error(`plan in the clone is not a no-op: ${JSON.stringify(c)}`);
  const doc = JSON.parse(fs.readFileSync(countFile, 'utf8')) as Counted;
  r.sample.counters = { filesRead: doc.opened, ...(doc.rchar !== null ? { readMB: Math.round(doc.rchar / 1e4) / 100 } : {}) };
  return r.sample;
}

/** Runs the git-clone regime (no latency) in an emulator of its own. */
export async function runGitCache(ctx: RegimeContext): Promise<RegimeOutcome> {
  const spec = gitSpec(ctx.quick);
  const info = { name: 'GIT', title: 'Hash cache in CI: plan in a fresh git clone', emulatorArgs: [] as string[], corpora: [] as Omit<CorpusInfo, 'dir'>[] };
  const notes = [
    'Git cache: each plan runs in a fresh `git clone` of a local repository holding the manifest and the corpus, at the same path (as a CI checkout); the restored cache is the hash-cache.json a plan in an earlier clone wrote. "Stat keys only" hides git from the loader (GIT_DIR points nowhere), which leaves the cache keyed by path, size, mtime and inode only (no git blob ids).',
    "Git cache: files read = corpus files the loader opened (counted by a preloaded hook); read MB = the process's rchar, git children, modules and pipes included.",
  ];
  const results: Record<string, Measurement> = {};
  const fail = (w: string): RegimeOutcome => {
    for (const [k, label] of Object.entries(GIT_CASES)) results[k] = skipped(label, spec.files, spec.files * spec.fileBytes, w);
    return { info, results, notes };
  };
  if (!which('git')) return fail('git not installed');
  const { corpus, dir } = makeCorpus(ctx, spec);
  info.corpora.push(corpusRecord(corpus));
  try {
    const origin = path.join(dir, 'origin');
    fs.mkdirSync(origin);
    const manifest = makeRepository(origin, corpus);
    const clone = path.join(dir, 'clone');
    const savedCache = path.join(dir, 'saved-hash-cache.json');
    const cloneSamples: Sample[] = [];
    const freshClone = async (): Promise<void> => {
      fs.rmSync(clone, { recursive: true, force: true });
      const r = await runMeasured(['git', 'clone', '-q', '--no-local', origin, clone]);
      cloneSamples.push({ wallMs: r.wallMs, peakRssMB: r.peakRssMB, requests: null });
    };
    const restore = (): void => {
      fs.mkdirSync(path.join(clone, '.domo-filesets'), { recursive: true });
      fs.copyFileSync(savedCache, path.join(clone, '.domo-filesets', 'hash-cache.json'));
    };
    const samples: Record<keyof typeof GIT_CASES, Sample[]> = { noCache: [], statOnly: [], restored: [] };
    await withEmulator(ctx, [], async (emu) => {
      await resetEmulator(emu);
      const fill = await runCli({ cliBin: ctx.cliBin, emu }, ['apply', '-f', manifest]);
      if (counts(fill.report).upload !== spec.files) throw new Error('the apply that fills the FileSet did not upload every file');
      for (let rep = 0; rep < ctx.reps; rep++) {
        await freshClone();
        samples.noCache.push(await countedPlan(ctx, emu, clone, spec.files));
        fs.copyFileSync(path.join(clone, '.domo-filesets', 'hash-cache.json'), savedCache);
        await freshClone();
        restore();
        samples.statOnly.push(await countedPlan(ctx, emu, clone, spec.files, { GIT_DIR: path.join(dir, 'no-such-git-dir') }));
        await freshClone();
        restore();
        samples.restored.push(await countedPlan(ctx, emu, clone, spec.files));
        const f = (s: Sample[]): string => `${(s[s.length - 1].wallMs / 1000).toFixed(2)} s, ${s[s.length - 1].counters?.filesRead} files read`;
        ctx.log(`  git cache rep ${rep + 1}: no cache ${f(samples.noCache)}; stat keys only ${f(samples.statOnly)}; restored ${f(samples.restored)}`);
      }
    });
    for (const [k, label] of Object.entries(GIT_CASES) as [keyof typeof GIT_CASES, string][]) {
      results[k] = summarize(label, spec.files, corpus.totalBytes, samples[k]);
    }
    results.clone = summarize('git clone of the repository (for scale)', spec.files, corpus.totalBytes, cloneSamples);
    results.clone.note = "not part of any plan's time";
    return { info, results, notes };
  } catch (e) {
    return fail(why(e));
  }
}

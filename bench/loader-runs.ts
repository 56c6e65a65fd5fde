/** The loader measured through its CLI, as users run it: cold apply, no-op, 1% changed, plan. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorpusSpec, mutateOnePercent } from './corpus';
import { EmulatorProc, againstEmulator, resetEmulator } from './emulator';
import { skipped, summarize } from './measure';
import { runMeasured } from './proc';
import type { CorpusInfo, Measurement, Sample } from './types';

/** What the loader scenarios need. */
export interface LoaderContext {
  cliBin: string;
  emu: EmulatorProc;
  reps: number;
  /** Extra node flags for the CLI child (e.g. --cpu-prof); applied to the cold apply only. */
  profileArgs: string[];
  log: (msg: string) => void;
}

/** The part of the CLI's JSON report the benchmark checks. */
export interface ReportDoc {
  filesets: {
    name: string;
    summary: { upload: number; replace: number; delete: number; unchanged: number; bytes: number };
    result?: { uploaded: number; replaced: number; deleted: number; failed: number };
    error?: { message: string };
    /** With --wait-indexed: how the files uploaded in the run ended. */
    index?: { completed: number; pending: number; skipped: number; failed: { path: string; reason: string }[]; timedOut?: boolean };
  }[];
}

/**
 * Writes `<work>/manifest.yaml` pointing at the corpus; the hash cache then lives in `<work>/.domo-filesets`.
 * `extraKeys` are further lines of the entry (e.g. `aiEnabled: true`).
 */
export function writeManifest(work: string, corpus: CorpusInfo, extraKeys: string[] = []): string {
  const file = path.join(work, 'manifest.yaml');
  const rel = path.relative(work, corpus.dir).split(path.sep).join('/');
  fs.writeFileSync(
    file,
    [
      'version: 1',
      'filesets:',
      `  - name: bench-${corpus.name}`,
      `    source: ./${rel}`,
      '    description: domo-filesets benchmark corpus',
      ...extraKeys.map((k) => `    ${k}`),
      '',
    ].join('\n'),
  );
  return file;
}

/** Options of one CLI run. */
export interface CliRunOptions {
  /** Node flags for the CLI child (e.g. --cpu-prof, or --require of a counting hook). */
  extraNode?: string[];
  /** Exit codes that are results rather than failures (default [0]; `plan` exits 2 on pending changes). */
  okCodes?: number[] | 'any';
  /** Extra environment for the child. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs the CLI with `--format json` against the context's emulator: the sample carries the wall time, peak
 * RSS, exit code and the emulator's request counts over the run; the report is the parsed JSON.
 */
export async function runCli(
  ctx: Pick<LoaderContext, 'cliBin' | 'emu'>,
  args: string[],
  opts: CliRunOptions = {},
): Promise<{ sample: Sample; report: ReportDoc; stderr: string }> {
  const {
    result: r,
    requests,
    serverCpuMs,
  } = await againstEmulator(ctx.emu, () =>
    runMeasured([process.execPath, ...(opts.extraNode ?? []), ctx.cliBin, ...args, '--format', 'json'], {
      env: {
        ...process.env,
        DOMO_BASE_URL: ctx.emu.url,
        DOMO_DEVELOPER_TOKEN: ctx.emu.token,
        NO_COLOR: '1',
        CI: '1',
        ...opts.env,
      },
      okCodes: opts.okCodes ?? [0],
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    }),
  );
  let report: ReportDoc;
  try {
    report = JSON.parse(r.stdout) as ReportDoc;
  } catch {
    throw new Error(`${args[0]} exited ${r.code} and printed no JSON report: ${r.stdout.slice(0, 200)} ${r.stderr.slice(-300)}`);
  }
  return { sample: { wallMs: r.wallMs, peakRssMB: r.peakRssMB, cpuMs: r.cpuMs, serverCpuMs, requests, exitCode: r.code }, report, stderr: r.stderr };
}

async function cli(ctx: LoaderContext, args: string[], extraNode: string[] = []): Promise<{ sample: Sample; report: ReportDoc }> {
  return runCli(ctx, args, { extraNode });
}

/** The single FileSet's planned actions and failures; throws when the report carries an error. */
export function counts(report: ReportDoc): { upload: number; replace: number; delete: number; unchanged: number; failed: number } {
  const fsr = report.filesets[0];
  if (!fsr) throw new Error('report has no FileSet');
  if (fsr.error) throw new Error(`loader reported: ${fsr.error.message}`);
  return { ...fsr.summary, failed: fsr.result?.failed ?? 0 };
}

function expect(cond: boolean, what: string): void {
  if (!cond) throw new Error(`check failed: ${what}`);
}

/**
 * Each repetition starts from an empty emulator and no hash cache: cold apply, no-op re-apply,
 * re-apply after rewriting 1% of the files, plan alone (warm cache), plan with the cache removed.
 */
export async function runLoader(ctx: LoaderContext, spec: CorpusSpec, corpus: CorpusInfo, work: string): Promise<Record<string, Measurement>> {
  const manifest = writeManifest(work, corpus);
  const cacheDir = path.join(work, '.domo-filesets');
  const changedCount = Math.max(1, Math.ceil(spec.files / 100));
  const changedBytes = changedCount * spec.fileBytes;
  const samples: Record<string, Sample[]> = { cold: [], noop: [], change: [], plan: [], planNoCache: [] };
  const checks = new Set<string>();
  try {
    for (let rep = 0; rep < ctx.reps; rep++) {
      await resetEmulator(ctx.emu);
      fs.rmSync(cacheDir, { recursive: true, force: true });
      const profile = rep === 0 ? ctx.profileArgs : [];
      const cold = await cli(ctx, ['apply', '-f', manifest], profile);
      const c = counts(cold.report);
      expect(c.upload === spec.files && c.failed === 0, `cold apply uploads ${spec.files} (got ${c.upload}, failed ${c.failed})`);
      checks.add(`cold apply uploaded ${c.upload}/${spec.files}`);
      samples.cold.push(cold.sample);
      ctx.log(`  loader ${spec.name} cold ${(cold.sample.wallMs / 1000).toFixed(2)} s`);

      const noop = await cli(ctx, ['apply', '-f', manifest]);
      const n = counts(noop.report);
      expect(n.upload + n.replace + n.delete === 0, `no-op apply changes nothing (got ${JSON.stringify(n)})`);
      expect(noop.sample.requests?.mutating === 0, `no-op apply sends no mutating request (got ${noop.sample.requests?.mutating})`);
      checks.add('no-op apply: 0 changes, 0 mutating requests');
      samples.noop.push(noop.sample);

      mutateOnePercent(spec, corpus.dir, rep + 1);
      const change = await cli(ctx, ['apply', '-f', manifest]);
      const ch = counts(change.report);
      expect(ch.replace === changedCount && ch.upload === 0 && ch.delete === 0, `1% apply replaces ${changedCount} (got ${JSON.stringify(ch)})`);
      checks.add(`1% apply replaced ${ch.replace}/${changedCount}`);
      samples.change.push(change.sample);

      const plan = await cli(ctx, ['plan', '-f', manifest]);
      const p = counts(plan.report);
      expect(p.upload + p.replace + p.delete === 0, `plan after apply shows no change (got ${JSON.stringify(p)})`);
      expect(plan.sample.requests?.mutating === 0, 'plan sends no mutating request');
      checks.add('plan: 0 changes, 0 mutating requests');
      samples.plan.push(plan.sample);

      fs.rmSync(cacheDir, { recursive: true, force: true });
      const planCold = await cli(ctx, ['plan', '-f', manifest]);
      const pc = counts(planCold.report);
      expect(pc.upload + pc.replace + pc.delete === 0, 'plan without hash cache shows no change');
      samples.planNoCache.push(planCold.sample);
      ctx.log(
        `  loader ${spec.name} rep ${rep + 1}: noop ${(noop.sample.wallMs / 1000).toFixed(2)} s, 1% ${(change.sample.wallMs / 1000).toFixed(2)} s, plan ${(plan.sample.wallMs / 1000).toFixed(2)} s, plan (no cache) ${(planCold.sample.wallMs / 1000).toFixed(2)} s`,
      );
      // Very slow corpora get one repetition (the report says so).
      if (cold.sample.wallMs > 120000) break;
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    ctx.log(`  loader ${spec.name} failed: ${why}`);
    const out: Record<string, Measurement> = {};
    for (const [k, s] of Object.entries(samples)) out[k] = s.length ? summarize(k, 0, 0, s) : skipped(k, 0, 0, why);
    for (const m of Object.values(out)) if (!m.skipped) m.note = `incomplete: ${why}`;
    return fillLabels(out, spec, changedCount, changedBytes);
  }
  const out: Record<string, Measurement> = {
    cold: summarize('', 0, 0, samples.cold),
    noop: summarize('', 0, 0, samples.noop),
    change: summarize('', 0, 0, samples.change),
    plan: summarize('', 0, 0, samples.plan),
    planNoCache: summarize('', 0, 0, samples.planNoCache),
  };
  out.cold.checks = [...checks];
  return fillLabels(out, spec, changedCount, changedBytes);
}

/** Labels, and throughput figures over the files each scenario had to consider. */
function fillLabels(out: Record<string, Measurement>, spec: CorpusSpec, changedCount: number, changedBytes: number): Record<string, Measurement> {
  const total = spec.files * spec.fileBytes;
  const meta: Record<string, [string, number, number]> = {
    cold: ['loader: cold apply', spec.files, total],
    noop: ['loader: no-op re-apply', spec.files, total],
    change: [`loader: re-apply, 1% changed (${changedCount} files)`, spec.files, total],
    plan: ['loader: plan (warm hash cache)', spec.files, total],
    planNoCache: ['loader: plan (no hash cache)', spec.files, total],
  };
  for (const [k, [label, files, bytes]] of Object.entries(meta)) {
    const m = out[k];
    if (!m) continue;
    m.label = label;
    m.files = files;
    m.bytes = bytes;
    m.filesPerSec = m.wallMs > 0 ? (files * 1000) / m.wallMs : null;
    m.mbPerSec = m.wallMs > 0 ? (bytes / 1e6) * (1000 / m.wallMs) : null;
  }
  if (out.change) out.change.note = `${changedCount} files, ${(changedBytes / 1e6).toFixed(1)} MB re-uploaded; files/s and MB/s over the whole corpus`;
  return out;
}

/** Options of runColdApplies. */
export interface ColdRunOptions {
  /** Also a no-op re-apply after each cold apply (checked: no change, no mutating request). */
  noop?: boolean;
  /**
   * Record runs that exit non-zero (exit code, files uploaded) instead of failing the scenario: behind a rate
   * limit, whether the run finishes in one go is itself the result.
   */
  recordFailures?: boolean;
  /** Extra CLI arguments of the cold apply (e.g. --wait-indexed). */
  applyArgs?: string[];
  /** Extra node flags of the cold apply. */
  extraNode?: string[];
  /** Observes each cold apply while it runs (e.g. polls the emulator); what it resolves to joins the sample's counters. */
  watch?: (done: Promise<unknown>) => Promise<Record<string, number>>;
  /** Labels of the two scenarios. */
  coldLabel?: string;
  noopLabel?: string;
}

/** A cold apply slower than this is not repeated. */
const SLOW_COLD_MS = 60000;

/**
 * Cold applies (and optionally no-op re-applies) of a corpus, each repetition from a reset emulator and no
 * hash cache. Successful cold applies must upload every file; the figures of a recorded failure are its
 * exit code and what it uploaded.
 */
export async function runColdApplies(
  ctx: LoaderContext,
  spec: CorpusSpec,
  corpus: CorpusInfo,
  work: string,
  opts: ColdRunOptions = {},
): Promise<{ cold: Measurement; noop?: Measurement }> {
  const coldLabel = opts.coldLabel ?? 'loader: cold apply';
  const noopLabel = opts.noopLabel ?? 'loader: no-op re-apply';
  const manifest = path.join(work, 'manifest.yaml');
  if (!fs.existsSync(manifest)) writeManifest(work, corpus);
  const cacheDir = path.join(work, '.domo-filesets');
  const cold: Sample[] = [];
  const noop: Sample[] = [];
  const checks = new Set<string>();
  try {
    for (let rep = 0; rep < ctx.reps; rep++) {
      await resetEmulator(ctx.emu);
      fs.rmSync(cacheDir, { recursive: true, force: true });
      const running = runCli(ctx, ['apply', '-f', manifest, ...(opts.applyArgs ?? [])], {
        extraNode: opts.extraNode,
        okCodes: opts.recordFailures ? 'any' : [0],
      });
      const watched = opts.watch ? opts.watch(running.catch(() => undefined)) : Promise.resolve({});
      const [c, seen] = await Promise.all([running, watched]);
      const fsr = c.report.filesets[0];
      const uploaded = fsr?.result?.uploaded ?? 0;
      c.sample.counters = { uploaded, ...seen };
      if (fsr?.index) {
        const ix = fsr.index;
        Object.assign(c.sample.counters, { indexCompleted: ix.completed, indexPending: ix.pending, indexFailed: ix.failed.length, indexSkipped: ix.skipped });
        expect(ix.completed === spec.files, `--wait-indexed ends with every file COMPLETED (got ${JSON.stringify({ ...ix, failed: ix.failed.length })})`);
      }
      if (c.sample.exitCode === 0 || !opts.recordFailures) {
        const n = counts(c.report);
        expect(
          n.upload === spec.files && n.failed === 0 && uploaded === spec.files,
          `cold apply uploads ${spec.files} (planned ${n.upload}, uploaded ${uploaded}, failed ${n.failed})`,
        );
      }
      checks.add(`cold apply: exit ${c.sample.exitCode}, uploaded ${uploaded}/${spec.files}`);
      cold.push(c.sample);
      ctx.log(
        `  loader ${spec.name} cold ${(c.sample.wallMs / 1000).toFixed(2)} s, exit ${c.sample.exitCode}, ${c.sample.requests?.total} requests${c.sample.requests?.limited ? ` (${c.sample.requests.limited} answered 429)` : ''}`,
      );
      if (opts.noop) {
        const n = await runCli(ctx, ['apply', '-f', manifest]);
        const k = counts(n.report);
        expect(k.upload + k.replace + k.delete === 0, `no-op apply changes nothing (got ${JSON.stringify(k)})`);
        expect(n.sample.requests?.mutating === 0, `no-op apply sends no mutating request (got ${n.sample.requests?.mutating})`);
        checks.add('no-op apply: 0 changes, 0 mutating requests');
        noop.push(n.sample);
        ctx.log(`  loader ${spec.name} no-op ${(n.sample.wallMs / 1000).toFixed(2)} s, ${n.sample.requests?.total} requests`);
      }
      if (c.sample.wallMs > SLOW_COLD_MS) break;
    }
  } catch (e) {
    const w = e instanceof Error ? e.message : String(e);
    ctx.log(`  loader ${spec.name} failed: ${w}`);
    return { cold: skipped(coldLabel, spec.files, corpus.totalBytes, w), ...(opts.noop ? { noop: skipped(noopLabel, spec.files, corpus.totalBytes, w) } : {}) };
  }
  const out: { cold: Measurement; noop?: Measurement } = { cold: summarize(coldLabel, spec.files, corpus.totalBytes, cold) };
  out.cold.checks = [...checks];
  if (opts.noop) out.noop = summarize(noopLabel, spec.files, corpus.totalBytes, noop);
  return out;
}

/**
 * `npm run bench [-- --quick] [--reps N] [--only A,C,WAN] [--skip-rclone] [--profile] [--keep] [--out DIR] [--page-size N]`
 *
 * Generates the corpora in a temp directory, starts the emulator as a separate process, measures the
 * loader's CLI and the baselines side by side on loopback (corpora A, B, C), then in the regimes that run an
 * emulator of their own (WAN latency, a rate limit, the hash cache in a fresh git clone, apply
 * --wait-indexed), evaluates the targets, and writes latest.json + latest.md (bench/results/ in full mode,
 * dist/bench/results/ in quick mode).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { curlParallel, opensslHash, rcloneSync, seedWay } from './baselines';
import { corpusDirectoryCount, corpusSpecs, generateCorpus } from './corpus';
import { EmulatorProc, processPeakRssMB, startEmulatorProcess, stopEmulatorProcess } from './emulator';
import { runFolderCheck } from './folder-runs';
import { runLoader } from './loader-runs';
import { runGitCache } from './git-cache-runs';
import { runIndexWait } from './index-wait-runs';
import { gitCommit, machineInfo } from './machine';
import { summarizeProfile } from './profile';
import { runRateLimited } from './rate-runs';
import { median } from './stats';
import { why, type RegimeContext, type RegimeOutcome } from './regime';
import { evaluateTargets, renderMarkdown } from './report';
import { runWan } from './wan-runs';
import type { BenchReport, CorpusInfo, Measurement, RegimeInfo } from './types';

interface Options {
  quick: boolean;
  reps: number;
  only: string[] | null;
  skipRclone: boolean;
  profile: boolean;
  keep: boolean;
  out: string;
  pageSize: number | null;
  /** Re-evaluate the targets and re-render the markdown of an existing latest.json (no measuring). */
  render: string | null;
}

const repoRoot = path.resolve(__dirname, '..', '..');

/** The regimes, in the order they run; `--only` selects them by these names as it selects corpora. */
const REGIMES: Record<string, (ctx: RegimeContext) => Promise<RegimeOutcome>> = {
  WAN: runWan,
  RATE: runRateLimited,
  GIT: runGitCache,
  INDEX: runIndexWait,
};

/** The loader's listing page size, read by name from the built loader (null when it is not built). */
function detectPageSize(): number | null {
  try {
    const m = require(path.join(repoRoot, 'dist', 'loader', 'remote.js')) as Record<string, unknown>;
    return typeof m.LIST_PAGE_SIZE === 'number' ? m.LIST_PAGE_SIZE : null;
  } catch {
    return null;
  }
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    quick: false,
    reps: 0,
    only: null,
    skipRclone: false,
    profile: false,
    keep: false,
    out: '',
    pageSize: null,
    render: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = (): string => {
      const v = argv[++i];
      if (v == null) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--reps') o.reps = Number(val());
    else if (a === '--only')
      o.only = val()
        .split(',')
        .map((s) => s.trim().toUpperCase());
    else if (a === '--skip-rclone') o.skipRclone = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--out') o.out = path.resolve(val());
    else if (a === '--page-size') o.pageSize = Number(val());
    else if (a === '--render') o.render = path.resolve(val());
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        `usage: npm run bench -- [--quick] [--reps N] [--only A,B,C,${Object.keys(REGIMES).join(',')}] [--skip-rclone] [--profile] [--keep] [--out DIR] [--page-size N] [--render latest.json]\n`,
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a} (see --help)`);
  }
  if (!Number.isInteger(o.reps) || o.reps < 0) throw new Error('--reps must be a positive integer');
  if (o.reps === 0) o.reps = o.quick ? 1 : 3;
  if (!o.out) o.out = o.quick ? path.join(repoRoot, 'dist', 'bench', 'results') : path.join(repoRoot, 'bench', 'results');
  return o;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.render) {
    const doc = JSON.parse(fs.readFileSync(opts.render, 'utf8')) as BenchReport;
    if (opts.pageSize) doc.pageSize = opts.pageSize;
    doc.notes = doc.notes.map((n) => n.replace(/listing page size \d+/, `listing page size ${doc.pageSize}`));
    doc.targets = evaluateTargets(doc);
    fs.writeFileSync(opts.render, JSON.stringify(doc, null, 2) + '\n');
    fs.writeFileSync(opts.render.replace(/\.json$/, '.md'), renderMarkdown(doc));
    process.stdout.write(renderMarkdown(doc));
    return;
  }
  const started = Date.now();
  const startLoad = os.loadavg()[0];
  // The machine is shared: the load over the whole run goes into the report.
  const loads: number[] = [startLoad];
  const loadTimer = setInterval(() => loads.push(os.loadavg()[0]), 10000);
  loadTimer.unref();
  const log = (msg: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
  };
  // BENCH_CLI benchmarks another build of the CLI (e.g. an older checkout) against this harness.
  const cliBin = process.env.BENCH_CLI ? path.resolve(process.env.BENCH_CLI) : path.join(repoRoot, 'dist', 'cli', 'bin.js');
  const loaderModule = path.join(repoRoot, 'dist', 'loader', 'index.js');
  if (!fs.existsSync(cliBin)) throw new Error(`${cliBin} is missing: run npm run build first`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'domo-filesets-bench-'));
  const profileDir = path.join(opts.out, 'profiles');
  const profileArgs = opts.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  if (opts.profile) fs.mkdirSync(profileDir, { recursive: true });
  log(`${opts.quick ? 'quick' : 'full'} mode, work dir ${work}`);

  let emu: EmulatorProc | null = null;
  const cleanup = (): void => {
    if (emu && emu.child.exitCode === null) emu.child.kill('SIGTERM');
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  const regimes: RegimeInfo[] = [];
  const report: BenchReport = {
    mode: opts.quick ? 'quick' : 'full',
    startedAt: new Date(started).toISOString(),
    durationSec: 0,
    commit: gitCommit(repoRoot),
    machine: machineInfo(),
    pageSize: opts.pageSize ?? detectPageSize() ?? 100,
    corpora: [],
    regimes,
    results: {},
    targets: [],
    notes: [],
  };
  try {
    emu = await startEmulatorProcess(cliBin, 'bench-token', profileArgs);
    log(`emulator ${emu.url} (pid ${emu.pid})`);
    const live: EmulatorProc = emu;
    for (const spec of corpusSpecs(opts.quick)) {
      if (opts.only && !opts.only.includes(spec.name)) continue;
      const dir = path.join(work, spec.name);
      fs.mkdirSync(dir, { recursive: true });
      log(`corpus ${spec.name}: generating ${spec.files} × ${spec.fileBytes} bytes`);
      const corpus: CorpusInfo = generateCorpus(spec, path.join(dir, 'corpus'));
      report.corpora.push(corpus);
      const res: Record<string, Measurement> = {};
      report.results[spec.name] = res;

      res.openssl = await opensslHash({ distBench: __dirname, emu: live, reps: opts.reps, quick: opts.quick, skipRclone: opts.skipRclone, log }, corpus);
      log(`  openssl ${spec.name}: ${(res.openssl.wallMs / 1000).toFixed(3)} s`);
      Object.assign(res, await runLoader({ cliBin, emu: live, reps: opts.reps, profileArgs, log }, spec, corpus, dir));
      const bctx = { distBench: __dirname, emu: live, reps: opts.reps, quick: opts.quick, skipRclone: opts.skipRclone, log };
      res.seedWay = await seedWay(bctx, spec, corpus, dir);
      res.curl = await curlParallel(bctx, spec, corpus, dir);
      const rc = await rcloneSync(bctx, corpus, dir);
      res.rcloneCold = rc.cold;
      res.rcloneNoop = rc.noop;
      if (spec.name === 'A') {
        const chk = await runFolderCheck(__dirname, loaderModule, corpus, dir, opts.reps, log);
        res.checkCold = chk.cold;
        res.checkWarm = chk.warm;
      }
      if (spec.name === 'A' && report.pageSize) {
        report.notes.push(
          `Corpus A's remote listing holds ${spec.files} files and ${corpusDirectoryCount(spec)} directories; the request target uses the listing page size ${report.pageSize}.`,
        );
      }
      if (!opts.keep) fs.rmSync(path.join(dir, 'corpus'), { recursive: true, force: true });
    }
    const emuRss = processPeakRssMB(emu.pid);
    if (emuRss != null && report.corpora.length)
      report.notes.push(`The loopback emulator process (in-memory store) peaked at ${emuRss.toFixed(0)} MB RSS over the loopback corpora.`);
    await stopEmulatorProcess(emu);
    for (const [name, runRegime] of Object.entries(REGIMES)) {
      if (opts.only && !opts.only.includes(name)) continue;
      const dir = path.join(work, `regime-${name}`);
      fs.mkdirSync(dir, { recursive: true });
      const load = os.loadavg()[0];
      log(`regime ${name} (load average ${load.toFixed(1)})`);
      try {
        const o = await runRegime({ cliBin, distBench: __dirname, work: dir, reps: opts.reps, quick: opts.quick, log });
        regimes.push(o.info);
        report.results[name] = o.results;
        report.notes.push(...o.notes, `${name}: load average (1 min) ${load.toFixed(1)} at its start, ${os.loadavg()[0].toFixed(1)} at its end.`);
      } catch (e) {
        log(`  regime ${name} failed: ${why(e)}`);
        report.notes.push(`${name}: not measured: ${why(e)}`);
      }
      if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    clearInterval(loadTimer);
    if (emu) await stopEmulatorProcess(emu);
    cleanup();
  }

  loads.push(os.loadavg()[0]);
  report.notes.push(
    `Load average (1 min) sampled every 10 s over the run: min ${Math.min(...loads).toFixed(1)}, median ${median(loads).toFixed(1)}, max ${Math.max(...loads).toFixed(1)} on ${os.cpus().length} cores (start ${startLoad.toFixed(1)}, end ${os.loadavg()[0].toFixed(1)}): other processes on the machine share the CPU with the benchmark.`,
    'Every loader repetition starts from a reset emulator and no hash cache; the 1% change rewrites different files in each repetition.',
    'Baseline 2 runs one curl process per file; its peak RSS is the largest single curl process.',
  );
  if (report.corpora.length) {
    report.notes.push(
      'Baseline 4 (rclone) uses --checksum --transfers 8 against `rclone serve webdav`; webdav offers no hash in common with the local side, so rclone compares sizes only.',
    );
  }
  report.durationSec = (Date.now() - started) / 1000;
  // Again at the end: a baseline tool may have been installed during the run.
  report.machine = machineInfo();
  report.targets = evaluateTargets(report);
  fs.mkdirSync(opts.out, { recursive: true });
  fs.writeFileSync(path.join(opts.out, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  const md = renderMarkdown(report);
  fs.writeFileSync(path.join(opts.out, 'latest.md'), md);
  process.stdout.write(md);
  log(`wrote ${path.join(opts.out, 'latest.json')} and latest.md`);
  if (opts.profile) {
    for (const f of fs.readdirSync(profileDir).filter((x) => x.endsWith('.cpuprofile'))) {
      log(`profile ${f}:\n${summarizeProfile(path.join(profileDir, f), 15)}`);
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

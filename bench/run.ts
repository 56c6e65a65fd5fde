/**
 * `npm run bench [-- --quick] [--reps N] [--only A,C] [--skip-rclone] [--profile] [--keep] [--out DIR] [--page-size N]`
 *
 * Generates the corpora in a temp directory, starts the emulator as a separate process, measures the
 * loader's CLI and the baselines side by side, evaluates the targets of issue 5, and writes
 * latest.json + latest.md (bench/results/ in full mode, dist/bench/results/ in quick mode).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { curlParallel, opensslHash, rcloneSync, seedWay } from './baselines';
import { corpusDirectoryCount, corpusSpecs, generateCorpus } from './corpus';
import { EmulatorProc, processPeakRssMB, startEmulatorProcess, stopEmulatorProcess } from './emulator';
import { runFolderCheck } from './folder-runs';
import { runLoader } from './loader-runs';
import { gitCommit, machineInfo } from './machine';
import { summarizeProfile } from './profile';
import { evaluateTargets, renderMarkdown } from './report';
import type { BenchReport, CorpusInfo, Measurement } from './types';

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

/** The loader's listing page size, read from the built loader when it exports one. */
function detectPageSize(): number | null {
  for (const mod of ['dist/loader/index.js', 'dist/loader/remote.js', 'dist/client/index.js']) {
    try {
      const m = require(path.join(repoRoot, mod)) as Record<string, unknown>;
      for (const k of ['LIST_PAGE_SIZE', 'PAGE_SIZE', 'DEFAULT_PAGE_SIZE', 'FILES_PAGE_SIZE']) {
        if (typeof m[k] === 'number') return m[k] as number;
      }
    } catch {
      // Not built yet: fall through to the client's documented default.
    }
  }
  return null;
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
    else if (a === '--only') o.only = val().split(',').map((s) => s.trim().toUpperCase());
    else if (a === '--skip-rclone') o.skipRclone = true;
    else if (a === '--profile') o.profile = true;
    else if (a === '--keep') o.keep = true;
    else if (a === '--out') o.out = path.resolve(val());
    else if (a === '--page-size') o.pageSize = Number(val());
    else if (a === '--render') o.render = path.resolve(val());
    else if (a === '--help' || a === '-h') {
      process.stdout.write(
        'usage: npm run bench -- [--quick] [--reps N] [--only A,B,C] [--skip-rclone] [--profile] [--keep] [--out DIR] [--page-size N] [--render latest.json]\n',
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

  const report: BenchReport = {
    mode: opts.quick ? 'quick' : 'full',
    startedAt: new Date(started).toISOString(),
    durationSec: 0,
    commit: gitCommit(repoRoot),
    machine: machineInfo(),
    pageSize: opts.pageSize ?? detectPageSize() ?? 100,
    corpora: [],
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
    if (emuRss != null) report.notes.push(`The emulator process (in-memory store) peaked at ${emuRss.toFixed(0)} MB RSS over the whole run.`);
  } finally {
    if (emu) await stopEmulatorProcess(emu);
    cleanup();
  }

  report.notes.push(
    `Load average (1 min) at the start ${startLoad.toFixed(1)}, at the end ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores: other processes on the machine share the CPU with the benchmark.`,
    'Every loader repetition starts from a reset emulator and no hash cache; the 1% change rewrites different files in each repetition.',
    'Baseline 4 (rclone) uses --checksum --transfers 8 against `rclone serve webdav`; webdav offers no hash in common with the local side, so rclone compares sizes only.',
    'Baseline 2 runs one curl process per file; its peak RSS is the largest single curl process.',
  );
  report.durationSec = (Date.now() - started) / 1000;
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

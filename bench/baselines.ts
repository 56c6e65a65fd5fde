/** The baselines, on the same corpus and the same emulator as the loader. */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { CorpusSpec, corpusFiles } from './corpus';
import { EmulatorProc, againstEmulator, createFileSet, resetEmulator } from './emulator';
import { repeat, skipped, summarize } from './measure';
import { why } from './regime';
import { runMeasured, which } from './proc';
import type { CorpusInfo, Measurement, RequestCounts, Sample } from './types';

/** What the baselines need. */
export interface BaselineContext {
  distBench: string;
  emu: EmulatorProc;
  reps: number;
  quick: boolean;
  skipRclone: boolean;
  log: (msg: string) => void;
  /**
   * Record a run that fails (e.g. on a 429) with its exit code and the files it uploaded, instead of
   * reporting the scenario as skipped: behind a rate limit, what the baseline does is the result.
   */
  recordFailures?: boolean;
}

/** A run slower than this is not repeated. */
const SLOW_MS = 60000;

/** Uploads that succeeded in a window where only uploads were sent: every createFile the rate limit did not refuse. */
function uploadsAccepted(d: RequestCounts): number {
  return (d.byOperation.createFile ?? 0) - (d.limited ?? 0);
}

/** A failed run, as recorded when failures are the result. */
function failureNote(samples: Sample[], files: number): string | undefined {
  const failed = samples.filter((s) => s.exitCode !== 0);
  if (failed.length === 0) return undefined;
  const up = failed.map((s) => s.counters?.uploaded ?? 0);
  return `${failed.length} of ${samples.length} runs exited non-zero (${[...new Set(failed.map((s) => s.exitCode))].join(', ')}); they uploaded ${Math.min(...up)}–${Math.max(...up)} of ${files} files`;
}

/** Baseline 1: the Domo documentation's upload example in a loop, one awaited fetch + FormData upload per file. */
export async function seedWay(ctx: BaselineContext, spec: CorpusSpec, corpus: CorpusInfo, work: string): Promise<Measurement> {
  const label = "baseline 1: seed's way (sequential fetch + FormData)";
  const list = path.join(work, 'files.txt');
  fs.writeFileSync(list, corpusFiles(spec).join('\n') + '\n');
  try {
    const samples = await repeat(ctx.reps, SLOW_MS, async (rep) => {
      await resetEmulator(ctx.emu);
      const id = await createFileSet(ctx.emu, `seed-${spec.name}-${rep}`);
      const {
        result: r,
        requests: d,
        serverCpuMs,
      } = await againstEmulator(ctx.emu, () =>
        runMeasured([process.execPath, path.join(ctx.distBench, 'baselines', 'seed-way.js'), ctx.emu.url, id, corpus.dir, list], {
          env: { ...process.env, DOMO_DEVELOPER_TOKEN: ctx.emu.token },
          okCodes: ctx.recordFailures ? 'any' : [0],
        }),
      );
      const uploaded = r.code === 0 ? (JSON.parse(r.stdout) as { uploaded: number }).uploaded : uploadsAccepted(d);
      if (r.code === 0 && uploaded !== spec.files) throw new Error(`uploaded ${uploaded} of ${spec.files}`);
      ctx.log(`  baseline seed-way ${spec.name}: ${(r.wallMs / 1000).toFixed(2)} s, exit ${r.code}, ${uploaded} uploaded`);
      return { wallMs: r.wallMs, peakRssMB: r.peakRssMB, cpuMs: r.cpuMs, serverCpuMs, requests: d, exitCode: r.code, counters: { uploaded } };
    });
    const m = summarize(label, corpus.files, corpus.totalBytes, samples);
    const note = failureNote(samples, spec.files);
    if (note) m.note = note;
    return m;
  } catch (e) {
    return skipped(label, corpus.files, corpus.totalBytes, why(e));
  }
}

/** Baseline 2: one curl per file, 8 at a time through `xargs -P 8`. */
export async function curlParallel(ctx: BaselineContext, spec: CorpusSpec, corpus: CorpusInfo, work: string): Promise<Measurement> {
  const label = 'baseline 2: curl, 8 parallel (xargs -P 8)';
  if (!which('curl') || !which('xargs')) return skipped(label, corpus.files, corpus.totalBytes, 'curl or xargs not installed');
  const argsFile = path.join(work, 'curl-args.txt');
  try {
    const samples = await repeat(ctx.reps, SLOW_MS, async (rep) => {
      await resetEmulator(ctx.emu);
      const id = await createFileSet(ctx.emu, `curl-${spec.name}-${rep}`);
      const url = `${ctx.emu.url}/api/files/v1/filesets/${id}/files`;
      // One line of curl arguments per file; xargs honours the single quotes around the JSON part.
      const lines = corpusFiles(spec).map((rel) => {
        const slash = rel.lastIndexOf('/');
        const dir = slash < 0 ? '' : rel.slice(0, slash);
        return `-F file=@${rel} -F 'createFileRequest={"directoryPath":"${dir}"}' ${url}`;
      });
      fs.writeFileSync(argsFile, lines.join('\n') + '\n');
      const {
        result: r,
        requests: d,
        serverCpuMs,
      } = await againstEmulator(ctx.emu, () =>
        runMeasured([`xargs -P 8 -L 1 curl -sS -f -o /dev/null -H 'X-DOMO-Developer-Token: ${ctx.emu.token}' < '${argsFile}'`], {
          shell: true,
          cwd: corpus.dir,
          okCodes: ctx.recordFailures ? 'any' : [0],
        }),
      );
      if ((d.byOperation.createFile ?? 0) !== spec.files) throw new Error(`curl made ${d.byOperation.createFile ?? 0} uploads of ${spec.files}`);
      const uploaded = uploadsAccepted(d);
      ctx.log(`  baseline curl ${spec.name}: ${(r.wallMs / 1000).toFixed(2)} s, exit ${r.code}, ${uploaded} uploaded`);
      return { wallMs: r.wallMs, peakRssMB: r.peakRssMB, cpuMs: r.cpuMs, serverCpuMs, requests: d, exitCode: r.code, counters: { uploaded } };
    });
    const m = summarize(label, corpus.files, corpus.totalBytes, samples);
    m.note = [failureNote(samples, spec.files), 'peak RSS is the largest single curl process'].filter(Boolean).join('; ');
    return m;
  } catch (e) {
    return skipped(label, corpus.files, corpus.totalBytes, why(e));
  }
}

/** Baseline 3: `openssl dgst -sha256` over every file (the hashing ceiling; one process, files from page cache). */
export async function opensslHash(ctx: BaselineContext, corpus: CorpusInfo): Promise<Measurement> {
  const label = 'baseline 3: openssl dgst -sha256 (hash only)';
  if (!which('openssl')) return skipped(label, corpus.files, corpus.totalBytes, 'openssl not installed');
  try {
    const samples = await repeat(Math.max(3, ctx.reps), SLOW_MS, async () => {
      const r = await runMeasured(['find . -type f -print0 | xargs -0 openssl dgst -sha256 | wc -l'], { shell: true, cwd: corpus.dir });
      const n = Number(r.stdout.trim());
      if (n !== corpus.files) throw new Error(`openssl hashed ${n} of ${corpus.files}`);
      return { wallMs: r.wallMs, peakRssMB: r.peakRssMB, requests: null };
    });
    return summarize(label, corpus.files, corpus.totalBytes, samples);
  } catch (e) {
    return skipped(label, corpus.files, corpus.totalBytes, why(e));
  }
}

/** rclone on PATH, installing Debian's package when running as root and it is missing. */
function ensureRclone(log: (m: string) => void): string | null {
  const found = which('rclone');
  if (found) return found;
  if (process.getuid?.() !== 0 || !which('apt-get')) return null;
  log('rclone missing: apt-get install -y rclone');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '-q', 'rclone'], { stdio: 'ignore', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { stdio: 'ignore', env });
    r = spawnSync('apt-get', ['install', '-y', '-q', 'rclone'], { stdio: 'ignore', env });
  }
  return r.status === 0 ? which('rclone') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url, { method: 'OPTIONS' });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > until) throw new Error(`rclone serve webdav did not answer on ${url}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Baseline 4: `rclone sync --checksum --transfers 8` to `rclone serve webdav` on loopback, cold (empty
 * target) and no-op (second sync). In --quick mode the cold sync is skipped and the target is filled
 * by copying the corpus, which leaves the no-op sync the same work.
 */
export async function rcloneSync(ctx: BaselineContext, corpus: CorpusInfo, work: string): Promise<{ cold: Measurement; noop: Measurement }> {
  const coldLabel = 'baseline 4: rclone sync to webdav, cold';
  const noopLabel = 'baseline 4: rclone sync to webdav, no-op (--checksum)';
  const skip = (w: string): { cold: Measurement; noop: Measurement } => ({
    cold: skipped(coldLabel, corpus.files, corpus.totalBytes, w),
    noop: skipped(noopLabel, corpus.files, corpus.totalBytes, w),
  });
  if (ctx.skipRclone) return skip('--skip-rclone');
  const rclone = ensureRclone(ctx.log);
  if (!rclone) return skip('rclone not installed and could not be installed (needs root and apt-get)');
  const target = path.join(work, 'webdav-target');
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  const conf = path.join(work, 'rclone.conf');
  fs.writeFileSync(conf, '');
  const port = await freePort();
  const server = spawn(rclone, ['serve', 'webdav', target, '--addr', `127.0.0.1:${port}`, '--config', conf], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  server.stderr!.resume();
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 15000);
    const sync = async (): Promise<Sample> => {
      const r = await runMeasured(
        [rclone, 'sync', corpus.dir, ':webdav:', '--webdav-url', `http://127.0.0.1:${port}/`, '--checksum', '--transfers', '8', '--config', conf],
        {},
      );
      return { wallMs: r.wallMs, peakRssMB: r.peakRssMB, requests: null };
    };
    let cold: Measurement;
    if (ctx.quick) {
      fs.cpSync(corpus.dir, target, { recursive: true });
      cold = skipped(coldLabel, corpus.files, corpus.totalBytes, 'quick mode (target pre-filled by copying)');
    } else {
      const s = await sync();
      ctx.log(`  baseline rclone ${corpus.name} cold: ${(s.wallMs / 1000).toFixed(2)} s`);
      cold = summarize(coldLabel, corpus.files, corpus.totalBytes, [s]);
      cold.note = 'one run (slow)';
    }
    const samples = await repeat(ctx.reps, SLOW_MS, async () => sync());
    ctx.log(`  baseline rclone ${corpus.name} no-op: ${(samples[0].wallMs / 1000).toFixed(2)} s`);
    const noop = summarize(noopLabel, corpus.files, corpus.totalBytes, samples);
    noop.note = 'webdav has no hash in common with local files, so rclone compares sizes (and --checksum skips modtimes)';
    return { cold, noop };
  } catch (e) {
    return skip(why(e));
  } finally {
    server.kill('SIGTERM');
    fs.rmSync(target, { recursive: true, force: true });
  }
}

/** Running measured child processes: wall time from the parent, peak RSS from GNU time. */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** What one child run produced. */
export interface ProcResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Max RSS of the child (or its largest descendant) in MB; null without GNU time. */
  peakRssMB: number | null;
  /** CPU time (user + system) of the child and the descendants it waited for, in ms; null without GNU time. */
  cpuMs: number | null;
}

/** Options of a measured run. */
export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Shell command line instead of argv (for pipelines such as xargs). */
  shell?: boolean;
  /** Reject when the exit code is not one of these (default [0]); 'any': any exit, not a signal. */
  okCodes?: number[] | 'any';
  /** Keep at most this many characters of stdout (JSON reports can be large). */
  maxStdout?: number;
  /** Kill the child after this long (default 30 minutes) so one hung run cannot stall the benchmark. */
  timeoutMs?: number;
}

let gnuTime: string | null | undefined;

/** /usr/bin/time when it is GNU time (supports -f %M); cached. */
function findGnuTime(): string | null {
  if (gnuTime !== undefined) return gnuTime;
  gnuTime = null;
  for (const candidate of ['/usr/bin/time', '/bin/time']) {
    if (!fs.existsSync(candidate)) continue;
    const r = spawnSync(candidate, ['-f', '%M', 'true'], { encoding: 'utf8' });
    if (r.status === 0 && /^\d+\s*$/m.test(r.stderr)) {
      gnuTime = candidate;
      break;
    }
  }
  return gnuTime;
}

/**
 * What GNU time wrote with `-f '%M %U %S'`: peak RSS (KB → MB) and user + system CPU (s → ms), from the
 * last line (a line about a non-zero exit status may come before it); null when there is no such line.
 */
export function parseGnuTime(text: string): { peakRssMB: number; cpuMs: number } | null {
  const m = /(\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)\s*$/.exec(text);
  return m ? { peakRssMB: (Number(m[1]) * 1024) / 1e6, cpuMs: Math.round((Number(m[2]) + Number(m[3])) * 1000) } : null;
}

/** True when `cmd` is found on PATH. */
export function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || null : null;
}

/**
 * Runs argv (or a shell line) to completion, timing it from spawn to exit. GNU time wraps it so the
 * RSS is the measured process's own, not the harness's; its one-line output goes to a file, not stderr.
 */
export async function runMeasured(argv: string[], opts: RunOptions = {}): Promise<ProcResult> {
  const time = findGnuTime();
  const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const base = opts.shell ? ['sh', '-c', argv.join(' ')] : argv;
  const full = time ? [time, '-f', '%M %U %S', '-o', rssFile, ...base] : base;
  const started = process.hrtime.bigint();
  const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(full[0], full.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let outLen = 0;
    const max = opts.maxStdout ?? 64 * 1024 * 1024;
    const err: Buffer[] = [];
    let errLen = 0;
    child.stdout.on('data', (b: Buffer) => {
      if (outLen < max) out.push(b);
      outLen += b.length;
    });
    child.stderr.on('data', (b: Buffer) => {
      if (errLen < 1024 * 1024) err.push(b);
      errLen += b.length;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30 * 60 * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  let peakRssMB: number | null = null;
  let cpuMs: number | null = null;
  if (time) {
    try {
      const t = parseGnuTime(fs.readFileSync(rssFile, 'utf8'));
      if (t) ({ peakRssMB, cpuMs } = t);
    } catch {
      // GNU time writes nothing when the child was killed by a signal; RSS stays unknown.
    }
    fs.rmSync(rssFile, { force: true });
  }
  const ok = opts.okCodes ?? [0];
  if (result.code === null || (ok !== 'any' && !ok.includes(result.code))) {
    const tail = result.stderr.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${argv.slice(0, 3).join(' ')} … exited ${result.code}: ${tail.slice(0, 600)}`);
  }
  return { ...result, wallMs, peakRssMB, cpuMs };
}

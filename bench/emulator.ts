/** The emulator as a separate process, driven over its /_emulator endpoints. */
import { spawn, ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import type { RequestCounts } from './types';

/** A running emulator child. */
export interface EmulatorProc {
  url: string;
  token: string;
  pid: number;
  child: ChildProcess;
}

/** The part of GET /_emulator/stats the benchmark reads. */
export interface EmulatorStatsDoc {
  total: number;
  mutating: number;
  requests: Record<string, number>;
  /** Requests answered 429 by the emulator's rate limit. */
  limited: number;
}

/**
 * Starts `node dist/cli/bin.js emulator --port 0 --token T [emulatorArgs…]` and resolves with the URL from
 * its first stdout line. nodeArgs lets the profiler (--cpu-prof) ride along; emulatorArgs set the network
 * conditions (--latency-ms, --rate-limit, --index-delay-ms).
 */
export function startEmulatorProcess(cliBin: string, token: string, nodeArgs: string[] = [], emulatorArgs: string[] = []): Promise<EmulatorProc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, cliBin, 'emulator', '--port', '0', '--token', token, ...emulatorArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buf = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`emulator did not print its URL within 20 s: ${err.slice(-400)}`));
    }, 20000);
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString('utf8');
      if (err.length > 8192) err = err.slice(-8192);
    });
    const onData = (b: Buffer): void => {
      buf += b.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      // Keep draining stdout so a chatty emulator never blocks on a full pipe.
      child.stdout!.resume();
      const url = buf.slice(0, nl).trim();
      if (!/^https?:\/\//.test(url)) {
        child.kill('SIGTERM');
        reject(new Error(`emulator's first stdout line is not a URL: ${url.slice(0, 200)}`));
        return;
      }
      resolve({ url: url.replace(/\/$/, ''), token, pid: child.pid!, child });
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) before printing its URL: ${err.slice(-400)}`));
    });
  });
}

/** Stops the emulator with SIGINT (so --cpu-prof can write its profile) and waits for it to exit. */
export async function stopEmulatorProcess(emu: EmulatorProc): Promise<void> {
  if (emu.child.exitCode !== null || emu.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      emu.child.kill('SIGKILL');
    }, 10000);
    emu.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    emu.child.kill('SIGINT');
  });
}

/** POST /_emulator/reset: clears data, counters and the log between measurements. */
export async function resetEmulator(emu: EmulatorProc): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`POST /_emulator/reset answered ${res.status}`);
  await res.arrayBuffer();
}

/** GET /_emulator/stats. */
export async function emulatorStats(emu: EmulatorProc): Promise<EmulatorStatsDoc> {
  const res = await fetch(`${emu.url}/_emulator/stats`);
  if (!res.ok) throw new Error(`GET /_emulator/stats answered ${res.status}`);
  const doc = (await res.json()) as EmulatorStatsDoc;
  return { total: doc.total ?? 0, mutating: doc.mutating ?? 0, requests: doc.requests ?? {}, limited: doc.limited ?? 0 };
}

/** The requests made between two stats snapshots. */
function statsDelta(before: EmulatorStatsDoc, after: EmulatorStatsDoc): RequestCounts {
  const byOperation: Record<string, number> = {};
  for (const [op, n] of Object.entries(after.requests)) {
    const d = n - (before.requests[op] ?? 0);
    if (d !== 0) byOperation[op] = d;
  }
  const out: RequestCounts = { total: after.total - before.total, mutating: after.mutating - before.mutating, byOperation };
  const limited = after.limited - before.limited;
  if (limited !== 0) out.limited = limited;
  return out;
}

/** Peak RSS (VmHWM) of a live process in MB, from /proc; null off Linux. */
export function processPeakRssMB(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(status);
    return m ? (Number(m[1]) * 1024) / 1e6 : null;
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) a live process has used so far, in ms, from /proc (clock ticks of 10 ms, the
 * USER_HZ of Linux); null off Linux or once the process is gone.
 */
function processCpuMs(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the state, field 3; utime, stime are 14, 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * Runs `run` (a measured child) against the emulator: what it returns, the API requests it made (from the
 * emulator's counters) and the CPU time the emulator spent meanwhile.
 */
export async function againstEmulator<T>(
  emu: EmulatorProc,
  run: () => Promise<T>,
): Promise<{ result: T; requests: RequestCounts; serverCpuMs: number | null }> {
  const before = await emulatorStats(emu);
  const cpuBefore = processCpuMs(emu.pid);
  const result = await run();
  const cpuAfter = processCpuMs(emu.pid);
  const after = await emulatorStats(emu);
  return { result, requests: statsDelta(before, after), serverCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

/** Creates a FileSet through the API (not timed) for the baselines that upload into one. */
export async function createFileSet(emu: EmulatorProc, name: string): Promise<string> {
  const res = await fetch(`${emu.url}/api/files/v1/filesets`, {
    method: 'POST',
    headers: { 'X-DOMO-Developer-Token': emu.token, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  if (!res.ok) throw new Error(`create FileSet answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const doc = (await res.json()) as { id?: string };
  if (!doc.id) throw new Error('create FileSet returned no id');
  return doc.id;
}

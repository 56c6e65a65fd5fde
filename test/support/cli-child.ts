/**
 * The built CLI (`node dist/cli/bin.js`) as a child process, with an environment cleaned of the developer's
 * settings, and the one-line error contract its failures are checked against.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, ROOT } from './fs-state';

/** Result of one CLI run. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of a CLI run. */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the child after this many ms (a hang is a failure, never a wait); default 120 s. */
  timeoutMs?: number;
}

/** A started CLI child: its process and a promise of its result. */
export interface Spawned {
  child: ChildProcess;
  done: Promise<RunResult>;
}

/**
 * Environment without the developer's DOMO_* / colour / DEBUG settings, nor the switches of the test run
 * itself (CHAOS, the test profile): a child sees only what the test gives it.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('DOMO_') || k === 'NO_COLOR' || k === 'FORCE_COLOR' || k === 'DEBUG' || k === 'CHAOS') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Starts `node dist/cli/bin.js ...args`. */
export function spawnCli(args: string[], opts: RunOptions = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise<RunResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  return { child, done };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return spawnCli(args, opts).done;
}

/** Asserts the one-line error contract: exactly one `domo-filesets: error:` line and no stack frame; returns it. */
export function expectOneLineError(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => l.startsWith('domo-filesets: error: '));
  if (errors.length !== 1) throw new Error(`expected exactly one error line on stderr, got:\n${stderr}`);
  if (/^\s{4}at /m.test(stderr)) throw new Error(`stack trace on stderr:\n${stderr}`);
  return errors[0];
}

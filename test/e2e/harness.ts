/**
 * End-to-end harness: the real CLI (`node dist/cli/bin.js`) as a child process against an emulator started
 * in the test on 127.0.0.1:0, with temp directories for manifests and sources.
 */
import { spawn } from 'node:child_process';
import { DomoFilesClient } from '../../client';
import { BIN, ROOT } from '../support/fs-state';
export { BIN, ROOT, assertBuilt, workspace, sha256, localState, remoteState, type Workspace } from '../support/fs-state';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../emulator';

/** The token the e2e emulator requires (a canary: it must never show up in output). */
export const TOKEN = 'e2e-canary-token-7f3a9c1d5e';

/** Result of one CLI run. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of runCli. */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Kill the child after this many ms (a hang is a failure, not a wait). */
  timeoutMs?: number;
}

/** Environment without any DOMO_* or colour settings of the developer's shell. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('DOMO_') || k === 'NO_COLOR' || k === 'FORCE_COLOR' || k === 'DEBUG') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs `node dist/cli/bin.js ...args` to completion. */
export function runCli(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 45_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** A running emulator plus a client for checking its contents from the test. */
export interface Backend {
  emu: EmulatorHandle;
  client: DomoFilesClient;
  /** DOMO_BASE_URL + DOMO_DEVELOPER_TOKEN for the child. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts an emulator (in memory unless dataDir is given) that requires TOKEN. */
export async function startBackend(opts: EmulatorOptions = {}): Promise<Backend> {
  const emu = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN, ...opts });
  // Fast retries: the checking client must see through the faults a test injects into the emulator.
  const client = new DomoFilesClient({ baseUrl: emu.url, token: TOKEN, env: {}, retry: { attempts: 8, baseDelayMs: 5, maxDelayMs: 50 } });
  return {
    emu,
    client,
    env: { DOMO_BASE_URL: emu.url, DOMO_DEVELOPER_TOKEN: TOKEN },
    close: async () => {
      await client.close();
      await emu.close();
    },
  };
}


/** The id of the only FileSet with this name (fails the test when there is not exactly one). */
export async function fileSetId(client: DomoFilesClient, name: string): Promise<string> {
  const found = await client.findFileSetsByName(name);
  if (found.length !== 1) throw new Error(`expected one FileSet named ${name}, found ${found.length}`);
  return found[0].id;
}

/** Mutating requests the emulator counted since `before`. */
export function mutatingSince(emu: EmulatorHandle, before: number): number {
  return emu.stats().mutating - before;
}

/** Exactly one stderr line, the contract's error line. */
export function oneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && l.startsWith('domo-filesets: error: '));
  if (lines.length !== 1) throw new Error(`expected exactly one error line, got:\n${stderr}`);
  return lines[0];
}

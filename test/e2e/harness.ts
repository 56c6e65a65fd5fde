/**
 * End-to-end harness: the real CLI (`node dist/cli/bin.js`) as a child process against an emulator started
 * in the test on 127.0.0.1:0, with temp directories for manifests and sources.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { DomoFilesClient } from '../../client';
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from '../../emulator';

/** Repository root. */
export const ROOT = join(__dirname, '..', '..');
/** The built CLI. */
export const BIN = join(ROOT, 'dist', 'cli', 'bin.js');
/** The token the e2e emulator requires (a canary: it must never show up in output). */
export const TOKEN = 'e2e-canary-token-7f3a9c1d5e';

/** Fails loudly when the build is missing instead of timing out on a confusing spawn error. */
export function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does it in pretest)`);
}

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

/** A temp workspace with helpers to write a source tree and a manifest. */
export interface Workspace {
  dir: string;
  write(rel: string, content: string | Buffer): Promise<void>;
  remove(rel: string): Promise<void>;
  manifest(yaml: string, name?: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** Creates a temp workspace. */
export async function workspace(): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'domo-filesets-e2e-'));
  return {
    dir,
    async write(rel, content) {
      const p = join(dir, rel);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, content);
    },
    async remove(rel) {
      await rm(join(dir, rel), { force: true, recursive: true });
    },
    async manifest(yaml, name = 'manifest.yaml') {
      const p = join(dir, name);
      await writeFile(p, yaml);
      return p;
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** SHA-256 hex of bytes. */
export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Local files under `root` as remote-path → sha256 (with an optional prefix), NFC-normalized as Domo stores names. */
export async function localState(root: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const rel = relative(root, p).split(sep).join('/');
        out[(prefix ? `${prefix}/${rel}` : rel).normalize('NFC')] = sha256(await readFile(p));
      }
    }
  };
  await walk(root);
  return out;
}

/** Remote files of a FileSet (optionally under a directory) as path → hash. */
export async function remoteState(client: DomoFilesClient, fileSetId: string, directoryPath?: string): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for await (const f of client.listFiles(fileSetId, { filesOnly: true, ...(directoryPath ? { directoryPath } : {}) })) {
    out[f.path.normalize('NFC')] = f.hash;
  }
  return out;
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

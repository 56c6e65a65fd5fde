/**
 * Shared helpers of the reliability suites (test/chaos, test/badinput, test/security): the built CLI as a
 * child process, an emulator on 127.0.0.1, temp workspaces, and the checks every suite makes (remote == local,
 * no duplicate paths, no delete of a local path, faults and retries counted from the emulator's request log).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { DomoFilesClient } from '../../client';
import { BIN, ROOT } from '../support/fs-state';
export { BIN, ROOT, assertBuilt, workspace, sha256, localState, remoteState, type Workspace } from '../support/fs-state';
import { startEmulator, type EmulatorHandle, type EmulatorOptions, type FaultKind, type RequestLogEntry } from '../../emulator';

/** A fresh canary token: a unique random string that must never show up anywhere. */
export function canary(label = 'canary'): string {
  return `${label}-${randomBytes(16).toString('hex')}`;
}

/**
 * The fault mix: 10% 500s, 5% 429 (with Retry-After), 3% resets mid-body, 2% slow. The emulator picks a
 * kind uniformly from `kinds`, so repeating kinds weights them: 20% of requests fault, split 10:5:3:2.
 */
export const FAULT_MIX: { rate: number; kinds: FaultKind[] } = {
  rate: 0.2,
  kinds: [...Array<FaultKind>(10).fill('500'), ...Array<FaultKind>(5).fill('429'), ...Array<FaultKind>(3).fill('reset'), ...Array<FaultKind>(2).fill('slow')],
};

/** Result of one CLI run. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment without the developer's DOMO_* / colour / DEBUG settings. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('DOMO_') || k === 'NO_COLOR' || k === 'FORCE_COLOR' || k === 'DEBUG' || k === 'CHAOS') continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** A started CLI child: its process and a promise of its result. */
export interface Spawned {
  child: ChildProcess;
  done: Promise<RunResult>;
}

/** Starts `node dist/cli/bin.js ...args`; a hang is killed after `timeoutMs` (a failure, never a wait). */
export function spawnCli(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Spawned {
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
export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return spawnCli(args, opts).done;
}

/** An emulator plus a checking client that sees through its faults. */
export interface Backend {
  emu: EmulatorHandle;
  token: string;
  client: DomoFilesClient;
  /** DOMO_BASE_URL + DOMO_DEVELOPER_TOKEN for a CLI child. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts an emulator on 127.0.0.1:0 requiring a fresh canary token; the request log keeps everything. */
export async function startBackend(opts: EmulatorOptions = {}): Promise<Backend> {
  const token = opts.token ?? canary('token');
  const emu = await startEmulator({ host: '127.0.0.1', port: 0, maxRequestLog: 1_000_000, ...opts, token });
  const client = new DomoFilesClient({ baseUrl: emu.url, token, env: {}, retry: { attempts: 12, baseDelayMs: 2, maxDelayMs: 20 } });
  return {
    emu,
    token,
    client,
    env: { DOMO_BASE_URL: emu.url, DOMO_DEVELOPER_TOKEN: token },
    close: async () => {
      await client.close();
      await emu.close();
    },
  };
}

/** The FileSets with exactly this name. */
export async function fileSetsNamed(client: DomoFilesClient, name: string): Promise<string[]> {
  return (await client.findFileSetsByName(name)).map((f) => f.id);
}

/** Successful deletes in a slice of the request log. */
export function successfulDeletes(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => (e.operationId === 'deleteFile' || e.operationId === 'deleteFileByPath') && e.status >= 200 && e.status < 300);
}

/** Log entries the emulator failed on purpose: 500, 429, or a reset (status 0). */
export function faulted(log: RequestLogEntry[]): RequestLogEntry[] {
  return log.filter((e) => e.status === 0 || e.status === 500 || e.status === 429);
}

/**
 * Requests seen again after a fault: for each faulted entry, a later entry of the same operation on the same
 * FileSet and path. Counted for requests that name a path (uploads, deletes, gets) and for the path-less ones
 * (listings, searches) by operation only — a conservative estimate of the client's retries as the server saw them.
 */
export function retriedAfterFault(log: RequestLogEntry[]): number {
  let n = 0;
  const pending = new Map<string, number>();
  for (const e of log) {
    const key = `${e.operationId}\0${e.fileSetId ?? ''}\0${e.path ?? ''}`;
    const waiting = pending.get(key) ?? 0;
    if (waiting > 0) {
      n += 1;
      pending.set(key, waiting - 1);
    }
    if (e.status === 0 || e.status === 500 || e.status === 429) pending.set(key, (pending.get(key) ?? 0) + 1);
  }
  return n;
}

/** Total injected faults from stats. */
export function faultTotal(emu: EmulatorHandle): number {
  return Object.values(emu.stats().faults).reduce((a, b) => a + b, 0);
}

/** Asserts the one-line error contract: exactly one `domo-filesets: error:` line and no stack frame. */
export function expectOneLineError(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const errors = lines.filter((l) => l.startsWith('domo-filesets: error: '));
  if (errors.length !== 1) throw new Error(`expected exactly one error line on stderr, got:\n${stderr}`);
  if (/^\s{4}at /m.test(stderr)) throw new Error(`stack trace on stderr:\n${stderr}`);
  return errors[0];
}

/** Figures collected by the suites and printed once, for the closing note. */
export function logFigures(label: string, figures: Record<string, unknown>): void {
  process.stdout.write(`[reliability] ${label}: ${JSON.stringify(figures)}\n`);
}

/** A pass-through proxy on 127.0.0.1 in front of the emulator. */
export interface Proxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A proxy that holds requests matching `pick` until `count` of them have arrived, then forwards them all at
 * once: it makes a race (two runs both looking up a FileSet before either creates it) happen every time
 * instead of by timing luck.
 */
export async function startBarrierProxy(target: string, count: number, pick: (req: import('node:http').IncomingMessage) => boolean): Promise<Proxy> {
  const http = await import('node:http');
  const t = new URL(target);
  const held: (() => void)[] = [];
  let passed = 0;
  const forward = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: Buffer): void => {
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    up.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (passed < count && pick(req)) {
        held.push(() => forward(req, res, body));
        if (held.length >= count) {
          passed = count;
          for (const go of held.splice(0)) go();
        }
        return;
      }
      forward(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A pass-through proxy that adds `x-emulator-fault: <kind>` to the requests `pick` chooses, so the emulator
 * fails exactly those (every retry included, when `pick` keeps choosing them). Counts what it faulted.
 */
export async function startFaultProxy(target: string, kind: FaultKind, pick: (req: import('node:http').IncomingMessage) => boolean): Promise<Proxy & { faulted(): number }> {
  const http = await import('node:http');
  const t = new URL(target);
  let n = 0;
  const server = http.createServer((req, res) => {
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: t.host };
    if (pick(req)) {
      n += 1;
      headers['x-emulator-fault'] = kind;
    }
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    faulted: () => n,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A canned answer of a scripted proxy. */
export interface Scripted {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A proxy that answers the requests `script` picks itself (a status and a JSON body, like Domo's gateway) and
 * forwards the rest to the emulator; request bodies it answers are drained, not forwarded. Records what it
 * received (method, URL, the token header) so tests can check what reached it.
 */
export async function startScriptedProxy(target: string, script: (req: import('node:http').IncomingMessage) => Scripted | null): Promise<Proxy & { seen: { method: string; url: string; token: string | undefined }[] }> {
  const http = await import('node:http');
  const t = new URL(target);
  const seen: { method: string; url: string; token: string | undefined }[] = [];
  const server = http.createServer((req, res) => {
    const tok = req.headers['x-domo-developer-token'];
    seen.push({ method: req.method ?? '', url: req.url ?? '', token: Array.isArray(tok) ? tok[0] : tok });
    const canned = script(req);
    if (canned) {
      req.resume();
      req.on('end', () => {
        const body = canned.body === undefined ? '' : JSON.stringify(canned.body);
        res.writeHead(canned.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(canned.headers ?? {}) });
        res.end(body);
      });
      return;
    }
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A proxy that holds the first request `pick` chooses until the test calls release(): the test changes the
 * local tree at a known point of an apply (after the scan and plan, before the uploads), then lets it go on.
 */
export async function startGateProxy(target: string, pick: (req: import('node:http').IncomingMessage) => boolean): Promise<Proxy & { arrived: Promise<void>; release(): void }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let arrivedResolve!: () => void;
  const arrived = new Promise<void>((r) => (arrivedResolve = r));
  let gated = false;
  const http = await import('node:http');
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const go = (): void => {
      const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (!gated && pick(req)) {
      gated = true;
      req.pause();
      arrivedResolve();
      void released.then(go);
      return;
    }
    go();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrived,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Log entries of operations that change data and succeeded (2xx): what a refused run must not have. */
export function successfulMutations(log: RequestLogEntry[]): RequestLogEntry[] {
  const MUTATING = new Set(['createFileSet', 'updateFileSet', 'deleteFileSet', 'createFile', 'deleteFile', 'deleteFileByPath', 'initiateSplitFileUpload', 'uploadSplitFilePart', 'finalizeSplitFileUpload', 'abortSplitFileUpload']);
  return log.filter((e) => MUTATING.has(e.operationId) && e.status >= 200 && e.status < 300);
}

/**
 * The one emulator-backed test harness. Every suite that needs an emulator starts it here, so every emulator
 * answers by the reading the run asks for: `DOMO_FILESETS_TEST_PROFILE` (seed | spec, default seed) names the
 * profile, and a test that depends on one reading pins it with `profile` in the options.
 *
 * Also re-exported here, so a suite has one import: the built CLI as a child (cli-child.ts), temp workspaces
 * and the local/remote file sets (fs-state.ts), request-log checks (request-log.ts), pass-through proxies
 * (proxies.ts), waiting on observable state (wait.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomoFilesClient, type ClientOptions } from '../../client';
import { runCli, type RunResult } from './cli-child';
import { assertBuilt, workspace, type Workspace } from './fs-state';
import { startEmulator, type EmulatorHandle, type EmulatorOptions, type FaultKind, type Profile } from '../../emulator';

export * from './cli-child';
export * from './fs-state';
export * from './request-log';
export * from './proxies';
export * from './wait';

/** The variable that selects the emulator profile of a test run. */
const PROFILE_VAR = 'DOMO_FILESETS_TEST_PROFILE';

/** The profile `DOMO_FILESETS_TEST_PROFILE` names (default seed); any other value stops the run with one line. */
export function profileFrom(env: Record<string, string | undefined>): Profile {
  const v = env[PROFILE_VAR];
  if (v === undefined || v === '') return 'seed';
  if (v === 'seed' || v === 'spec') return v;
  throw new Error(`${PROFILE_VAR} must be seed or spec, got ${JSON.stringify(v)}`);
}

/** The profile of this test run. */
export const TEST_PROFILE: Profile = profileFrom(process.env);

/** A fresh canary: a unique random string that must never show up anywhere. */
export function canary(label = 'canary'): string {
  return `${label}-${randomBytes(16).toString('hex')}`;
}

/** The token the emulators of this test file require unless a test gives another (a canary). */
export const TOKEN = canary('token');

/**
 * Starts an emulator on 127.0.0.1:0 with the run's profile (unless `opts.profile` pins one), requiring TOKEN
 * unless `opts.token` says otherwise. The request log keeps every entry, so tests can slice it by index.
 */
export function startTestEmulator(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({ host: '127.0.0.1', port: 0, maxRequestLog: 1_000_000, profile: TEST_PROFILE, token: TOKEN, ...opts });
}

/**
 * A client for `baseUrl` that sees through the faults a test injects: many attempts, tiny delays, and no
 * DOMO_* from the developer's environment. `options.retry` merges over those.
 */
export function testClient(baseUrl: string, token: string = TOKEN, options: ClientOptions = {}): DomoFilesClient {
  return new DomoFilesClient({ baseUrl, token, env: {}, ...options, retry: { attempts: 12, baseDelayMs: 2, maxDelayMs: 20, ...options.retry } });
}

/** A running emulator, a checking client, and the environment a CLI child needs to reach it. */
export interface Backend {
  emu: EmulatorHandle;
  token: string;
  client: DomoFilesClient;
  /** DOMO_BASE_URL + DOMO_DEVELOPER_TOKEN for a CLI child. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Starts an emulator (startTestEmulator) and a client for it (testClient with `clientOptions`). */
export async function startBackend(opts: EmulatorOptions = {}, clientOptions: ClientOptions = {}): Promise<Backend> {
  const token = opts.token ?? TOKEN;
  const emu = await startTestEmulator({ ...opts, token });
  const client = testClient(emu.url, token, clientOptions);
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

/** A backend plus a scratch directory removed on close. */
export interface ScratchBackend extends Backend {
  dir: string;
}

/** startBackend plus a fresh temp directory. */
export async function startScratchBackend(opts: EmulatorOptions = {}, clientOptions: ClientOptions = {}): Promise<ScratchBackend> {
  const be = await startBackend(opts, clientOptions);
  const dir = mkdtempSync(join(tmpdir(), 'domo-filesets-it-'));
  return {
    ...be,
    dir,
    close: async () => {
      await be.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The ids of the FileSets with exactly this name. */
export async function fileSetsNamed(client: DomoFilesClient, name: string): Promise<string[]> {
  return (await client.findFileSetsByName(name)).map((f) => f.id);
}

/** The id of the only FileSet with this name (fails the test when there is not exactly one). */
export async function fileSetId(client: DomoFilesClient, name: string): Promise<string> {
  const found = await fileSetsNamed(client, name);
  if (found.length !== 1) throw new Error(`expected one FileSet named ${name}, found ${found.length}`);
  return found[0];
}

/**
 * The reliability suites' fault mix: 10% 500s, 5% 429 (with Retry-After), 3% resets mid-body, 2% slow. The
 * emulator picks a kind uniformly from `kinds`, so repeating kinds weights them: 20% of requests fault,
 * split 10:5:3:2.
 */
export const FAULT_MIX: { rate: number; kinds: FaultKind[] } = {
  rate: 0.2,
  kinds: [...Array<FaultKind>(10).fill('500'), ...Array<FaultKind>(5).fill('429'), ...Array<FaultKind>(3).fill('reset'), ...Array<FaultKind>(2).fill('slow')],
};

/** Figures a suite collects, printed once per suite for the record (never asserted on). */
export function logFigures(label: string, figures: Record<string, unknown>): void {
  process.stdout.write(`[reliability] ${label}: ${JSON.stringify(figures)}\n`);
}

/** The live objects of useCliWorkspace: one backend for the file, a fresh workspace per test. */
export interface CliWorkspace {
  readonly be: Backend;
  readonly ws: Workspace;
  /** Runs the built CLI in the workspace against the backend (plus `env`); its output never holds the token. */
  cli(args: string[], env?: Record<string, string>): Promise<RunResult>;
}

/**
 * Registers the hooks of a CLI end-to-end suite: the built CLI checked and one emulator backend for the file;
 * before each test the emulator reset and a fresh workspace (then `setup`, given the fixture); after each the
 * workspace removed. Returns the fixture, whose fields are live once the hooks ran.
 */
export function useCliWorkspace(opts: { label?: string; setup?: (fx: CliWorkspace) => Promise<void> } = {}): CliWorkspace {
  let be: Backend | undefined;
  let ws: Workspace | undefined;
  const fx: CliWorkspace = {
    get be() {
      if (!be) throw new Error('useCliWorkspace: the backend is not started yet (use it inside a test or hook)');
      return be;
    },
    get ws() {
      if (!ws) throw new Error('useCliWorkspace: no workspace outside a test');
      return ws;
    },
    async cli(args, env = {}) {
      const r = await runCli(args, { env: { ...fx.be.env, ...env }, cwd: fx.ws.dir });
      if (r.stdout.includes(fx.be.token) || r.stderr.includes(fx.be.token)) throw new Error(`the token appeared in the output of ${args.join(' ')}`);
      return r;
    },
  };
  beforeAll(async () => {
    assertBuilt();
    be = await startBackend();
  });
  afterAll(async () => be?.close());
  beforeEach(async () => {
    await fx.be.emu.reset();
    ws = await workspace(opts.label);
    await opts.setup?.(fx);
  });
  afterEach(async () => {
    await ws?.cleanup();
    ws = undefined;
  });
  return fx;
}

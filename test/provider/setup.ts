/** Shared fixtures of the provider unit tests: an emulator, a configured client, and provider calls. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DomoFilesClient } from '../../client';
import type { EmulatorHandle, EmulatorOptions } from '../../emulator';
import { clearCredentials } from '../../provider/runtime';
import { startBackend, type Backend } from '../support/harness';

// The provider requires `domo-filesets/client|loader` at call time; jest would resolve that name to the
// built dist/, so point it at the sources under test (the same module instances the tests import).
jest.doMock('domo-filesets/client', () => jest.requireActual('../../client'));
jest.doMock('domo-filesets/loader', () => jest.requireActual('../../loader'));

/** The token the emulator requires (so a wrong or missing token fails loudly). */
export const TOKEN = 'unit-test-token-4f1c';

/** A stack config as the provider host hands it to configure. */
export function configOf(values: Record<string, string>): { get(key: string): string | undefined; require(key: string): string } {
  return {
    get: (k) => values[k],
    require: (k) => {
      if (values[k] === undefined) throw new Error(`Missing required configuration key: ${k}`);
      return values[k];
    },
  };
}

/** Emulator + client + a scratch directory, started in beforeAll and stopped in afterAll. */
export interface Fixture {
  emu: EmulatorHandle;
  client: DomoFilesClient;
  dir: string;
  config: ReturnType<typeof configOf>;
}

/** Registers beforeAll/afterAll hooks and returns the live fixture object (`options`: more emulator options). */
export function useEmulator(options: Omit<EmulatorOptions, 'token'> = {}): Fixture {
  const fx = {} as Fixture;
  let be: Backend | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    for (const k of ['DOMO_INSTANCE', 'DOMO_BASE_URL', 'DOMO_DEVELOPER_TOKEN', 'DOMO_ACCESS_TOKEN', 'DOMO_TOKEN']) delete process.env[k];
    be = await startBackend({ ...options, token: TOKEN }, { retry: { attempts: 1 } });
    fx.emu = be.emu;
    fx.client = be.client;
    fx.dir = mkdtempSync(join(tmpdir(), 'domo-filesets-provider-'));
    fx.config = configOf({ 'domo:baseUrl': fx.emu.url, 'domo:token': TOKEN });
  });
  afterAll(async () => {
    clearCredentials();
    process.env = saved;
    await be?.close();
    if (fx.dir) rmSync(fx.dir, { recursive: true, force: true });
  });
  return fx;
}

/** Every file path in a FileSet, sorted. */
export async function remotePaths(client: DomoFilesClient, fileSetId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of client.listFiles(fileSetId, { filesOnly: true })) out.push(e.path);
  return out.sort();
}

/**
 * A canary token (a unique random string) through every CLI command — plan, apply, destroy, files, filesets,
 * query — in every format, succeeding and failing (wrong token → 401, injected faults, bad input), with and
 * without DEBUG stacks: the canary never appears on stdout or stderr. The same for the client's errors seen
 * in-process (message, JSON, util.inspect, cause chain).
 */
import { inspect } from 'node:util';
import { DomoFilesClient } from '../../client';
import {
  assertBuilt,
  canary,
  logFigures,
  runCli,
  startBackend,
  startScriptedProxy,
  workspace,
  type Backend,
  type RunResult,
  type Workspace,
} from '../support/harness';

beforeAll(assertBuilt);
jest.setTimeout(180_000);

let ws: Workspace;
let be: Backend;
let fsId: string;
const runs: { args: string[]; r: RunResult }[] = [];

beforeAll(async () => {
  be = await startBackend({ token: canary('CANARY') });
  ws = await workspace('canary');
  await ws.write('src/a.md', '# a\nhello world');
  await ws.write('src/b.md', '# b');
  await ws.manifest('version: 1\nfilesets:\n  - name: canary-docs\n    source: ./src\n');
  await ws.manifest('version: 1\nfilesets:\n  - name: canary-docs\n    source: ./src\n    naem: typo\n', 'bad.yaml');
  fsId = (await be.client.createFileSet({ name: 'canary-files' })).id;
  await be.client.uploadFile(fsId, { path: 'x.md', source: { content: 'x' } });
});
afterAll(async () => {
  logFigures('canary-cli', { commands: runs.length, failing: runs.filter((x) => x.r.code !== 0).length });
  await be?.close();
  await ws?.cleanup();
});

async function run(args: string[], env: Record<string, string>): Promise<RunResult> {
  const r = await runCli(args, { env, cwd: ws.dir });
  runs.push({ args, r });
  return r;
}

function expectClean(r: RunResult, ...secrets: string[]): void {
  for (const s of secrets) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

describe('the canary never appears in CLI output', () => {
  const commands = (): string[][] => [
    ['plan', '-f', 'manifest.yaml'],
    ['plan', '-f', 'manifest.yaml', '--format', 'json'],
    ['plan', '-f', 'manifest.yaml', '--format', 'markdown'],
    ['apply', '-f', 'manifest.yaml', '--format', 'json'],
    ['apply', '-f', 'manifest.yaml', '--format', 'markdown'],
    ['apply', '-f', 'manifest.yaml'],
    ['plan', '-f', 'bad.yaml'],
    ['filesets', 'list'],
    ['filesets', 'get', fsId],
    ['filesets', 'get', 'no-such-id'],
    ['filesets', 'create', '--name', 'canary-created'],
    ['files', 'list', fsId],
    ['files', 'get', fsId, '--path', 'x.md'],
    ['files', 'get', fsId, '--path', 'missing.md'],
    ['files', 'upload', fsId, 'src/a.md', '--path', 'up/a.md'],
    ['files', 'download', fsId, '--path', 'x.md'],
    ['files', 'download', fsId, '--path', 'x.md', '-o', 'out/x.md'],
    ['files', 'delete', fsId, '--path', 'up/a.md'],
    ['query', fsId, 'hello'],
    ['destroy', '-f', 'manifest.yaml'],
    ['destroy', '-f', 'manifest.yaml', '--yes', '--format', 'json'],
  ];

  it('with the right token (successes and command errors), also with DEBUG=domo-filesets stacks', async () => {
    for (const args of commands()) {
      expectClean(await run(args, be.env), be.token);
      expectClean(await run(args, { ...be.env, DEBUG: 'domo-filesets' }), be.token);
    }
    expect(runs.some((x) => x.r.code === 0)).toBe(true);
    expect(runs.some((x) => x.r.code === 1)).toBe(true);
  });

  it('with a wrong token (every command answered 401): neither token appears', async () => {
    const wrong = canary('WRONG');
    for (const args of commands()) {
      const r = await run(args, { DOMO_BASE_URL: be.emu.url, DOMO_DEVELOPER_TOKEN: wrong, DEBUG: 'domo-filesets' });
      expectClean(r, wrong, be.token);
    }
  });

  it('through the token aliases (DOMO_ACCESS_TOKEN, DOMO_TOKEN)', async () => {
    for (const name of ['DOMO_ACCESS_TOKEN', 'DOMO_TOKEN']) {
      const r = await run(['plan', '-f', 'manifest.yaml', '--format', 'json'], { DOMO_BASE_URL: be.emu.url, [name]: be.token });
      expect(r.code).toBe(0);
      expectClean(r, be.token);
    }
  });

  it('under faults (500, 429, resets, slow) and with error bodies that echo the request headers back', async () => {
    // A hostile or buggy gateway that echoes the token in its error body and a response header.
    const proxy = await startScriptedProxy(be.emu.url, (req) => {
      const tok = String(req.headers['x-domo-developer-token'] ?? '');
      if (req.method === 'POST' && /\/files(\?|$)/.test(req.url ?? ''))
        return { status: 500, body: { status: 500, message: `upstream failed for token ${tok}`, toe: tok }, headers: { 'x-echo': tok } };
      return null;
    });
    try {
      await ws.write('src/c.md', 'new file so that apply uploads');
      for (const args of [
        ['apply', '-f', 'manifest.yaml'],
        ['apply', '-f', 'manifest.yaml', '--format', 'json'],
        ['apply', '-f', 'manifest.yaml', '--format', 'markdown'],
        ['files', 'upload', fsId, 'src/c.md'],
      ]) {
        const r = await run(args, { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: be.token, DEBUG: 'domo-filesets' });
        expect(r.code).toBe(1);
        expectClean(r, be.token);
      }
    } finally {
      await proxy.close();
    }
    const faulty = await startBackend({
      token: be.token,
      faults: { rate: 0.5, kinds: ['500', '429', 'reset', 'slow'], seed: 3 },
      slowMs: 10,
      retryAfterSeconds: 0,
    });
    try {
      for (const args of commands().slice(0, 7)) expectClean(await run(args, faulty.env), be.token);
    } finally {
      await faulty.close();
    }
  });
});

describe('client errors in-process carry no token', () => {
  it('message, toJSON, util.inspect and the cause chain of 401, 500, echoing bodies and network errors', async () => {
    const token = canary('INPROC');
    const proxy = await startScriptedProxy(be.emu.url, (req) => {
      const tok = String(req.headers['x-domo-developer-token'] ?? '');
      if ((req.url ?? '').includes('echo')) return { status: 400, body: { message: `bad token ${tok}`, toe: tok }, headers: { 'x-token': tok } };
      return { status: 500, body: { message: 'boom' } };
    });
    const seen: unknown[] = [];
    const clients = [
      new DomoFilesClient({ baseUrl: be.emu.url, token, env: {}, retry: { attempts: 1 } }),
      new DomoFilesClient({ baseUrl: proxy.url, token, env: {}, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } }),
      new DomoFilesClient({ baseUrl: 'http://127.0.0.1:1', token, env: {}, retry: { attempts: 1 } }),
    ];
    try {
      for (const c of clients) {
        for (const op of [
          () => c.getFileSet('echo'),
          () => c.createFileSet({ name: 'x' }),
          () => c.uploadFile('echo', { path: 'a.md', source: { content: 'a' } }),
        ]) {
          try {
            await op();
          } catch (e) {
            seen.push(e);
          }
        }
      }
    } finally {
      for (const c of clients) await c.close();
      await proxy.close();
    }
    expect(seen.length).toBe(9);
    for (const e of seen) {
      const texts = [String(e), (e as Error).message, (e as Error).stack ?? '', JSON.stringify(e), inspect(e, { depth: 10, showHidden: true })];
      for (const t of texts) expect(t).not.toContain(token);
    }
    // and the echoed-body case really carried the token back (so the check above could have failed)
    const echoed = seen.find((e) => String((e as { status?: number }).status) === '400');
    expect(echoed).toBeDefined();
  });
});

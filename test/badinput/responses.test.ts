/**
 * Error responses and refused targets, the CLI as a child process: 401 (wrong token), 403 and 413 (a scripted
 * loopback proxy in front of the emulator), 404 (a pinned id that does not exist), 409 (an emulator that does not
 * overwrite), duplicate FileSet names, and plain http:// to a remote host (refused before any connection).
 * Each: one line on stderr (no stack), exit 1, nothing changed beyond what had already succeeded (no delete).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertBuilt,
  canary,
  expectOneLineError,
  logFigures,
  remoteState,
  runCli,
  sha256,
  startBackend,
  startScriptedProxy,
  successfulDeletes,
  successfulMutations,
  workspace,
  type Backend,
  type Workspace,
} from '../support/harness';

beforeAll(assertBuilt);

let ws: Workspace;
const tried: string[] = [];
afterAll(() => logFigures('badinput-responses', { tried: tried.length, cases: tried }));
beforeEach(async () => {
  ws = await workspace('badresp');
  for (const f of ['a.md', 'b.md', 'c.md']) await ws.write(`src/${f}`, `content of ${f}`);
  await ws.write('src/big.bin', Buffer.alloc(64 * 1024, 7));
  await ws.manifest('version: 1\nfilesets:\n  - name: resp\n    source: ./src\n    maxDeletePercent: 100\n');
});
afterEach(async () => ws?.cleanup());

/** A FileSet "resp" holding a.md (current), b.md (old content) and stale.md. */
async function seeded(be: Backend): Promise<string> {
  const id = (await be.client.createFileSet({ name: 'resp' })).id;
  await be.client.uploadFile(id, { path: 'a.md', source: { content: 'content of a.md' } });
  await be.client.uploadFile(id, { path: 'b.md', source: { content: 'old b' } });
  await be.client.uploadFile(id, { path: 'stale.md', source: { content: 'stale' } });
  return id;
}

function expectFailed(r: { code: number | null; stderr: string; stdout: string }, want: RegExp, token: string): void {
  expect(r.code).toBe(1);
  expect(expectOneLineError(r.stderr)).toMatch(want);
  expect(r.stdout + r.stderr).not.toContain(token);
}

describe('HTTP errors', () => {
  let be: Backend;
  beforeEach(async () => {
    be = await startBackend();
  });
  afterEach(async () => be?.close());

  it('401: a wrong token fails every command with one line, nothing sent that changes data', async () => {
    tried.push('401 wrong token');
    const id = await seeded(be);
    const wrong = canary('wrong');
    const env = { DOMO_BASE_URL: be.emu.url, DOMO_DEVELOPER_TOKEN: wrong };
    const logStart = be.emu.requestLog().length;
    for (const args of [
      ['plan', '-f', 'manifest.yaml'],
      ['apply', '-f', 'manifest.yaml'],
      ['destroy', '-f', 'manifest.yaml', '--yes'],
      ['filesets', 'list'],
      ['files', 'list', id],
      ['files', 'upload', id, 'src/a.md'],
    ]) {
      const r = await runCli(args, { env, cwd: ws.dir });
      expectFailed(r, /401/, wrong);
    }
    // `files upload` does send its POST (answered 401); nothing that changes data succeeded.
    expect(successfulMutations(be.emu.requestLog().slice(logStart))).toEqual([]);
    expect(Object.keys(await remoteState(be.client, id)).sort()).toEqual(['a.md', 'b.md', 'stale.md']);
  });

  it('403 on uploads: exit 1, no delete, the FileSet as before but for uploads that succeeded', async () => {
    tried.push('403 on uploads');
    const id = await seeded(be);
    const proxy = await startScriptedProxy(be.emu.url, (req) =>
      req.method === 'POST' && /\/filesets\/[^/]+\/files(\?|$)/.test(req.url ?? '')
        ? { status: 403, body: { status: 403, statusReason: 'Forbidden', message: 'Not allowed to write this FileSet', toe: 'TOE403' } }
        : null,
    );
    try {
      const logStart = be.emu.requestLog().length;
      const r = await runCli(['apply', '-f', 'manifest.yaml'], { env: { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: be.token }, cwd: ws.dir });
      expectFailed(r, /403|forbidden|not allowed/i, be.token);
      expect(successfulDeletes(be.emu.requestLog().slice(logStart))).toEqual([]);
      expect(await remoteState(be.client, id)).toEqual({ 'a.md': sha256('content of a.md'), 'b.md': sha256('old b'), 'stale.md': sha256('stale') });
    } finally {
      await proxy.close();
    }
  });

  it('403 on every request (a token without access): one line, exit 1', async () => {
    tried.push('403 everywhere');
    const proxy = await startScriptedProxy(be.emu.url, () => ({ status: 403, body: { status: 403, statusReason: 'Forbidden', message: 'Forbidden' } }));
    try {
      for (const args of [
        ['plan', '-f', 'manifest.yaml'],
        ['filesets', 'list'],
      ]) {
        const r = await runCli(args, { env: { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: be.token }, cwd: ws.dir });
        expectFailed(r, /403/, be.token);
      }
      expect(be.emu.stats().total).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('404: a pinned id that does not exist, and files get of a missing file', async () => {
    tried.push('404 pinned id', '404 files get');
    const id = await seeded(be);
    writeFileSync(join(ws.dir, 'pinned.yaml'), 'version: 1\nfilesets:\n  - name: resp\n    id: 00000000-0000-4000-8000-000000000000\n    source: ./src\n');
    const before = be.emu.stats().mutating;
    for (const cmd of ['plan', 'apply']) {
      const r = await runCli([cmd, '-f', 'pinned.yaml'], { env: be.env, cwd: ws.dir });
      expectFailed(r, /404|not found|does not exist/i, be.token);
    }
    const r = await runCli(['files', 'get', id, '00000000-0000-4000-8000-000000000001'], { env: be.env, cwd: ws.dir });
    expectFailed(r, /404|not found/i, be.token);
    expect(be.emu.stats().mutating).toBe(before);
  });

  it('409: an existing path on a FileSet that does not overwrite — exit 1, new files kept, no delete', async () => {
    tried.push('409 no overwrite');
    await be.close();
    be = await startBackend({ overwrite: false });
    const id = await seeded(be);
    const logStart = be.emu.requestLog().length;
    const r = await runCli(['apply', '-f', 'manifest.yaml', '--format', 'json'], { env: be.env, cwd: ws.dir });
    expectFailed(r, /409|conflict|exists/i, be.token);
    expect(successfulDeletes(be.emu.requestLog().slice(logStart))).toEqual([]);
    const after = await remoteState(be.client, id);
    expect(after).toMatchObject({ 'a.md': sha256('content of a.md'), 'b.md': sha256('old b'), 'stale.md': sha256('stale') });
    expect(after['c.md']).toBe(sha256('content of c.md'));
  });

  it('413 on one large upload: exit 1 naming it, the other uploads kept, no delete', async () => {
    tried.push('413 payload too large');
    const id = await seeded(be);
    const proxy = await startScriptedProxy(be.emu.url, (req) =>
      req.method === 'POST' && Number(req.headers['content-length'] ?? 0) > 32 * 1024
        ? { status: 413, body: { status: 413, statusReason: 'Payload Too Large', message: 'Request entity too large' } }
        : null,
    );
    try {
      const logStart = be.emu.requestLog().length;
      const r = await runCli(['apply', '-f', 'manifest.yaml'], { env: { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: be.token }, cwd: ws.dir });
      expectFailed(r, /413|too large/i, be.token);
      expect(successfulDeletes(be.emu.requestLog().slice(logStart))).toEqual([]);
      const after = await remoteState(be.client, id);
      expect(after['big.bin']).toBeUndefined();
      expect(after['c.md']).toBe(sha256('content of c.md'));
      expect(after['stale.md']).toBe(sha256('stale'));
    } finally {
      await proxy.close();
    }
  });

  it('duplicate remote FileSet names: one line asking for id, exit 1, nothing changed', async () => {
    tried.push('duplicate FileSet names');
    await seeded(be);
    await be.client.createFileSet({ name: 'resp' });
    const before = be.emu.stats().mutating;
    for (const cmd of ['plan', 'apply']) {
      const r = await runCli([cmd, '-f', 'manifest.yaml'], { env: be.env, cwd: ws.dir });
      expectFailed(r, /2 FileSets .*resp.*id/, be.token);
    }
    expect(be.emu.stats().mutating).toBe(before);
  });
});

describe('plain http:// to a remote host is refused before any connection', () => {
  /** A preload that records (and blocks) every DNS lookup and socket connect of the child. */
  function noNetworkHook(logFile: string): string {
    const hook = join(ws.dir, 'no-network.js');
    writeFileSync(
      hook,
      `
      const fs = require('fs'); const net = require('net'); const dns = require('dns');
      const note = (what) => fs.appendFileSync(${JSON.stringify(logFile)}, what + '\\n');
      const origConnect = net.Socket.prototype.connect;
      net.Socket.prototype.connect = function (...a) { note('connect ' + JSON.stringify(a[0] && (a[0].host || a[0].path || a[0]))); return origConnect.apply(this, a); };
      for (const k of ['lookup', 'resolve', 'resolve4', 'resolve6']) { const o = dns[k]; dns[k] = function (h, ...r) { note(k + ' ' + h); return o.call(this, h, ...r); }; }
    `,
    );
    return hook;
  }

  for (const url of [
    'http://example.invalid',
    'http://example.invalid:8080/api',
    'http://192.0.2.10',
    'http://[2001:db8::1]:80',
    'http://localhost.example.invalid',
  ]) {
    it(url, async () => {
      tried.push(`http refused ${url}`);
      const token = canary('token');
      const logFile = join(ws.dir, 'net.log');
      writeFileSync(logFile, '');
      const hook = noNetworkHook(logFile);
      for (const args of [
        ['plan', '-f', 'manifest.yaml'],
        ['apply', '-f', 'manifest.yaml'],
        ['filesets', 'list'],
      ]) {
        const r = await runCli(args, { env: { DOMO_BASE_URL: url, DOMO_DEVELOPER_TOKEN: token, NODE_OPTIONS: `--require ${hook}` }, cwd: ws.dir });
        expectFailed(r, /Refusing plain http:\/\//, token);
      }
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(logFile, 'utf8')).toBe('');
    });
  }
});

/**
 * Trust boundaries: the token is never sent to another origin on a redirect (a second loopback server is the
 * target); the emulator rejects missing and wrong tokens on every API route; nothing the emulator writes lands
 * outside its data directory, whatever the FileSet and file names.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DomoFilesClient } from '../../client';
import { assertBuilt, canary, logFigures, runCli, startBackend, startScriptedProxy, startTestEmulator, workspace } from '../support/harness';

beforeAll(assertBuilt);

/** A server on another loopback port (another origin) that records every request's headers. */
async function recorder(): Promise<{ url: string; seen: { url: string; headers: IncomingHttpHeaders }[]; close(): Promise<void> }> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 5 });
    res.end('bytes');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('redirects never carry the token to another origin', () => {
  it('downloads (302 to another origin), API calls answered 307/308, through the client and the CLI', async () => {
    const be = await startBackend({ token: canary('REDIR') });
    const other = await recorder();
    const fsId = (await be.client.createFileSet({ name: 'redirects' })).id;
    await be.client.uploadFile(fsId, { path: 'a.md', source: { content: 'hello' } });
    const proxy = await startScriptedProxy(be.emu.url, (req) => {
      const u = req.url ?? '';
      if (/\/download(\?|$)/.test(u)) return { status: 302, headers: { location: `${other.url}/content?from=download` } };
      if (req.method === 'GET' && /\/filesets\/[^/]+$/.test(u)) return { status: 307, headers: { location: `${other.url}/api/files/v1/filesets/moved` } };
      if (req.method === 'POST' && /\/filesets\/search/.test(u)) return { status: 308, headers: { location: `${other.url}/api/files/v1/filesets/search` } };
      return null;
    });
    const ws = await workspace('redirect');
    try {
      const client = new DomoFilesClient({ baseUrl: proxy.url, token: be.token, env: {}, retry: { attempts: 1 } });
      const sink: Buffer[] = [];
      const { Writable } = await import('node:stream');
      await client
        .downloadFile(
          fsId,
          { path: 'a.md' },
          {
            stream: new Writable({
              write: (c, _e, cb) => {
                sink.push(c);
                cb();
              },
            }),
          },
        )
        .catch(() => undefined);
      await client.downloadFile(fsId, { fileId: 'x' }, { stream: new Writable({ write: (_c, _e, cb) => cb() }) }).catch(() => undefined);
      await client.getFileSet(fsId).catch(() => undefined);
      await client.findFileSetsByName('redirects').catch(() => undefined);
      await client.close();
      for (const args of [
        ['files', 'download', fsId, '--path', 'a.md'],
        ['files', 'download', fsId, '--path', 'a.md', '-o', 'x.bin'],
        ['filesets', 'get', fsId],
        ['filesets', 'list'],
      ]) {
        await runCli(args, { env: { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: be.token }, cwd: ws.dir });
      }
      // The download redirect must have been followed (else this test proves nothing), without the token.
      expect(other.seen.some((s) => s.url.includes('from=download'))).toBe(true);
      for (const s of other.seen) {
        expect(JSON.stringify(s.headers)).not.toContain(be.token);
        expect(s.headers['x-domo-developer-token']).toBeUndefined();
        expect(s.headers.authorization).toBeUndefined();
        expect(s.headers.cookie).toBeUndefined();
      }
      logFigures('redirects', { requestsAtOtherOrigin: other.seen.length });
    } finally {
      await ws.cleanup();
      await proxy.close();
      await other.close();
      await be.close();
    }
  });
});

describe('the emulator rejects missing and wrong tokens', () => {
  it('every API route answers 401 without a token, with a wrong one, and with an empty one; nothing changes', async () => {
    const token = canary('EMU');
    const be = await startBackend({ token });
    try {
      const fsId = (await be.client.createFileSet({ name: 'guarded' })).id;
      const file = await be.client.uploadFile(fsId, { path: 'a.md', source: { content: 'a' } });
      const A = `${be.emu.url}/api/files/v1`;
      const routes: [string, string, unknown?][] = [
        ['POST', `${A}/filesets`, { name: 'x' }],
        ['POST', `${A}/filesets/search`, {}],
        ['GET', `${A}/filesets/${fsId}`],
        ['POST', `${A}/filesets/${fsId}`, { name: 'renamed' }],
        ['DELETE', `${A}/filesets/${fsId}`],
        ['POST', `${A}/filesets/${fsId}/files/search`, {}],
        ['GET', `${A}/filesets/${fsId}/files/${file.id}`],
        ['GET', `${A}/filesets/${fsId}/path?path=a.md`],
        ['GET', `${A}/filesets/${fsId}/files/${file.id}/download`],
        ['GET', `${A}/filesets/${fsId}/path/download?path=a.md`],
        ['DELETE', `${A}/filesets/${fsId}/files/${file.id}`],
        ['DELETE', `${A}/filesets/${fsId}/path?path=a.md`],
        ['POST', `${A}/filesets/${fsId}/query`, { query: 'a' }],
        ['POST', `${A}/filesets/${fsId}/files/multipart`, { path: 'big.bin' }],
      ];
      const before = be.emu.stats().mutating;
      const logStart = be.emu.requestLog().length;
      let checked = 0;
      for (const [method, url, body] of routes) {
        const variants: Record<string, string>[] = [
          {},
          { 'x-domo-developer-token': '' },
          { 'x-domo-developer-token': 'wrong-token' },
          { 'x-domo-developer-token': `${token}x` },
          { 'x-domo-developer-token': token.slice(0, -1) },
          { authorization: `Bearer ${token}` },
        ];
        for (const headers of variants) {
          const res = await fetch(url, {
            method,
            headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
            body: body ? JSON.stringify(body) : undefined,
            redirect: 'manual',
          });
          expect([method, url, res.status]).toEqual([method, url, 401]);
          await res.arrayBuffer();
          checked += 1;
        }
      }
      // An upload without the token is refused too (multipart).
      const form = new FormData();
      form.append('file', new Blob(['evil']), 'evil.md');
      const up = await fetch(`${A}/filesets/${fsId}/files`, { method: 'POST', body: form });
      expect(up.status).toBe(401);
      expect(
        be.emu
          .requestLog()
          .slice(logStart)
          .filter((e) => e.status < 300),
      ).toEqual([]);
      expect(be.emu.stats().mutating - before).toBeGreaterThan(0); // the refused mutations did arrive
      const paths: string[] = [];
      for await (const f of be.client.listFiles(fsId)) paths.push(f.path);
      expect(paths).toEqual(['a.md']);
      expect((await be.client.getFileSet(fsId)).name).toBe('guarded');
      logFigures('emulator-auth', { requestsRefused: checked + 1 });
    } finally {
      await be.close();
    }
  });
});

describe('nothing the emulator writes lands outside its data directory', () => {
  function walk(dir: string): string[] {
    const out: string[] = [];
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      out.push(p);
      if (statSync(p).isDirectory()) out.push(...walk(p));
    }
    return out;
  }

  it('hostile FileSet names, file paths and split uploads, then a restart on the same directory', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'domo-filesets-jail-'));
    const dataDir = join(parent, 'data');
    const token = canary('JAIL');
    const hostile = [
      '../escape',
      '../../escape',
      '/etc/escape',
      '..',
      '.',
      'a/../../b',
      `${parent}/sibling`,
      '..\\..\\win',
      'con',
      'nul.txt',
      '\u2215etc\u2215lookalike',
      '%2e%2e%2fencoded',
      'x'.repeat(300),
      'ünïcödé/ﬁle',
      'tab\tname',
      'new\nline',
      ' spaces ',
      '~root',
    ];
    const emu = await startTestEmulator({ token, dataDir });
    let accepted = 0;
    let refused = 0;
    try {
      const client = new DomoFilesClient({ baseUrl: emu.url, token, env: {}, retry: { attempts: 1 } });
      for (const name of hostile) {
        let fsId: string | undefined;
        try {
          fsId = (await client.createFileSet({ name, description: name })).id;
          accepted += 1;
        } catch {
          refused += 1;
        }
        const target = fsId ?? (await client.createFileSet({ name: 'jail' })).id;
        for (const p of [name, `dir/${name}`, `${name}/inner.md`]) {
          await client.uploadFile(target, { path: p, source: { content: `payload ${p}` } }).then(
            () => (accepted += 1),
            () => (refused += 1),
          );
        }
        await client.initiateSplitUpload(target, `split/${name}`).then(
          async (f) => {
            accepted += 1;
            await client.uploadSplitPart(target, f.id, 1, Buffer.from('part')).catch(() => undefined);
            await client.finalizeSplitUpload(target, f.id).catch(() => undefined);
          },
          () => (refused += 1),
        );
      }
      await client.close();
    } finally {
      await emu.close();
    }
    // Restart on the same directory: the store reloads without reaching outside either.
    const again = await startTestEmulator({ token, dataDir });
    await again.close();
    try {
      const outside = walk(parent).filter((p) => p !== dataDir && !p.startsWith(`${dataDir}/`));
      expect(outside).toEqual([]);
      // and no file inside is named after a user path (a name-based store would be one traversal away)
      const inside = walk(dataDir).map((p) => relative(dataDir, p));
      expect(inside.filter((p) => /escape|lookalike|encoded|inner\.md|sibling/.test(p))).toEqual([]);
      for (const p of ['/etc/escape', '/escape', join(parent, 'escape'), join(parent, 'sibling'), join(tmpdir(), 'escape')]) expect(existsSync(p)).toBe(false);
      logFigures('emulator-jail', { hostileNames: hostile.length, accepted, refused, filesInDataDir: inside.length });
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

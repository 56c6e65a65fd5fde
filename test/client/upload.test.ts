import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { IntegrityError, ValidationError } from '../../client';
import { catchErr, testClient } from './helpers/client';
import { parseForm } from './helpers/multipart-parse';
import { domoError, json, scriptedServer, type ScriptedServer } from './helpers/scripted-server';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('uploads', () => {
  let server: ScriptedServer | undefined;
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'client-up-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const NAMES = ['plain.txt', 'a b.txt', 'ünïcødé 文件.md', 'hash#pct%q?plus+amp&.txt', 'semi;colon=.txt', 'star*lt<gt>pipe|colon:.txt'];

  it.each(NAMES)('sends the file name %j so a multipart parser reads it back exactly, the directory in both forms', async (name) => {
    const path = `dir one/sub&dir/${name}`;
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'f', path, name, size: 2 }));
    const client = testClient(server.url);
    await expect(client.uploadFile('fs', { path, source: { content: 'hi' } })).resolves.toMatchObject({ path, verified: 'size' });
    const form = await parseForm(server.requests[0]);
    expect(JSON.parse(form.fields.createFileRequest)).toEqual({ directoryPath: 'dir one/sub&dir' });
    expect(form.fields.directoryPath).toBe('dir one/sub&dir');
    expect(form.files).toHaveLength(1);
    expect(form.files[0].filename).toBe(name);
    expect(form.files[0].field).toBe('file');
    expect(form.files[0].data.toString()).toBe('hi');
    expect(server.requests).toHaveLength(1); // the answer carried the size: nothing fetched
    await client.close();
  });

  it.each(['a\\b.txt', 'quote".txt', 'line\nbreak.txt', 'cr\rname.txt', 'tab\tname.txt', 'dir\\sub/x.txt'])(
    'refuses %j before any request (the server would store another name)',
    async (p) => {
      server = await scriptedServer((_req, res) => json(res, 201, {}));
      const client = testClient(server.url);
      const err = await catchErr(client.uploadFile('fs', { path: p, source: { content: 'x' } }));
      expect(err).toBeInstanceOf(ValidationError);
      expect(err.message).toContain(JSON.stringify(p));
      expect(server.requests).toHaveLength(0);
      await client.close();
    },
  );

  it('streams a file from disk with an exact Content-Length and a content type from the name', async () => {
    const file = join(dir, 'report.pdf');
    const data = Buffer.alloc(3 * 1024 * 1024 + 7, 7);
    await writeFile(file, data);
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'f', path: 'report.pdf', name: 'report.pdf', hash: sha(data) }));
    const client = testClient(server.url);
    await client.uploadFile('fs', { path: '/report.pdf', source: { filePath: file }, expectedSha256: sha(data) });
    const req = server.requests[0];
    expect(Number(req.headers['content-length'])).toBe(req.body.length);
    expect(req.headers['transfer-encoding']).toBeUndefined();
    const form = await parseForm(req);
    expect(JSON.parse(form.fields.createFileRequest)).toEqual({ directoryPath: '' });
    expect(form.files[0]).toMatchObject({ filename: 'report.pdf', mimeType: 'application/pdf' });
    expect(form.files[0].data.equals(data)).toBe(true);
    await client.close();
  });

  it('sends a stream of unknown size chunked', async () => {
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'f', path: 'x.bin', name: 'x.bin', size: 4 }));
    const client = testClient(server.url);
    await expect(client.uploadFile('fs', { path: 'x.bin', source: { stream: Readable.from([Buffer.from('ab'), Buffer.from('cd')]) } })).resolves.toMatchObject({
      verified: 'size',
    });
    expect(server.requests[0].headers['transfer-encoding']).toBe('chunked');
    expect((await parseForm(server.requests[0])).files[0].data.toString()).toBe('abcd');
    await client.close();
  });

  it('verifies expectedSha256 by fetching the file when the upload response has no hash (older-reference shape)', async () => {
    server = await scriptedServer((req, res) => {
      if (req.method === 'POST') return json(res, 201, { id: 'f', path: 'a.txt', name: 'a.txt', createdBy: 1 });
      return json(res, 200, { id: 'f', path: 'a.txt', name: 'a.txt', hash: sha('hello'), hashAlgorithm: 'SHA_256_HEX' });
    });
    const client = testClient(server.url);
    await client.uploadFile('fs', { path: 'a.txt', source: { content: 'hello' }, expectedSha256: sha('hello') });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'POST /api/files/v1/filesets/fs/files',
      'GET /api/files/v1/filesets/fs/path?path=a.txt',
    ]);
    await expect(client.uploadFile('fs', { path: 'a.txt', source: { content: 'hello' }, expectedSha256: sha('other') })).rejects.toBeInstanceOf(IntegrityError);
    await client.close();
  });

  it('raises IntegrityError when the upload response hash differs', async () => {
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'f', path: 'a.txt', hash: 'b'.repeat(64), hashAlgorithm: 'SHA_256_HEX' }));
    const client = testClient(server.url);
    const err = await client.uploadFile('fs', { path: 'a.txt', source: { content: 'hello' }, expectedSha256: sha('hello') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INTEGRITY', expected: sha('hello'), actual: 'b'.repeat(64) });
    await client.close();
  });

  it('refuses paths without a file name or with dot segments, before any request', async () => {
    server = await scriptedServer((_req, res) => json(res, 201, {}));
    const client = testClient(server.url);
    for (const p of ['', '/', 'a/', 'a/../b.txt', './x']) {
      await expect(client.uploadFile('fs', { path: p, source: { content: 'x' } })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(server.requests).toHaveLength(0);
    await client.close();
  });

  it('creates a directory with only the directory fields (both forms), no file part', async () => {
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'd', path: 'a/b', name: 'b', size: null, fileType: 'DIRECTORY' }));
    const client = testClient(server.url);
    await expect(client.createDirectory('fs', 'a/b/')).resolves.toMatchObject({ isDirectory: true, path: 'a/b' });
    const form = await parseForm(server.requests[0]);
    expect(form.files).toHaveLength(0);
    expect(JSON.parse(form.fields.createFileRequest)).toEqual({ directoryPath: 'a/b' });
    expect(form.fields.directoryPath).toBe('a/b');
    await client.close();
  });

  describe('split upload', () => {
    function splitServer(failPart?: number) {
      return scriptedServer(async (req, res) => {
        const u = new URL(req.url, 'http://x');
        if (u.pathname.endsWith('/files/multipart')) {
          return json(res, 202, { file: { id: 'up1', path: JSON.parse(req.body.toString()).path, hash: null }, status: 'CREATED' });
        }
        const m = /\/part\/(\d+)$/.exec(u.pathname);
        if (m) {
          if (Number(m[1]) === failPart) return domoError(res, 400, 'part mismatch');
          return json(res, 202, { file: { id: 'up1' }, status: 'PROCESSING' });
        }
        if (u.pathname.endsWith('/finalize'))
          return json(res, 201, { file: { id: 'up1', path: 'big/x.bin', hash: 'c'.repeat(64), size: 250 }, status: 'SUCCESS' });
        if (u.pathname.endsWith('/abort')) return json(res, 200, { file: { id: 'up1' }, status: 'FAILED' });
        return domoError(res, 500, 'unexpected');
      });
    }

    it.each(['file', 'buffer', 'stream'])('uses initiate/part/finalize at the threshold (%s source)', async (kind) => {
      server = await splitServer();
      const data = Buffer.from('0123456789'.repeat(25)); // 250 bytes → parts of 100, 100, 50
      const file = join(dir, 'x.bin');
      await writeFile(file, data);
      const source =
        kind === 'file'
          ? { filePath: file }
          : kind === 'buffer'
            ? { content: data }
            : { stream: Readable.from([data.subarray(0, 33), data.subarray(33)]), size: data.length };
      const client = testClient(server.url, { splitUploadThreshold: 200, splitPartSize: 100 });
      await expect(client.uploadFile('fs', { path: 'big/x.bin', source })).resolves.toMatchObject({ id: 'up1', path: 'big/x.bin', hash: 'c'.repeat(64) });
      const urls = server.requests.map((r) => r.url.replace('/api/files/v1/filesets/fs/files/multipart', ''));
      expect(urls).toEqual(['', '/up1/part/1', '/up1/part/2', '/up1/part/3', '/up1/finalize']);
      expect(JSON.parse(server.requests[0].body.toString())).toEqual({ path: 'big/x.bin' });
      const parts = await Promise.all(server.requests.slice(1, 4).map(parseForm));
      expect(parts.map((p) => p.files[0].field)).toEqual(['part', 'part', 'part']);
      expect(Buffer.concat(parts.map((p) => p.files[0].data)).equals(data)).toBe(true);
      await client.close();
    });

    it('aborts the upload when a part fails, and surfaces the part error', async () => {
      server = await splitServer(2);
      const client = testClient(server.url, { splitUploadThreshold: 10, splitPartSize: 10 });
      const err = await client.uploadFile('fs', { path: 'x.bin', source: { content: Buffer.alloc(35) } }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'HTTP_ERROR', status: 400, domoMessage: 'part mismatch' });
      expect(server.requests.map((r) => r.url.split('/').slice(-2).join('/'))).toEqual(['files/multipart', 'part/1', 'part/2', 'up1/abort']);
      await client.close();
    });

    it('does not retry finalize after a 503 (it may have completed), but aborts', async () => {
      server = await scriptedServer((req, res) => {
        if (req.url.endsWith('/finalize')) return domoError(res, 503, 'busy');
        if (req.url.endsWith('/files/multipart')) return json(res, 202, { file: { id: 'up1' }, status: 'CREATED' });
        return json(res, 202, { status: 'OK' });
      });
      const client = testClient(server.url, { splitUploadThreshold: 1, splitPartSize: 10 });
      await expect(client.uploadFile('fs', { path: 'x.bin', source: { content: 'abc' } })).rejects.toMatchObject({ status: 503, attempts: 1 });
      expect(server.requests.filter((r) => r.url.endsWith('/finalize'))).toHaveLength(1);
      expect(server.requests.at(-1)?.url).toMatch(/\/abort$/);
      await client.close();
    });

    it('retries a part after 503 (the same part number overwrites)', async () => {
      let failed = false;
      server = await scriptedServer((req, res) => {
        if (req.url.endsWith('/part/1') && !failed) {
          failed = true;
          return domoError(res, 503, 'busy');
        }
        if (req.url.endsWith('/files/multipart')) return json(res, 202, { file: { id: 'up1' }, status: 'CREATED' });
        if (req.url.endsWith('/finalize')) return json(res, 201, { file: { id: 'up1', path: 'x.bin', size: 3 }, status: 'SUCCESS' });
        return json(res, 202, {});
      });
      const client = testClient(server.url, { splitUploadThreshold: 1, splitPartSize: 10 });
      await expect(client.uploadFile('fs', { path: 'x.bin', source: { content: 'abc' } })).resolves.toMatchObject({ id: 'up1' });
      expect(server.requests.filter((r) => r.url.endsWith('/part/1'))).toHaveLength(2);
      await client.close();
    });
  });
});

import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { IntegrityError } from '../../client';
import { TOKEN, testClient } from './helpers/client';
import { json, scriptedServer, type ScriptedServer } from './helpers/scripted-server';

const CONTENT = Buffer.from('the bytes of the file\n'.repeat(1000));
const SHA = createHash('sha256').update(CONTENT).digest('hex');

describe('downloads', () => {
  const servers: ScriptedServer[] = [];
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'client-dl-'));
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  /** An API server whose download answers 302 to `contentOrigin` (or itself). */
  async function apiServer(contentOrigin: () => string, meta: Record<string, unknown> = { hash: SHA, hashAlgorithm: 'SHA_256_HEX' }) {
    const s = await scriptedServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      if (u.pathname.endsWith('/download')) {
        res.writeHead(302, { location: `${contentOrigin()}/api/files/v1/filesets/fs/files/f1/content?token=presigned-abc` });
        return void res.end();
      }
      if (u.pathname.endsWith('/content')) {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': CONTENT.length });
        return void res.end(CONTENT);
      }
      return json(res, 200, { id: 'f1', path: 'a b/c.txt', name: 'c.txt', fileType: 'TEXT', size: CONTENT.length, ...meta });
    });
    servers.push(s);
    return s;
  }

  it('does not send the token to a redirect target on another origin', async () => {
    const other = await scriptedServer((_req, res) => {
      res.writeHead(200, { 'content-length': CONTENT.length });
      res.end(CONTENT);
    });
    servers.push(other);
    const api = await apiServer(() => other.origin);
    const client = testClient(api.url);
    const out = join(dir, 'out.txt');
    const result = await client.downloadFile('fs', { fileId: 'f1' }, { filePath: out });
    expect(result).toEqual({ bytes: CONTENT.length, sha256: SHA });
    expect(await readFile(out)).toEqual(CONTENT);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0].headers['x-domo-developer-token']).toBeUndefined();
    expect(JSON.stringify(other.requests[0].headers)).not.toContain(TOKEN);
    expect(other.requests[0].url).toBe('/api/files/v1/filesets/fs/files/f1/content?token=presigned-abc');
    expect(api.requests.every((r) => r.headers['x-domo-developer-token'] === TOKEN)).toBe(true);
    await client.close();
  });

  it('sends the token on a same-origin redirect, by path', async () => {
    let origin = '';
    const api = await apiServer(() => origin);
    origin = api.origin;
    const client = testClient(api.url);
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    const result = await client.downloadFile('fs', { path: 'a b/c.txt' }, { stream: sink });
    expect(result.sha256).toBe(SHA);
    expect(Buffer.concat(chunks)).toEqual(CONTENT);
    expect(sink.writableEnded).toBe(false); // the caller's stream stays open
    const urls = api.requests.map((r) => r.url);
    expect(urls).toEqual([
      '/api/files/v1/filesets/fs/path?path=a%20b%2Fc.txt',
      '/api/files/v1/filesets/fs/path/download?path=a%20b%2Fc.txt',
      '/api/files/v1/filesets/fs/files/f1/content?token=presigned-abc',
    ]);
    expect(api.requests[2].headers['x-domo-developer-token']).toBe(TOKEN);
    await client.close();
  });

  it('treats a different port on the same host as another origin', async () => {
    const other = await scriptedServer((_req, res) => void res.end(CONTENT));
    servers.push(other);
    const api = await apiServer(() => other.origin.replace('127.0.0.1', 'localhost'));
    const client = testClient(api.url);
    await client.downloadFile('fs', { fileId: 'f1' }, { filePath: join(dir, 'x') });
    expect(other.requests[0].headers['x-domo-developer-token']).toBeUndefined();
    await client.close();
  });

  it('raises IntegrityError on a hash mismatch and leaves no file behind', async () => {
    let origin = '';
    const api = await apiServer(() => origin, { hash: 'a'.repeat(64), hashAlgorithm: 'SHA_256_HEX' });
    origin = api.origin;
    const client = testClient(api.url);
    const out = join(dir, 'out.txt');
    const err = await client.downloadFile('fs', { fileId: 'f1' }, { filePath: out }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err).toMatchObject({ code: 'INTEGRITY', expected: 'a'.repeat(64), actual: SHA });
    expect(await readdir(dir)).toEqual([]);
    await client.close();
  });

  it('uses expectedSha256 without fetching metadata; verify:false skips both', async () => {
    let origin = '';
    const api = await apiServer(() => origin);
    origin = api.origin;
    const client = testClient(api.url);
    await client.downloadFile('fs', { fileId: 'f1' }, { filePath: join(dir, 'a') }, { expectedSha256: SHA.toUpperCase() });
    await client.downloadFile('fs', { fileId: 'f1' }, { filePath: join(dir, 'b') }, { verify: false });
    expect(api.requests.some((r) => r.url === '/api/files/v1/filesets/fs/files/f1')).toBe(false);
    await client.close();
  });

  it('accepts a server that answers the download with bytes directly (older reference)', async () => {
    const api = await scriptedServer((req, res) => {
      if (req.url.endsWith('/download')) return void res.end(CONTENT);
      json(res, 200, { id: 'f1', path: 'c.txt', fileType: 'TEXT' }); // no hash: nothing to verify
    });
    servers.push(api);
    const client = testClient(api.url);
    await expect(client.downloadFile('fs', { fileId: 'f1' }, { filePath: join(dir, 'c') })).resolves.toEqual({ bytes: CONTENT.length, sha256: SHA });
    await client.close();
  });

  it('restarts a file download that broke off mid-body', async () => {
    let n = 0;
    const api = await scriptedServer((req, res) => {
      if (!req.url.endsWith('/download')) return json(res, 200, { id: 'f1', path: 'c.txt', fileType: 'TEXT', hash: SHA });
      n++;
      res.writeHead(200, { 'content-length': CONTENT.length });
      if (n === 1) {
        res.write(CONTENT.subarray(0, 100));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      res.end(CONTENT);
    });
    servers.push(api);
    const client = testClient(api.url);
    const out = join(dir, 'c');
    await expect(client.downloadFile('fs', { fileId: 'f1' }, { filePath: out })).resolves.toMatchObject({ sha256: SHA });
    expect(await readFile(out)).toEqual(CONTENT);
    expect(n).toBe(2);
    expect(await readdir(dir)).toEqual(['c']);
    await client.close();
  });

  it('does not retry a stream download once bytes reached the stream', async () => {
    const api = await scriptedServer((req, res) => {
      res.writeHead(200, { 'content-length': CONTENT.length });
      res.write(CONTENT.subarray(0, 100));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    servers.push(api);
    const client = testClient(api.url);
    const sink = new PassThrough();
    sink.resume();
    await expect(client.downloadFile('fs', { fileId: 'f1' }, { stream: sink }, { verify: false })).rejects.toMatchObject({ code: 'NETWORK', attempts: 1 });
    expect(api.requests).toHaveLength(1);
    await client.close();
  });
});

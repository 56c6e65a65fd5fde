/**
 * An upload counts as done only when the server stored it where it was asked to (exact path) with the bytes
 * sent (SHA-256 when the server has a usable one, else size) — under each documented reading of the upload
 * form, and through the split upload a 413 falls back to.
 */
import { createHash } from 'node:crypto';
import { IntegrityError, PathMismatchError, usableSha256 } from '../../client';
import { catchErr, testClient } from './helpers/client';
import { parseForm } from './helpers/multipart-parse';
import { domoError, json, scriptedServer, type Recorded, type ScriptedServer } from './helpers/scripted-server';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A server that stores uploads where its reading of the form says, and answers the stored entry. */
function readingServer(reading: 'directoryPath' | 'createFileRequest' | 'neither', extra: Record<string, unknown> = {}) {
  return scriptedServer(async (req: Recorded, res) => {
    const form = await parseForm(req);
    const dir =
      reading === 'directoryPath'
        ? (form.fields.directoryPath ?? '')
        : reading === 'createFileRequest'
          ? ((JSON.parse(form.fields.createFileRequest ?? '{}') as { directoryPath?: string }).directoryPath ?? '')
          : '';
    const f = form.files[0];
    json(res, 201, {
      id: 'f1',
      path: dir ? `${dir}/${f.filename}` : f.filename,
      name: f.filename,
      size: f.data.length,
      hash: sha(f.data),
      hashAlgorithm: 'SHA_256_HEX',
      ...extra,
    });
  });
}

describe('upload verification', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each(['directoryPath', 'createFileRequest'] as const)('lands in the right directory on a server that reads only %s', async (reading) => {
    server = await readingServer(reading);
    const client = testClient(server.url);
    await expect(client.uploadFile('fs', { path: 'docs/guide/a.md', source: { content: 'hello' }, expectedSha256: sha('hello') })).resolves.toMatchObject({
      path: 'docs/guide/a.md',
      verified: 'sha256',
    });
    await client.close();
  });

  it('a server that stores the file elsewhere is PathMismatchError naming both paths', async () => {
    server = await readingServer('neither');
    const client = testClient(server.url);
    const err = await catchErr(client.uploadFile('fs', { path: 'docs/a.md', source: { content: 'hello' }, expectedSha256: sha('hello') }));
    expect(err).toBeInstanceOf(PathMismatchError);
    expect(err).toMatchObject({ code: 'PATH_MISMATCH', requested: 'docs/a.md', returned: 'a.md', operation: 'createFile' });
    expect(err.message).toContain('"docs/a.md"');
    expect(err.message).toContain('"a.md"');
    await client.close();
  });

  it('a server that normalizes the name (NFD → NFC) is PathMismatchError', async () => {
    const nfd = 'cafe\u0301.md';
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'f', path: nfd.normalize('NFC'), size: 1 }));
    const client = testClient(server.url);
    await expect(client.uploadFile('fs', { path: nfd, source: { content: 'x' } })).rejects.toMatchObject({ code: 'PATH_MISMATCH', requested: nfd });
    await client.close();
  });

  it.each([
    ['no hash', { hash: null }],
    ['an MD5', { hash: 'a'.repeat(32), hashAlgorithm: 'MD5' }],
    ['a 64-digit hash of another algorithm', { hash: 'b'.repeat(64), hashAlgorithm: 'UNKNOWN' }],
  ])('falls back to the size when the server has %s (verified: size)', async (_label, hashFields) => {
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'f', path: 'a.txt', size: 5, ...hashFields }));
    const client = testClient(server.url);
    await expect(client.uploadFile('fs', { path: 'a.txt', source: { content: 'hello' }, expectedSha256: sha('hello') })).resolves.toMatchObject({
      verified: 'size',
    });
    // The answer had no usable SHA-256: one GET by path looked for one.
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    await client.close();
  });

  it('a size that differs is IntegrityError (expectedSize wins over the bytes sent)', async () => {
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'f', path: 'a.txt', size: 4 }));
    const client = testClient(server.url);
    await expect(client.uploadFile('fs', { path: 'a.txt', source: { content: 'hello' } })).rejects.toBeInstanceOf(IntegrityError);
    await expect(client.uploadFile('fs', { path: 'a.txt', source: { content: 'hello' }, expectedSize: 4 })).resolves.toMatchObject({ verified: 'size' });
    await client.close();
  });

  it('neither a SHA-256 nor a size anywhere is IntegrityError, not success', async () => {
    server = await scriptedServer((_req, res) => json(res, 201, { id: 'f', path: 'a.txt' }));
    const client = testClient(server.url);
    const err = await catchErr(client.uploadFile('fs', { path: 'a.txt', source: { content: 'hello' } }));
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err.message).toContain('neither a SHA-256 nor a size');
    await client.close();
  });

  it('verifyUpload returns how it verified', async () => {
    server = await scriptedServer((_req, res) => json(res, 200, { id: 'f', path: 'a.txt', size: 5, hash: null }));
    const client = testClient(server.url);
    const entry = {
      id: 'f',
      path: 'a.txt',
      name: 'a.txt',
      fileType: 'TEXT',
      kind: 'file' as const,
      isDirectory: false,
      contentType: null,
      size: 5,
      hash: sha('hello'),
      hashAlgorithm: 'SHA_256_HEX',
      downloadUrl: null,
      created: null,
      createdBy: null,
      connectorKey: null,
      indexStatus: null,
      indexReason: null,
    };
    await expect(client.verifyUpload('fs', 'a.txt', entry, sha('hello'))).resolves.toBe('sha256');
    await expect(client.verifyUpload('fs', 'a.txt', { ...entry, hash: null }, sha('hello'), 5)).resolves.toBe('size');
    await expect(client.verifyUpload('fs', 'a.txt', { ...entry, hash: null }, sha('hello'))).rejects.toBeInstanceOf(IntegrityError);
    await client.close();
  });

  it('usableSha256 accepts only 64 hex digits of SHA_256_HEX (or no algorithm)', () => {
    const h = 'AB'.repeat(32);
    expect(usableSha256({ hash: h, hashAlgorithm: 'SHA_256_HEX' })).toBe(h.toLowerCase());
    expect(usableSha256({ hash: h, hashAlgorithm: null })).toBe(h.toLowerCase());
    expect(usableSha256({ hash: h, hashAlgorithm: 'sha_256_hex' })).toBe(h.toLowerCase());
    for (const alg of ['SHA_1', 'MD5', 'UNKNOWN']) expect(usableSha256({ hash: h, hashAlgorithm: alg })).toBeNull();
    for (const bad of [null, '', 'abc', 'g'.repeat(64), 'a'.repeat(63)]) expect(usableSha256({ hash: bad, hashAlgorithm: 'SHA_256_HEX' })).toBeNull();
  });

  describe('split upload', () => {
    function splitServer(finalPath: string) {
      return scriptedServer((req, res) => {
        const u = new URL(req.url, 'http://x');
        if (u.pathname.endsWith('/files')) return domoError(res, 413, 'too large');
        if (u.pathname.endsWith('/files/multipart'))
          return json(res, 202, { file: { id: 'up1', path: JSON.parse(req.body.toString()).path }, status: 'CREATED' });
        if (u.pathname.includes('/part/')) return json(res, 202, {});
        if (u.pathname.endsWith('/finalize')) return json(res, 201, { file: { id: 'up1', path: finalPath, size: 20 }, status: 'SUCCESS' });
        if (u.pathname.endsWith('/abort')) return json(res, 200, {});
        return domoError(res, 500, 'unexpected');
      });
    }

    it('a finalize that returns another path is PathMismatchError', async () => {
      server = await splitServer('elsewhere/x.bin');
      const client = testClient(server.url, { splitUploadThreshold: 10, splitPartSize: 10 });
      const err = await catchErr(client.uploadFile('fs', { path: 'big/x.bin', source: { content: Buffer.alloc(20) } }));
      expect(err).toMatchObject({ code: 'PATH_MISMATCH', operation: 'finalizeSplitFileUpload', requested: 'big/x.bin', returned: 'elsewhere/x.bin' });
      await client.close();
    });

    it('a 413 on a single upload goes through the split upload, and lowers the threshold for the client', async () => {
      server = await splitServer('x.bin');
      const client = testClient(server.url, { splitPartSize: 1024 * 1024 });
      await expect(client.uploadFile('fs', { path: 'x.bin', source: { content: Buffer.alloc(20) } })).resolves.toMatchObject({
        path: 'x.bin',
        verified: 'size',
      });
      const first = server.requests.map((r) => new URL(r.url, 'http://x').pathname.split('/').slice(-2).join('/'));
      expect(first).toEqual(['fs/files', 'files/multipart', 'part/1', 'part/2', 'up1/finalize']);
      // The same size again goes straight to the split upload: no second 413.
      const n = server.requests.length;
      await client.uploadFile('fs', { path: 'x.bin', source: { content: Buffer.alloc(20) } });
      expect(server.requests.slice(n).some((r) => r.url.endsWith('/fs/files'))).toBe(false);
      await client.close();
    });
  });
});

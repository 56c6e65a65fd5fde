/**
 * Hostile input: LIKE patterns that would make a backtracking regex run for ages, and multipart uploads cut
 * short on a raw socket, under both stores. The emulator must answer and keep serving.
 */
import fc from 'fast-check';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { likeMatch, MAX_LIKE_PATTERN } from '../../emulator/like';
import { API, startEmu, tempDir, TOKEN, waitFor, type Emu } from './helpers';

/** SQL LIKE as a regex: the slow reference the linear matcher must agree with (fine on tiny inputs). */
function likeByRegex(value: string, pattern: string): boolean {
  const body = Array.from(pattern)
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'su').test(value);
}

describe('LIKE matching', () => {
  it('agrees with the regex reading of LIKE on every small input', () => {
    const ch = fc.constantFrom('a', 'b', '%', '_', '.', '😀', 'é');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '.', '😀', 'é'), maxLength: 10 }), fc.string({ unit: ch, maxLength: 8 }), (v, p) => {
        expect(likeMatch(v, p)).toBe(likeByRegex(v, p));
      }),
      { numRuns: 5000 },
    );
  });

  describe('over HTTP', () => {
    let emu: Emu;
    beforeAll(async () => {
      emu = await startEmu();
    });
    afterAll(() => emu.close());

    // `%a%a…%a%b` against a long run of "a": a backtracking regex tries every way to split the run (years);
    // the matcher walks it once per `%`. The answer must come back, empty.
    const pathological = '%a'.repeat(200) + '%b';

    it('answers a pathological pattern in filesets/search and files/search', async () => {
      const fs = await emu.createFileSet('a'.repeat(3000));
      await emu.upload(fs.id, '', 'a'.repeat(250), 'x');
      const sets = await emu.req('POST', `${API}/filesets/search`, { filters: [{ field: 'name', operator: 'LIKE', value: [pathological] }] });
      expect(sets.status).toBe(200);
      expect(sets.body.fileSets).toEqual([]);
      const files = await emu.req('POST', `${API}/filesets/${fs.id}/files/search`, { filters: [{ field: 'name', operator: 'LIKE', value: [pathological] }] });
      expect(files.status).toBe(200);
      expect(files.body.files).toEqual([]);
      const hit = await emu.req('POST', `${API}/filesets/search`, { filters: [{ field: 'name', operator: 'LIKE', value: ['%a'.repeat(200) + '%'] }] });
      expect(hit.body.fileSets.map((f: { id: string }) => f.id)).toEqual([fs.id]);
    });

    it(`refuses a pattern over ${MAX_LIKE_PATTERN} characters with 400`, async () => {
      const r = await emu.req('POST', `${API}/filesets/search`, { filters: [{ field: 'name', operator: 'LIKE', value: ['%'.repeat(MAX_LIKE_PATTERN + 1)] }] });
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/at most 1000 characters/);
      const ok = await emu.req('POST', `${API}/filesets/search`, { filters: [{ field: 'name', operator: 'LIKE', value: ['%'.repeat(MAX_LIKE_PATTERN)] }] });
      expect(ok.status).toBe(200);
    });
  });
});

function blobFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...blobFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * Sends a multipart upload on a raw socket: the headers, then `body`, then `end` (half-close), `destroy`,
 * or nothing (the socket stays open). Resolves with what the server answered before the socket closed.
 */
function rawUpload(port: number, fileSetId: string, body: string, contentLength: number, then: 'end' | 'destroy' | 'stay'): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const s = connect(port, '127.0.0.1', () => {
      s.write(
        `POST ${API}/filesets/${fileSetId}/files HTTP/1.1\r\nHost: 127.0.0.1\r\nX-DOMO-Developer-Token: ${TOKEN}\r\n` +
          `Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: ${contentLength}\r\nConnection: close\r\n\r\n${body}`,
      );
      if (then === 'end') s.end();
      if (then === 'destroy') s.destroy();
    });
    s.on('data', (d: Buffer) => (got += d.toString('latin1')));
    s.on('error', () => undefined);
    s.on('close', () => resolve(got));
  });
}

describe.each(['memory', 'disk'] as const)('a truncated multipart upload (%s store)', (backend) => {
  let emu: Emu;
  let dataDir: string;
  beforeEach(async () => {
    dataDir = tempDir('emu-trunc-');
    emu = await startEmu({ dataDir: backend === 'disk' ? dataDir : undefined });
  });
  afterEach(async () => {
    await emu.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const part = '--XyZ\r\ncontent-disposition: form-data; name="file"; filename="half.txt"\r\ncontent-type: text/plain\r\n\r\n' + 'x'.repeat(64 * 1024);

  it('answers 400 and keeps serving, storing nothing, however the body is cut', async () => {
    const fs = await emu.createFileSet('trunc');
    // Half the declared body, then the client closes its side: the request cannot be complete.
    expect(await rawUpload(emu.e.port, fs.id, part, part.length * 2, 'end')).toMatch(/^HTTP\/1\.1 400 /);
    // The whole declared body, but the multipart ends without its closing boundary.
    const stay = await rawUpload(emu.e.port, fs.id, part, part.length, 'stay');
    expect(stay).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(stay.slice(stay.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/multipart/i),
      toe: expect.any(String),
    });
    // The client vanishes right after sending part of the body.
    expect(await rawUpload(emu.e.port, fs.id, part.slice(0, 300), part.length, 'destroy')).toBe('');
    await waitFor(() => emu.e.requestLog().filter((l) => l.operationId === 'createFile').length === 3, 'the three uploads in the request log');
    expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).body).toMatchObject({ fileCount: 0, size: 0 });
    expect(await emu.listAll(fs.id, '')).toEqual([]);
    const ok = await emu.upload(fs.id, '', 'whole.txt', 'still serving');
    expect(ok.status).toBe(201);
    if (backend === 'disk') await waitFor(() => blobFiles(join(dataDir, 'blobs')).length === 1, 'only the whole upload’s blob on disk');
  });
});

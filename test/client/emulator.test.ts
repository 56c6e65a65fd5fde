/**
 * The client against the real emulator (startEmulator), for every endpoint, on both storage backends.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ConflictError, NotFoundError, UnauthorizedError, type DomoFilesClient, type FileEntry } from '../../client';
import type { EmulatorHandle } from '../../emulator';
import { startTestEmulator } from '../support/harness';
import { TOKEN, testClient } from './helpers/client';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

const NAMES = ['a b.txt', 'ünïcødé 文件.md', 'hash#pct%q?plus+amp&.txt', 'semi;colon=.txt'];

describe.each(['memory', 'disk'])('client against the emulator (%s store)', (backend) => {
  let emu: EmulatorHandle;
  let client: DomoFilesClient;
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'client-emu-'));
    // indexDelayMs 0: an upload is indexed by the time it answers, so queries see it at once.
    emu = await startTestEmulator({ token: TOKEN, dataDir: backend === 'disk' ? join(tmp, 'data') : undefined, indexDelayMs: 0 });
    client = testClient(emu.url, { splitUploadThreshold: 64 * 1024, splitPartSize: 20 * 1024 });
  });
  afterAll(async () => {
    await client.close();
    await emu.close();
    await rm(tmp, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await emu.reset();
  });

  it('creates, gets, updates, searches and deletes FileSets', async () => {
    const a = await client.createFileSet({ name: 'Docs', description: 'd1', aiEnabled: true });
    expect(a).toMatchObject({ name: 'Docs', description: 'd1' });
    expect(a.id).toBeTruthy();
    expect(a.created).toMatch(/^\d{4}-\d\d-\d\dT/);
    const b = await client.createFileSet({ name: 'Docs' });
    await client.createFileSet({ name: 'Other' });
    expect(await client.getFileSet(a.id)).toMatchObject({ id: a.id, name: 'Docs' });
    const updated = await client.updateFileSet(a.id, { description: 'd2' });
    expect(updated).toMatchObject({ name: 'Docs', description: 'd2' });
    expect((await client.findFileSetsByName('Docs')).map((f) => f.id).sort()).toEqual([a.id, b.id].sort());
    expect(await collect(client.searchFileSets({ limit: 1 }))).toHaveLength(3);
    await client.deleteFileSet(b.id);
    await expect(client.getFileSet(b.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.deleteFileSet(b.id)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('uploads names with spaces, unicode and # % ? + & so the server stores the same path', async () => {
    const fs = await client.createFileSet({ name: 'names' });
    for (const name of NAMES) {
      const path = `dir one/sub&dir/${name}`;
      const entry = await client.uploadFile(fs.id, { path, source: { content: `content of ${name}` }, expectedSha256: sha(`content of ${name}`) });
      expect(entry).toMatchObject({ path, name });
      expect(await client.getFileByPath(fs.id, path)).toMatchObject({ id: entry.id, path, hash: sha(`content of ${name}`) });
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (c: Buffer) => chunks.push(c));
      await client.downloadFile(fs.id, { path }, { stream: out });
      expect(Buffer.concat(chunks).toString()).toBe(`content of ${name}`);
    }
    const logged = emu
      .requestLog()
      .filter((e) => e.operationId === 'createFile')
      .map((e) => e.path);
    expect(logged).toEqual(NAMES.map((n) => `dir one/sub&dir/${n}`));
  });

  it('lists with directories, immediateChildren, filesOnly, and limit=1 paging to the end', async () => {
    const fs = await client.createFileSet({ name: 'list' });
    for (const p of ['a/1.txt', 'a/2.txt', 'a/b/3.txt', 'c.txt']) await client.uploadFile(fs.id, { path: p, source: { content: p } });
    await client.createDirectory(fs.id, 'empty/dir');
    const all = await collect(client.listFiles(fs.id, { limit: 1 }));
    const paths = all.map((f) => f.path).sort();
    expect(paths).toEqual(['a', 'a/1.txt', 'a/2.txt', 'a/b', 'a/b/3.txt', 'c.txt', 'empty', 'empty/dir']);
    expect(all.find((f) => f.path === 'a/b')).toMatchObject({ isDirectory: true, size: null });
    expect(emu.stats().requests.listFilesForFileset).toBe(all.length + 1);
    const files = await collect(client.listFiles(fs.id, { filesOnly: true, limit: 3 }));
    expect(files.map((f) => f.path).sort()).toEqual(['a/1.txt', 'a/2.txt', 'a/b/3.txt', 'c.txt']);
    const children = await collect(client.listFiles(fs.id, { directoryPath: 'a', immediateChildren: true }));
    expect(children.map((f) => f.path).sort()).toEqual(['a/1.txt', 'a/2.txt', 'a/b']);
    const sorted = await collect(client.listFiles(fs.id, { filesOnly: true, fieldSort: [{ field: 'name', order: 'DESC' }] }));
    expect(sorted.map((f) => f.name)).toEqual(['c.txt', '3.txt', '2.txt', '1.txt']);
    const filtered = await collect(client.listFiles(fs.id, { filters: [{ field: 'name', operator: 'LIKE', value: ['2'] }] }));
    expect(filtered.map((f) => f.path)).toEqual(['a/2.txt']);
  });

  it('gets and downloads by id and by path (302 followed), verifying SHA-256, atomically to a file', async () => {
    const fs = await client.createFileSet({ name: 'dl' });
    const data = Buffer.from('x'.repeat(50_000));
    const src = join(tmp, 'src.bin');
    await writeFile(src, data);
    const up = await client.uploadFile(fs.id, { path: 'bin/data.bin', source: { filePath: src }, expectedSha256: sha(data) });
    expect(up).toMatchObject({ size: data.length, hash: sha(data), hashAlgorithm: 'SHA_256_HEX' });
    expect(await client.getFile(fs.id, up.id)).toMatchObject({ path: 'bin/data.bin', size: data.length });
    const out1 = join(tmp, 'out1.bin');
    const out2 = join(tmp, 'out2.bin');
    expect(await client.downloadFile(fs.id, { fileId: up.id }, { filePath: out1 })).toEqual({ bytes: data.length, sha256: sha(data) });
    expect(await client.downloadFile(fs.id, { path: 'bin/data.bin' }, { filePath: out2 })).toEqual({ bytes: data.length, sha256: sha(data) });
    expect((await readFile(out1)).equals(data)).toBe(true);
    expect((await readFile(out2)).equals(data)).toBe(true);
    const ops = emu.stats().requests;
    expect(ops.download).toBe(1);
    expect(ops.downloadByPath).toBe(1);
    expect(ops.getFileContent).toBe(2);
  });

  it('overwrites on re-upload, and split-uploads large files (replacing an existing file)', async () => {
    const fs = await client.createFileSet({ name: 'big' });
    await client.uploadFile(fs.id, { path: 'v.txt', source: { content: 'one' } });
    const second = await client.uploadFile(fs.id, { path: 'v.txt', source: { content: 'two' } });
    expect(second.hash).toBe(sha('two'));
    const big = Buffer.alloc(100 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const bigFile = join(tmp, 'big.bin');
    await writeFile(bigFile, big);
    const first = await client.uploadFile(fs.id, { path: 'large/big.bin', source: { filePath: bigFile }, expectedSha256: sha(big) });
    expect(first).toMatchObject({ path: 'large/big.bin', size: big.length, hash: sha(big) });
    expect(emu.stats().requests.uploadSplitFilePart).toBe(5);
    // a second large upload to the same path replaces it (the split upload itself never overwrites)
    big[0] = 42;
    await writeFile(bigFile, big);
    const replaced = await client.uploadFile(fs.id, { path: 'large/big.bin', source: { filePath: bigFile }, expectedSha256: sha(big) });
    expect(replaced.hash).toBe(sha(big));
    const got = await client.downloadFile(fs.id, { path: 'large/big.bin' }, { filePath: join(tmp, 'big.out') });
    expect(got.sha256).toBe(sha(big));
  });

  it('drives the split-upload steps directly, including abort', async () => {
    const fs = await client.createFileSet({ name: 'steps' });
    const up = await client.initiateSplitUpload(fs.id, 'p/q.bin');
    expect(up).toMatchObject({ path: 'p/q.bin', hash: null });
    await client.uploadSplitPart(fs.id, up.id, 1, Buffer.from('hello '));
    await client.uploadSplitPart(fs.id, up.id, 2, Buffer.from('world'));
    const done = await client.finalizeSplitUpload(fs.id, up.id);
    expect(done).toMatchObject({ path: 'p/q.bin', hash: sha('hello world'), size: 11 });
    const other = await client.initiateSplitUpload(fs.id, 'p/r.bin');
    await client.uploadSplitPart(fs.id, other.id, 1, Buffer.from('x'));
    await client.abortSplitUpload(fs.id, other.id);
    await expect(client.finalizeSplitUpload(fs.id, other.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.getFileByPath(fs.id, 'p/r.bin')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.initiateSplitUpload(fs.id, 'p/q.bin')).rejects.toBeInstanceOf(ConflictError);
  });

  it('deletes by id and by path; a directory goes with its children; a repeat is NotFound', async () => {
    const fs = await client.createFileSet({ name: 'del' });
    const keep = await client.uploadFile(fs.id, { path: 'keep.txt', source: { content: 'k' } });
    const one = await client.uploadFile(fs.id, { path: 'x/1.txt', source: { content: '1' } });
    await client.uploadFile(fs.id, { path: 'x/y/2.txt', source: { content: '2' } });
    await client.uploadFile(fs.id, { path: 'hash#name.txt', source: { content: '3' } });
    await client.deleteFile(fs.id, one.id);
    await expect(client.deleteFile(fs.id, one.id)).rejects.toBeInstanceOf(NotFoundError);
    await client.deleteFileByPath(fs.id, 'hash#name.txt');
    await client.deleteFileByPath(fs.id, 'x');
    await expect(client.deleteFileByPath(fs.id, 'x')).rejects.toBeInstanceOf(NotFoundError);
    const left: FileEntry[] = await collect(client.listFiles(fs.id));
    expect(left.map((f) => f.id)).toEqual([keep.id]);
    const deleted = emu
      .requestLog()
      .filter((e) => e.operationId === 'deleteFileByPath' && e.status < 300)
      .map((e) => e.path);
    expect(deleted).toEqual(['hash#name.txt', 'x']);
  });

  it('queries text files with scores in 0..1, topK and a prefix filter', async () => {
    const fs = await client.createFileSet({ name: 'q', aiEnabled: true });
    await client.uploadFile(fs.id, { path: 'hr/pto.md', source: { content: 'Paid time off policy: vacation days accrue monthly.' } });
    await client.uploadFile(fs.id, { path: 'hr/benefits.md', source: { content: 'Health benefits and dental plans.' } });
    await client.uploadFile(fs.id, { path: 'eng/oncall.md', source: { content: 'On-call vacation swaps need approval.' } });
    const all = await client.query(fs.id, { query: 'vacation', topK: 5 });
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const m of all) {
      expect(m.score).toBeGreaterThan(0);
      expect(m.score).toBeLessThanOrEqual(1);
      expect(m.fileId).toBeTruthy();
    }
    expect(all.map((m) => m.path)).toEqual(expect.arrayContaining(['hr/pto.md', 'eng/oncall.md']));
    const hr = await client.query(fs.id, { query: 'vacation', directoryPath: 'hr' });
    expect(hr.map((m) => m.path)).toEqual(['hr/pto.md']);
    expect(await client.query(fs.id, { query: 'vacation', topK: 1 })).toHaveLength(1);
  });

  it('rejects a wrong token with UnauthorizedError carrying Domo’s toe', async () => {
    const bad = testClient(emu.url, { token: 'wrong-token' });
    const err = await bad.getFileSet('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err).toMatchObject({ status: 401, attempts: 1 });
    expect((err as UnauthorizedError).toe).toBeTruthy();
    expect((err as Error).message).not.toContain('wrong-token');
    await bad.close();
  });
});

describe('client against a faulty emulator (disk store survives the restart)', () => {
  it('completes idempotent work through injected 429s, 500s and resets', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'client-faults-'));
    const dataDir = join(tmp, 'data');
    try {
      const clean = await startTestEmulator({ token: TOKEN, dataDir });
      const c1 = testClient(clean.url);
      const fs = await c1.createFileSet({ name: 'chaos' });
      await c1.close();
      await clean.close();

      const emu = await startTestEmulator({ token: TOKEN, dataDir, retryAfterSeconds: 0, faults: { rate: 0.4, kinds: ['429', 'reset', '500'], seed: 11 } });
      const client = testClient(emu.url, { retry: { attempts: 12, baseDelayMs: 1, maxDelayMs: 5 } });
      try {
        for (let i = 0; i < 10; i++) await client.uploadFile(fs.id, { path: `f/${i}.txt`, source: { content: `file ${i}` }, expectedSha256: sha(`file ${i}`) });
        const listed = await collect(client.listFiles(fs.id, { filesOnly: true, limit: 3 }));
        expect(listed).toHaveLength(10);
        const r = await client.downloadFile(fs.id, { path: 'f/3.txt' }, { filePath: join(tmp, 'out.txt') });
        expect(r.sha256).toBe(sha('file 3'));
        await client.deleteFileByPath(fs.id, 'f/3.txt').catch((e: unknown) => {
          if (!(e instanceof NotFoundError)) throw e; // a retried delete may find it already gone
        });
        const faults = emu.stats().faults;
        expect((faults['429'] ?? 0) + (faults.reset ?? 0) + (faults['500'] ?? 0)).toBeGreaterThan(0);
      } finally {
        await client.close();
        await emu.close();
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

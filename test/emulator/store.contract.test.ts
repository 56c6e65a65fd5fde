/** One contract suite for every Store backend (memory and disk), as fake-gcs-server and Azurite do. */
import { rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { DiskStore, MemoryStore, type FileSetRecord, type NodeRecord, type Store } from '../../emulator';
import { tempDir } from './helpers';

async function readAll(s: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function fileSet(id: string, name = id): FileSetRecord {
  const t = '2025-01-01T00:00:00.000000Z';
  return {
    id,
    name,
    description: '',
    aiEnabled: false,
    indexStatus: null,
    batchType: 'INCREMENTAL',
    connector: 'DOMO',
    created: t,
    createdBy: 1,
    updated: t,
    updatedBy: 1,
    owner: '1',
    accountId: 0,
    connectorContext: null,
    grants: [],
  };
}

let seq = 0;
function node(path: string, kind: 'FILE' | 'DIRECTORY' = 'FILE', blobs: string[] = [], size: number | null = kind === 'FILE' ? 1 : null): NodeRecord {
  return {
    id: `n${++seq}`,
    path,
    name: path.split('/').pop()!,
    kind,
    blobs,
    size,
    hash: kind === 'FILE' ? 'h' : null,
    contentType: kind === 'FILE' ? 'text/plain' : null,
    fileType: kind === 'FILE' ? 'TEXT' : 'DIRECTORY',
    created: '2025-01-01T00:00:00Z',
    createdBy: 1,
    indexStatus: kind === 'FILE' ? 'PENDING' : null,
    indexReason: null,
  };
}

/** A backend, how to see it again as a new process would (the same store when nothing persists), and cleanup. */
const backends: [string, () => { store: Store; reopen: (s: Store) => Promise<Store>; cleanup: () => void }][] = [
  ['MemoryStore', () => ({ store: new MemoryStore(), reopen: async (s) => s, cleanup: () => undefined })],
  [
    'DiskStore',
    () => {
      const dir = tempDir('emu-store-');
      const reopen = async (s: Store): Promise<Store> => {
        await s.close();
        const again = new DiskStore(dir);
        await again.open();
        return again;
      };
      return { store: new DiskStore(dir), reopen, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];

describe.each(backends)('Store contract: %s', (_name, make) => {
  let store: Store;
  let reopen: (s: Store) => Promise<Store>;
  let cleanup: () => void;

  beforeEach(async () => {
    ({ store, reopen, cleanup } = make());
    await store.open();
    await store.putFileSet(fileSet('fs1'));
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  it('stores, replaces, lists and deletes FileSets', async () => {
    await store.putFileSet(fileSet('fs2', 'two'));
    await store.putFileSet({ ...fileSet('fs2'), name: 'renamed' });
    expect(
      store
        .listFileSets()
        .map((f) => f.id)
        .sort(),
    ).toEqual(['fs1', 'fs2']);
    expect(store.getFileSet('fs2')?.name).toBe('renamed');
    expect(await store.deleteFileSet('fs2')).toBe(true);
    expect(await store.deleteFileSet('fs2')).toBe(false);
    expect(store.getFileSet('fs2')).toBeUndefined();
  });

  it('round-trips blobs written from a multi-chunk stream and deletes them', async () => {
    const b = await store.writeBlob(Readable.from([Buffer.from('hello '), Buffer.from('world')]));
    expect(b.size).toBe(11);
    expect(await readAll(store.readBlob(b.blobId))).toBe('hello world');
    await store.deleteBlob(b.blobId);
    await expect(readAll(store.readBlob(b.blobId))).rejects.toThrow();
  });

  it('indexes nodes by id and path and keeps usage current across replace and delete', async () => {
    const b1 = await store.writeBlob(Readable.from([Buffer.from('one')]));
    const f = { ...node('a/f.txt', 'FILE', [b1.blobId]), size: 3 };
    await store.putNode('fs1', node('a', 'DIRECTORY'));
    await store.putNode('fs1', f);
    expect(store.getNode('fs1', f.id)?.path).toBe('a/f.txt');
    expect(store.getNodeByPath('fs1', 'a/f.txt')?.id).toBe(f.id);
    expect(store.usage('fs1')).toEqual({ size: 3, fileCount: 1 });

    const b2 = await store.writeBlob(Readable.from([Buffer.from('second')]));
    await store.putNode('fs1', { ...f, blobs: [b2.blobId], size: 6 });
    expect(store.usage('fs1')).toEqual({ size: 6, fileCount: 1 });
    expect(store.nodeCount('fs1')).toBe(2);
    // The replaced content is freed.
    await expect(readAll(store.readBlob(b1.blobId))).rejects.toThrow();
    expect(await readAll(store.readBlob(b2.blobId))).toBe('second');
  });

  it('deletes a directory with its whole subtree, and nothing else', async () => {
    const b = await store.writeBlob(Readable.from([Buffer.from('x')]));
    for (const p of ['a', 'a/b', 'ab']) await store.putNode('fs1', node(p, 'DIRECTORY'));
    await store.putNode('fs1', node('a/b/c.txt', 'FILE', [b.blobId]));
    await store.putNode('fs1', node('a/d.txt'));
    await store.putNode('fs1', node('a-b.txt'));
    await store.putNode('fs1', node('ab/e.txt'));
    const removed = await store.deleteNode('fs1', 'a');
    expect(removed.map((n) => n.path).sort()).toEqual(['a', 'a/b', 'a/b/c.txt', 'a/d.txt']);
    expect([...store.scan('fs1', { under: '' })].map((n) => n.path)).toEqual(['a-b.txt', 'ab', 'ab/e.txt']);
    expect(store.usage('fs1').fileCount).toBe(2);
    await expect(readAll(store.readBlob(b.blobId))).rejects.toThrow();
    expect(await store.deleteNode('fs1', 'missing')).toEqual([]);
  });

  it('scans in path order, under a directory, immediate children only, and after a cursor', async () => {
    for (const p of ['a', 'a/x', 'a/x/deep']) await store.putNode('fs1', node(p, 'DIRECTORY'));
    for (const p of ['a/x-y.txt', 'a/x/f.txt', 'a/x/deep/g.txt', 'a/z.txt', 'b.txt']) await store.putNode('fs1', node(p));
    const paths = (o: Parameters<Store['scan']>[1]) => [...store.scan('fs1', o)].map((n) => n.path);
    expect(paths({ under: '' })).toEqual(['a', 'a/x', 'a/x-y.txt', 'a/x/deep', 'a/x/deep/g.txt', 'a/x/f.txt', 'a/z.txt', 'b.txt']);
    expect(paths({ under: 'a' })).toEqual(['a/x', 'a/x-y.txt', 'a/x/deep', 'a/x/deep/g.txt', 'a/x/f.txt', 'a/z.txt']);
    expect(paths({ under: 'a', immediateChildren: true })).toEqual(['a/x', 'a/x-y.txt', 'a/z.txt']);
    expect(paths({ under: '', immediateChildren: true })).toEqual(['a', 'b.txt']);
    expect(paths({ under: 'a', after: 'a/x/deep' })).toEqual(['a/x/deep/g.txt', 'a/x/f.txt', 'a/z.txt']);
    expect(paths({ under: 'a', immediateChildren: true, after: 'a/x-y.txt' })).toEqual(['a/z.txt']);
    // A cursor that names a deleted path still resumes at the right place.
    expect(paths({ under: '', after: 'a/y' })).toEqual(['a/z.txt', 'b.txt']);
  });

  it('keeps split uploads and frees their parts on request', async () => {
    const p1 = await store.writeBlob(Readable.from([Buffer.from('p1')]));
    const p2 = await store.writeBlob(Readable.from([Buffer.from('p2')]));
    await store.putUpload({ fileSetId: 'fs1', fileId: 'u1', path: 'big.bin', created: 't', createdBy: 1, parts: { '1': { blobId: p1.blobId, size: 2 } } });
    await store.putUpload({ fileSetId: 'fs1', fileId: 'u2', path: 'big2.bin', created: 't', createdBy: 1, parts: { '1': { blobId: p2.blobId, size: 2 } } });
    expect(store.getUpload('fs1', 'u1')?.path).toBe('big.bin');
    expect(
      store
        .listUploads('fs1')
        .map((u) => u.fileId)
        .sort(),
    ).toEqual(['u1', 'u2']);
    await store.deleteUpload('fs1', 'u1', true);
    await store.deleteUpload('fs1', 'u2', false);
    expect(store.listUploads('fs1')).toEqual([]);
    await expect(readAll(store.readBlob(p1.blobId))).rejects.toThrow();
    expect(await readAll(store.readBlob(p2.blobId))).toBe('p2');
  });

  it('keeps grants and index fields as written; re-putting a node with the same blobs (an index update) frees nothing', async () => {
    const grants = [{ entityId: 42, entityType: 'GROUP' as const, permission: 'READ' as const }];
    await store.putFileSet({ ...fileSet('fs1'), grants });
    const b = await store.writeBlob(Readable.from([Buffer.from('kept')]));
    const f = { ...node('f.txt', 'FILE', [b.blobId]), size: 4 };
    await store.putNode('fs1', f);
    await store.putNode('fs1', { ...f, indexStatus: 'FAILED', indexReason: 'The file is empty' });
    store = await reopen(store);
    expect(store.getFileSet('fs1')?.grants).toEqual(grants);
    expect(store.getNode('fs1', f.id)).toMatchObject({ indexStatus: 'FAILED', indexReason: 'The file is empty', blobs: [b.blobId] });
    expect(await readAll(store.readBlob(b.blobId))).toBe('kept');
    expect(store.usage('fs1')).toEqual({ size: 4, fileCount: 1 });
  });

  it('deleting a FileSet frees its nodes and blobs; clear empties everything', async () => {
    const b = await store.writeBlob(Readable.from([Buffer.from('x')]));
    await store.putNode('fs1', node('f.txt', 'FILE', [b.blobId]));
    await store.putFileSet(fileSet('fs2'));
    await store.deleteFileSet('fs1');
    expect(store.getNodeByPath('fs1', 'f.txt')).toBeUndefined();
    await expect(readAll(store.readBlob(b.blobId))).rejects.toThrow();
    await store.clear();
    expect(store.listFileSets()).toEqual([]);
  });
});

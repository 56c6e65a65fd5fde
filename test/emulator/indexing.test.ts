/**
 * Indexing: the state machine on a fake clock, what each file ends as, /stats counts, /files/reindex, and
 * re-indexing when AI is enabled. Deterministic: the same uploads give the same outcomes.
 */
import { Readable } from 'node:stream';
import { AI_DISABLED_REASON, Indexer, indexOutcome } from '../../emulator/indexer';
import { MemoryStore, type FileSetRecord, type NodeRecord } from '../../emulator';
import { API, startEmu, type Emu } from './helpers';

describe('indexOutcome', () => {
  const file = (fileType: string, contentType: string, size: number) => ({ fileType, contentType, size });
  it.each([
    ['AI disabled', false, file('TEXT', 'text/plain', 5), 'abc', 'SKIPPED', AI_DISABLED_REASON],
    ['a type that is not indexed', true, file('IMAGE', 'image/png', 5), '\x89PNG', 'SKIPPED', 'IMAGE files are not indexed'],
    ['an empty file', true, file('TEXT', 'text/plain', 0), '', 'FAILED', 'The file is empty'],
    ['a .pdf that is not a PDF', true, file('DOCUMENT', 'application/pdf', 5), 'hello', 'FAILED', expect.stringMatching(/not a readable PDF/)],
    ['a PDF', true, file('DOCUMENT', 'application/pdf', 5), '%PDF-1.7', 'COMPLETED', null],
    ['a text file', true, file('TEXT', 'text/markdown', 5), '# hi', 'COMPLETED', null],
  ])('%s', (_what, ai, node, head, status, reason) => {
    expect(indexOutcome(ai, node, Buffer.from(head, 'latin1'))).toEqual({ indexStatus: status, indexReason: reason });
  });
});

describe('Indexer on a fake clock', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  async function setup(aiEnabled: boolean): Promise<{ store: MemoryStore; indexer: Indexer; put: (content: string, id?: string) => Promise<NodeRecord> }> {
    const store = new MemoryStore();
    await store.open();
    const fs: FileSetRecord = {
      id: 'fs',
      name: 'fs',
      description: '',
      aiEnabled,
      indexStatus: null,
      batchType: null,
      connector: 'DOMO',
      created: 't',
      createdBy: 1,
      updated: 't',
      updatedBy: 1,
      owner: '1',
      accountId: 0,
      connectorContext: null,
      grants: [],
    };
    await store.putFileSet(fs);
    const indexer = new Indexer(store, 1000);
    const put = async (content: string, id = 'f1'): Promise<NodeRecord> => {
      const blob = await store.writeBlob(Readable.from([Buffer.from(content)]));
      const node: NodeRecord = {
        id,
        path: `${id}.txt`,
        name: `${id}.txt`,
        kind: 'FILE',
        blobs: [blob.blobId],
        size: blob.size,
        hash: 'h',
        contentType: 'text/plain',
        fileType: 'TEXT',
        created: 't',
        createdBy: 1,
        indexStatus: null,
        indexReason: null,
      };
      const admitted = indexer.admit('fs', node, Buffer.from(content));
      await store.putNode('fs', admitted);
      indexer.queue('fs', id);
      return admitted;
    };
    return { store, indexer, put };
  }
  const status = (store: MemoryStore, id = 'f1') => [store.getNode('fs', id)?.indexStatus, store.getNode('fs', id)?.indexReason];

  it('goes PENDING → IN_PROGRESS half way → COMPLETED after the delay', async () => {
    const { store, indexer, put } = await setup(true);
    expect((await put('words')).indexStatus).toBe('PENDING');
    await jest.advanceTimersByTimeAsync(499);
    expect(status(store)).toEqual(['PENDING', null]);
    await jest.advanceTimersByTimeAsync(1);
    expect(status(store)).toEqual(['IN_PROGRESS', null]);
    await jest.advanceTimersByTimeAsync(499);
    expect(status(store)).toEqual(['IN_PROGRESS', null]);
    await jest.advanceTimersByTimeAsync(1);
    expect(status(store)).toEqual(['COMPLETED', null]);
    indexer.stop();
  });

  it('a file replaced while indexing ends with the outcome of its new content only', async () => {
    const { store, indexer, put } = await setup(true);
    await put('words');
    await jest.advanceTimersByTimeAsync(900);
    await put('');
    // The first upload's job would have finished here; it must not touch the replaced file.
    await jest.advanceTimersByTimeAsync(100);
    expect(status(store)).toEqual(['PENDING', null]);
    await jest.advanceTimersByTimeAsync(900);
    expect(status(store)).toEqual(['FAILED', 'The file is empty']);
    indexer.stop();
  });

  it('re-queues files skipped because AI was disabled once it is enabled, and nothing else', async () => {
    const { store, indexer, put } = await setup(false);
    await put('words', 'f1');
    await jest.advanceTimersByTimeAsync(1000);
    expect(status(store, 'f1')).toEqual(['SKIPPED', AI_DISABLED_REASON]);
    await store.putFileSet({ ...store.getFileSet('fs')!, aiEnabled: true });
    await indexer.aiEnabled('fs');
    expect(status(store, 'f1')).toEqual(['PENDING', null]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(status(store, 'f1')).toEqual(['COMPLETED', null]);
    indexer.stop();
  });

  it('requeue sets the named files PENDING (files only, each once) and indexes them again', async () => {
    const { store, indexer, put } = await setup(true);
    await put('', 'f1');
    await put('words', 'f2');
    await jest.advanceTimersByTimeAsync(1000);
    expect([status(store, 'f1')[0], status(store, 'f2')[0]]).toEqual(['FAILED', 'COMPLETED']);
    const dir: NodeRecord = { ...store.getNode('fs', 'f2')!, id: 'd', path: 'd', kind: 'DIRECTORY', blobs: [], indexStatus: null };
    await store.putNode('fs', dir);
    expect(await indexer.requeue('fs', ['f1', 'f1', 'd', 'nope'])).toBe(1);
    expect([status(store, 'f1')[0], status(store, 'f2')[0], status(store, 'd')[0]]).toEqual(['PENDING', 'COMPLETED', null]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(status(store, 'f1')).toEqual(['FAILED', 'The file is empty']);
    indexer.stop();
  });

  it('stop() cancels every pending step', async () => {
    const { store, indexer, put } = await setup(true);
    await put('words');
    indexer.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(status(store)).toEqual(['PENDING', null]);
  });
});

describe('indexing over HTTP', () => {
  let emu: Emu;
  beforeEach(async () => {
    emu = await startEmu({ indexDelayMs: 20 });
  });
  afterEach(() => emu.close());

  async function corpus(fsId: string): Promise<void> {
    await emu.upload(fsId, 'docs', 'a.md', '# alpha');
    await emu.upload(fsId, 'docs', 'b.txt', 'beta');
    await emu.upload(fsId, 'docs', 'empty.txt', '');
    await emu.upload(fsId, 'docs', 'fake.pdf', 'not a pdf');
    await emu.upload(fsId, 'docs', 'real.pdf', '%PDF-1.4 real');
    await emu.upload(fsId, 'img', 'logo.png', 'png bytes');
  }
  const states = async (fsId: string) =>
    Object.fromEntries((await emu.listAll(fsId, '')).filter((f) => f.fileType !== 'DIRECTORY').map((f) => [f.path, [f.indexStatus, f.indexReason]]));

  it('files start PENDING in the upload answer and end as their content says; /stats counts them', async () => {
    const fs = await emu.createFileSet('kb', { aiEnabled: true });
    const up = await emu.upload(fs.id, '', 'new.txt', 'fresh');
    expect(up.body).toMatchObject({ indexStatus: 'PENDING', indexReason: null });
    await corpus(fs.id);
    const stats = await emu.indexed(fs.id);
    expect(await states(fs.id)).toEqual({
      'docs/a.md': ['COMPLETED', null],
      'docs/b.txt': ['COMPLETED', null],
      'docs/empty.txt': ['FAILED', 'The file is empty'],
      'docs/fake.pdf': ['FAILED', expect.stringMatching(/not a readable PDF/)],
      'docs/real.pdf': ['COMPLETED', null],
      'img/logo.png': ['SKIPPED', 'IMAGE files are not indexed'],
      'new.txt': ['COMPLETED', null],
    });
    expect(stats).toMatchObject({
      id: fs.id,
      name: 'kb',
      fileCount: 7,
      permission: 'OWNER',
      textFileTypeCount: 4,
      documentFileTypeCount: 2,
      imageFileTypeCount: 1,
      audioFileTypeCount: 0,
      videoFileTypeCount: 0,
      otherFileTypeCount: 0,
      notIndexedCount: 0,
      indexQueuedCount: 0,
      indexInProgressCount: 0,
      indexCompleteCount: 4,
      indexFailedCount: 2,
      indexSkippedCount: 1,
    });
  });

  it('gives the same outcomes for the same uploads (no chance involved)', async () => {
    const a = await emu.createFileSet('a', { aiEnabled: true });
    const b = await emu.createFileSet('b', { aiEnabled: true });
    await corpus(a.id);
    await corpus(b.id);
    await emu.indexed(a.id);
    await emu.indexed(b.id);
    expect(await states(a.id)).toEqual(await states(b.id));
  });

  it('skips everything while AI is disabled and indexes those files once it is enabled', async () => {
    const fs = await emu.createFileSet('later');
    await corpus(fs.id);
    expect(await emu.indexed(fs.id)).toMatchObject({ indexSkippedCount: 6, indexCompleteCount: 0 });
    await emu.req('POST', `${API}/filesets/${fs.id}`, { aiEnabled: true });
    expect(await emu.indexed(fs.id)).toMatchObject({ indexSkippedCount: 1, indexCompleteCount: 3, indexFailedCount: 2 });
  });

  it('reindex re-queues the files named (once each, files only) and answers 202 {retriedFilesCount}', async () => {
    const fs = await emu.createFileSet('re', { aiEnabled: true });
    await corpus(fs.id);
    await emu.indexed(fs.id);
    const files = await emu.listAll(fs.id, '');
    const failed = files.filter((f) => f.indexStatus === 'FAILED').map((f) => f.id);
    const dir = files.find((f) => f.fileType === 'DIRECTORY').id;
    const r = await emu.req('POST', `${API}/filesets/${fs.id}/files/reindex`, { fileIds: [...failed, failed[0], dir, 'unknown-id'] });
    expect([r.status, r.body]).toEqual([202, { retriedFilesCount: 2 }]);
    expect(await emu.indexed(fs.id)).toMatchObject({ indexFailedCount: 2, indexCompleteCount: 3 });
    expect((await emu.req('POST', `${API}/filesets/${fs.id}/files/reindex`, { fileIds: 'all' })).status).toBe(400);
  });

  it('a finished split upload is indexed like any other file', async () => {
    const fs = await emu.createFileSet('split', { aiEnabled: true });
    const init = (await emu.req('POST', `${API}/filesets/${fs.id}/files/multipart`, { path: 'big.pdf' })).body;
    expect(init.file.indexStatus).toBeNull();
    const part = new FormData();
    part.append('part', new Blob(['%PDF-1.4 split']), 'p');
    await emu.req('POST', `${API}/filesets/${fs.id}/files/multipart/${init.file.id}/part/0`, part);
    const fin = (await emu.req('POST', `${API}/filesets/${fs.id}/files/multipart/${init.file.id}/finalize`)).body;
    expect(fin.file.indexStatus).toBe('PENDING');
    expect(await emu.indexed(fs.id)).toMatchObject({ indexCompleteCount: 1, documentFileTypeCount: 1 });
  });
});

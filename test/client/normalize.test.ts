import fc from 'fast-check';
import {
  entryKind,
  normalizeAccess,
  normalizeStats,
  normalizeFile,
  normalizeFilePage,
  normalizeFileSet,
  normalizeFileSetPage,
  normalizeQueryResponse,
  toIso,
} from '../../client/normalize';

describe('normalizers', () => {
  it('turns epoch milliseconds and ISO strings into ISO strings', () => {
    expect(toIso(1718826000000)).toBe('2024-06-19T19:40:00.000Z');
    expect(toIso('1718826000000')).toBe('2024-06-19T19:40:00.000Z');
    expect(toIso('2025-04-19T22:52:23.470150Z')).toBe('2025-04-19T22:52:23.470Z');
    expect(toIso(null)).toBeNull();
    expect(toIso('not a date')).toBe('not a date');
  });

  it('normalizes an older-reference FileSet (numbers as ids, missing fields)', () => {
    const fs = normalizeFileSet({ id: 'x', name: 'n', created: '2025-01-01T00:00:00.000Z', createdBy: 111111111 });
    expect(fs).toMatchObject({ id: 'x', name: 'n', createdBy: '111111111', description: null, aiEnabled: null, fileCount: null, connectorContext: null });
  });

  it('normalizes a spec-shaped FileSet', () => {
    const fs = normalizeFileSet({
      id: 'e4',
      name: 'Policies',
      aiEnabled: false,
      indexStatus: null,
      connector: 'DOMO',
      created: '2025-07-28T20:17:43.958479Z',
      createdBy: 27,
      owner: '27',
      accountId: 0,
      connectorContext: { connector: 'S3', relativePath: 'b/p' },
      permission: 'OWNER',
      size: 0,
      fileCount: 0,
    });
    expect(fs).toMatchObject({
      aiEnabled: false,
      owner: '27',
      createdBy: '27',
      accountId: 0,
      size: 0,
      fileCount: 0,
      connectorContext: { connector: 'S3', relativePath: 'b/p' },
    });
  });

  it('accepts both FileSet page shapes and both list keys', () => {
    const spec = normalizeFileSetPage({ fileSets: [{ id: 'a' }], pageContext: { count: 1, totalCount: 7, offset: 3 } });
    expect(spec).toMatchObject({ total: 7, offset: 3 });
    expect(spec.fileSets.map((f) => f.id)).toEqual(['a']);
    const seed = normalizeFileSetPage({ filesets: [{ id: 'b' }], pageContext: { offset: 0, limit: 50, total: 2 } });
    expect(seed).toMatchObject({ total: 2, offset: 0 });
    expect(seed.fileSets.map((f) => f.id)).toEqual(['b']);
  });

  it('normalizes files and directories', () => {
    const f = normalizeFile({ id: '1', path: '/a/B.txt', fileType: 'TEXT', size: 3, hash: 'ABCDEF', created: 1712066400000, createdBy: 5 });
    expect(f).toMatchObject({ path: 'a/B.txt', name: 'B.txt', isDirectory: false, hash: 'abcdef', createdBy: '5', created: '2024-04-02T14:00:00.000Z' });
    const d = normalizeFile({ id: '2', path: 'a', name: 'a', size: null, fileType: 'DIRECTORY' });
    expect(d).toMatchObject({ isDirectory: true, size: null, hash: null });
  });

  it('treats an empty cursor as the end', () => {
    expect(normalizeFilePage({ files: [], pageContext: { next: '' } }).next).toBeNull();
    expect(normalizeFilePage({ files: [] }).next).toBeNull();
  });

  it('reads both query match shapes', () => {
    const matches = normalizeQueryResponse({
      matches: [
        { content: { type: 'TEXT', text: 'hello' }, metadata: { fileId: 'f1', path: 'p/a.md' }, score: 0.41 },
        { content: { type: 'IMAGE', uri: 'data:image/png;base64,xx' }, metadata: { fileId: 'f1', path: 'p/a.md' }, score: 0.43 },
        { id: 'f3', node: { id: 'f3', path: 'r/q.pdf', name: 'q.pdf', fileType: 'FILE', created: 1718826000000 }, score: 0.89 },
      ],
    });
    expect(matches[0]).toEqual({ fileId: 'f1', path: 'p/a.md', score: 0.41, text: 'hello', uri: null, file: null });
    expect(matches[1].uri).toBe('data:image/png;base64,xx');
    expect(matches[2]).toMatchObject({ fileId: 'f3', path: 'r/q.pdf', score: 0.89, text: null });
    expect(matches[2].file).toMatchObject({ name: 'q.pdf', created: '2024-06-19T19:40:00.000Z' });
  });
});

describe('entry kinds', () => {
  it.each([
    [{ id: '1', path: 'a.txt', fileType: 'TEXT', size: 3 }, 'file'],
    [{ id: '1', path: 'a.txt', size: 0 }, 'file'],
    [{ id: '1', path: 'a.pdf', fileType: 'file', size: 3 }, 'file'],
    [{ id: '1', path: 'a', fileType: 'DIRECTORY', size: null }, 'directory'],
    [{ id: '1', path: 'a', fileType: 'Directory' }, 'directory'],
    [{ id: '1', path: 'a', size: null, hash: null }, 'unknown'],
    [{ id: '1', path: 'a', fileType: 'FOLDER', size: 0 }, 'unknown'],
    [{ id: '1', path: 'a', fileType: 'TEXT', size: -1 }, 'unknown'],
    [{ id: '1', path: 'a', fileType: 'TEXT', size: 'many' }, 'unknown'],
    [{ id: '', path: 'a', fileType: 'TEXT', size: 1 }, 'unknown'],
    [{ id: '1', path: '', fileType: 'TEXT', size: 1 }, 'unknown'],
    [{ id: '1', path: 'a', fileType: 7, size: 1 }, 'unknown'],
  ])('%j is %s', (raw, kind) => {
    expect(entryKind(raw)).toBe(kind);
    expect(normalizeFile(raw)).toMatchObject({ kind, isDirectory: kind === 'directory' });
  });

  it('property: an entry without a numeric size >= 0 is never a file, whatever else it says', () => {
    const notSize = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.string().filter((s) => s.trim() === '' || !Number.isFinite(Number(s))),
      fc.integer({ max: -1 }),
    );
    fc.assert(
      fc.property(
        fc.record({ id: fc.string(), path: fc.string(), fileType: fc.option(fc.string()), hash: fc.option(fc.string()) }),
        notSize,
        (rec, size) => entryKind({ ...rec, size }) !== 'file',
      ),
    );
  });

  it('property: only a DIRECTORY fileType makes a directory', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (raw) => {
        const t = (raw as { fileType?: unknown }).fileType;
        return (entryKind(raw) === 'directory') === (typeof t === 'string' && t.toUpperCase() === 'DIRECTORY');
      }),
    );
  });
});

describe('index status, access and stats', () => {
  it('types indexStatus with the spec values; anything else reads as UNKNOWN', () => {
    expect(normalizeFile({ id: '1', path: 'a', indexStatus: 'RAG_RECEIVED', indexReason: 'ok' })).toMatchObject({
      indexStatus: 'RAG_RECEIVED',
      indexReason: 'ok',
    });
    expect(normalizeFile({ id: '1', path: 'a', indexStatus: 'completed' }).indexStatus).toBe('COMPLETED');
    expect(normalizeFile({ id: '1', path: 'a', indexStatus: 'WEIRD' }).indexStatus).toBe('UNKNOWN');
    expect(normalizeFile({ id: '1', path: 'a', indexStatus: null }).indexStatus).toBeNull();
  });

  it('reads access lists under fileSetAccess and the older indexAccess', () => {
    const entry = { entityId: 42, entityType: 'GROUP', permission: 'EDIT' };
    expect(normalizeAccess({ fileSetId: 'fs', fileSetAccess: [entry] })).toEqual({ fileSetId: 'fs', fileSetAccess: [entry] });
    expect(normalizeAccess({ fileSetId: 'fs', indexAccess: [{ ...entry, entityId: '42' }] })).toEqual({ fileSetId: 'fs', fileSetAccess: [entry] });
  });

  it('reads stats as counts (the example) or as a FileSet (the schema)', () => {
    expect(normalizeStats({ textFileTypeCount: 3, indexCompleteCount: 2, indexFailedCount: 1 })).toMatchObject({
      textFileTypeCount: 3,
      indexCompleteCount: 2,
      indexFailedCount: 1,
      imageFileTypeCount: null,
      fileCount: null,
    });
    expect(normalizeStats({ id: 'fs', name: 'n', fileCount: 7, size: 70 })).toMatchObject({ fileCount: 7, size: 70, indexCompleteCount: null });
  });
});

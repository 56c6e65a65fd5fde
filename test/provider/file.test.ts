/** FileSetFile provider methods against the emulator. */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSetFileProvider as p, type FileSetFileInputs, type FileSetFileOutputs } from '../../provider/file';
import { UNKNOWN } from '../../provider/inputs';
import { remotePaths, useEmulator } from './setup';

const fx = useEmulator();
let fileSetId: string;
const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

beforeAll(async () => {
  await p.configure!({ config: fx.config });
  fileSetId = (await fx.client.createFileSet({ name: 'unit-files' })).id;
});

async function checked(news: Partial<FileSetFileInputs>): Promise<FileSetFileInputs> {
  const r = await p.check!({} as FileSetFileInputs, news as FileSetFileInputs);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs!;
}

describe('FileSetFile check', () => {
  it('hashes inline content into the hash input', async () => {
    expect((await checked({ fileSetId, path: 'a.txt', content: 'hello' })).hash).toBe(sha('hello'));
  });
  it('hashes a local source file', async () => {
    const f = join(fx.dir, 'src.txt');
    writeFileSync(f, 'from disk');
    expect((await checked({ fileSetId, path: 'a.txt', source: f })).hash).toBe(sha('from disk'));
  });
  it('returns failures: both or neither of source/content, bad path, unreadable source', async () => {
    const both = await p.check!({} as FileSetFileInputs, { fileSetId, path: 'a', content: 'x', source: 'y' });
    expect(both.failures!.map((f) => f.reason).join()).toMatch(/exactly one of source/);
    const neither = await p.check!({} as FileSetFileInputs, { fileSetId, path: 'a' });
    expect(neither.failures).toHaveLength(1);
    const badPath = await p.check!({} as FileSetFileInputs, { fileSetId, path: '/a/../b', content: 'x' });
    // The client's remote-path rule, the one the loader's scan applies too.
    expect(badPath.failures).toEqual([{ property: 'path', reason: expect.stringMatching(/starts with "\/"/) }]);
    const quote = await p.check!({} as FileSetFileInputs, { fileSetId, path: 'a"b.md', content: 'x' });
    expect(quote.failures).toEqual([{ property: 'path', reason: expect.stringMatching(/double quote/) }]);
    const missing = await p.check!({} as FileSetFileInputs, { fileSetId, path: 'a', source: join(fx.dir, 'nope.txt') });
    expect(missing.failures).toEqual([{ property: 'source', reason: expect.stringMatching(/cannot read source .*ENOENT/) }]);
    const noFs = await p.check!({} as FileSetFileInputs, { path: 'a', content: 'x' } as FileSetFileInputs);
    expect(noFs.failures!.map((f) => f.property)).toEqual(['fileSetId']);
  });
  it('reports the conflicts the program found (hidden overlaps input) on path, and keeps them out of the inputs', async () => {
    const reason =
      "FileSetFile 'about' (path 'docs/a.md') is inside FileSetFolder 'docs' (prefix 'docs') and would be pruned by it; exclude it in the folder (exclude: ['a.md']) or move it";
    const r = await p.check!({} as FileSetFileInputs, { fileSetId, path: 'docs/a.md', content: 'x', overlaps: [reason] } as FileSetFileInputs);
    expect(r.failures).toEqual([{ property: 'path', reason }]);
    expect(await checked({ fileSetId, path: 'docs/a.md', content: 'x', overlaps: UNKNOWN } as Partial<FileSetFileInputs>)).not.toHaveProperty('overlaps');
  });
  it('tolerates unknown values in preview (hash unknown too)', async () => {
    const r = await checked({ fileSetId: UNKNOWN, path: 'a.txt', content: UNKNOWN });
    expect(r.hash).toBe(UNKNOWN);
  });
});

describe('FileSetFile diff (offline)', () => {
  const olds = {
    fileSetId: 'fs',
    path: 'a.txt',
    content: 'x',
    hash: sha('x'),
    contentType: 'text/plain',
    size: 1,
    fileId: 'f1',
    __provider: 'old',
  } as unknown as FileSetFileOutputs;
  it('no change when the bytes are the same, whatever __provider says', async () => {
    expect(await p.diff!('fs/a.txt', olds, { fileSetId: 'fs', path: 'a.txt', content: 'x', hash: sha('x'), __provider: 'new' } as FileSetFileInputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
  it('a content change is an in-place update', async () => {
    expect(await p.diff!('fs/a.txt', olds, { fileSetId: 'fs', path: 'a.txt', content: 'y', hash: sha('y') })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });
  it('fileSetId or path changes replace', async () => {
    expect((await p.diff!('fs/a.txt', olds, { fileSetId: 'fs2', path: 'a.txt', content: 'x', hash: sha('x') })).replaces).toEqual(['fileSetId']);
    expect((await p.diff!('fs/a.txt', olds, { fileSetId: 'fs', path: 'b.txt', content: 'x', hash: sha('x') })).replaces).toEqual(['path']);
  });
  it('the old file goes first only when the old and new paths nest in one FileSet', async () => {
    const dbr = async (news: Partial<FileSetFileInputs>): Promise<boolean | undefined> =>
      (await p.diff!('fs/a.txt', olds, { content: 'x', hash: sha('x'), ...news } as FileSetFileInputs)).deleteBeforeReplace;
    expect(await dbr({ fileSetId: 'fs', path: 'b.txt' })).toBe(false);
    expect(await dbr({ fileSetId: 'fs2', path: 'a.txt/b.txt' })).toBe(false);
    // A directory where the old file is: uploaded first, the new path would meet the old file.
    expect(await dbr({ fileSetId: 'fs', path: 'a.txt/b.txt' })).toBe(true);
    expect(await dbr({ fileSetId: 'fs', path: UNKNOWN })).toBe(true);
  });
  it('an unknown fileSetId (its FileSet being replaced) replaces', async () => {
    expect((await p.diff!('fs/a.txt', olds, { fileSetId: UNKNOWN, path: 'a.txt', content: 'x', hash: sha('x') })).replaces).toEqual(['fileSetId']);
  });
});

describe('FileSetFile lifecycle', () => {
  it('creates from content, updates on a content change, deletes', async () => {
    const inputs = await checked({ fileSetId, path: 'docs/one.md', content: '# one', contentType: 'text/markdown' });
    const c = await p.create(inputs);
    expect(c.id).toBe(`${fileSetId}/docs/one.md`);
    expect(c.outs).toMatchObject({ fileSetId, path: 'docs/one.md', hash: sha('# one'), size: 5, contentType: 'text/markdown', fileId: expect.any(String) });

    const news = await checked({ fileSetId, path: 'docs/one.md', content: '# one, edited', contentType: 'text/markdown' });
    expect((await p.diff!(c.id, c.outs!, news)).changes).toBe(true);
    const u = await p.update!(c.id, c.outs!, news);
    expect(u.outs).toMatchObject({ fileSetId, path: 'docs/one.md', hash: sha('# one, edited'), size: 13, content: '# one, edited' });
    expect((await fx.client.getFileByPath(fileSetId, 'docs/one.md')).hash).toBe(sha('# one, edited'));

    await p.delete!(c.id, u.outs!);
    expect(await remotePaths(fx.client, fileSetId)).not.toContain('docs/one.md');
    await expect(p.delete!(c.id, u.outs!)).resolves.toBeUndefined();
  });

  it('uploads a local source file', async () => {
    const f = join(fx.dir, 'report.csv');
    writeFileSync(f, 'a,b\n1,2\n');
    const c = await p.create(await checked({ fileSetId, path: 'data/report.csv', source: f }));
    expect(c.outs).toMatchObject({ hash: sha('a,b\n1,2\n'), size: 8, source: f });
    await p.delete!(c.id, c.outs!);
  });

  it('refresh sees a file edited in Domo, and the next diff puts it back', async () => {
    const inputs = await checked({ fileSetId, path: 'drift.txt', content: 'mine' });
    const c = await p.create(inputs);
    await fx.client.uploadFile(fileSetId, { path: 'drift.txt', source: { content: 'theirs' } });
    const r = await p.read!(c.id, c.outs!);
    expect(r.props).toMatchObject({ hash: sha('theirs'), size: 6 });
    expect((await p.diff!(c.id, r.props!, inputs)).changes).toBe(true);
    await p.delete!(c.id, r.props!);
  });

  it('read: a deleted file is gone; import by id fills path and hash', async () => {
    const c = await p.create(await checked({ fileSetId, path: 'imp/x.txt', content: 'x' }));
    const imported = await p.read!(c.id, {} as FileSetFileOutputs);
    expect(imported).toMatchObject({ id: c.id, props: { fileSetId, path: 'imp/x.txt', hash: sha('x') }, inputs: { fileSetId, path: 'imp/x.txt' } });
    await fx.client.deleteFileByPath(fileSetId, 'imp/x.txt');
    expect(await p.read!(c.id, c.outs!)).toEqual({});
  });

  it('bytes that changed between check and create are not left behind', async () => {
    const f = join(fx.dir, 'moving.txt');
    writeFileSync(f, 'v1');
    const inputs = await checked({ fileSetId, path: 'moving.txt', source: f });
    writeFileSync(f, 'v2');
    await expect(p.create(inputs)).rejects.toThrow(/uploading "moving.txt"/);
    expect(await remotePaths(fx.client, fileSetId)).not.toContain('moving.txt');
  });
});

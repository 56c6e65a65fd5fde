/** FileSetFolder provider methods against the emulator (the loader does the syncing). */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileSetFolderProvider as p, type FileSetFolderInputs, type FileSetFolderOutputs } from '../../provider/folder';
import { UNKNOWN } from '../../provider/wire';
import { remotePaths, useEmulator } from './setup';

const fx = useEmulator();
let fileSetId: string;
let src: string;

function write(rel: string, content: string): void {
  const f = join(src, rel);
  mkdirSync(join(f, '..'), { recursive: true });
  writeFileSync(f, content);
}

beforeAll(async () => {
  await p.configure!({ config: fx.config });
  fileSetId = (await fx.client.createFileSet({ name: 'unit-folder' })).id;
  src = join(fx.dir, 'docs');
  write('intro.md', '# intro');
  write('guide/setup.md', '# setup');
  write('scratch.tmp', 'never synced');
});

async function checked(news: Partial<FileSetFolderInputs>): Promise<FileSetFolderInputs> {
  const r = await p.check!({} as FileSetFolderInputs, news as FileSetFolderInputs);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs!;
}

describe('FileSetFolder check', () => {
  it('computes a digest that moves exactly when content changes', async () => {
    const base = { fileSetId, source: src, exclude: ['**/*.tmp'], directoryPath: '/handbook/' };
    const a = await checked(base);
    expect(a.directoryPath).toBe('handbook');
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await checked(base)).digest).toBe(a.digest);
    write('scratch.tmp', 'excluded, still no change');
    expect((await checked(base)).digest).toBe(a.digest);
    write('intro.md', '# intro v2');
    expect((await checked(base)).digest).not.toBe(a.digest);
    write('intro.md', '# intro');
  });
  it('returns failures for a missing source and bad options', async () => {
    const r = await p.check!({} as FileSetFolderInputs, { fileSetId, source: join(fx.dir, 'nope'), maxDeletePercent: 150, include: 'x' } as unknown as FileSetFolderInputs);
    expect(r.failures!.map((f) => f.property).sort()).toEqual(['include', 'maxDeletePercent']);
    const r2 = await p.check!({} as FileSetFolderInputs, { fileSetId, source: join(fx.dir, 'nope') });
    expect(r2.failures).toEqual([{ property: 'source', reason: expect.stringMatching(/is not a directory/) }]);
    const r3 = await p.check!({} as FileSetFolderInputs, { fileSetId, source: src, directoryPath: 'a/../b' });
    expect(r3.failures!.map((f) => f.property)).toEqual(['directoryPath']);
  });
  it('tolerates unknown values in preview', async () => {
    expect((await checked({ fileSetId: UNKNOWN, source: src })).digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await checked({ fileSetId, source: UNKNOWN })).digest).toBe(UNKNOWN);
  });
});

describe('FileSetFolder diff (offline)', () => {
  const olds = { fileSetId: 'fs', source: 'docs', directoryPath: 'handbook', digest: 'd1', fileCount: 2, totalBytes: 10, __provider: 'old' } as unknown as FileSetFolderOutputs;
  it('no change for the same digest and defaults spelled out or not', async () => {
    expect(await p.diff!('fs/handbook', olds, { fileSetId: 'fs', source: 'docs', directoryPath: 'handbook', prune: true, digest: 'd1', __provider: 'new' } as FileSetFolderInputs)).toEqual({ changes: false, replaces: [] });
  });
  it('a digest change is an update; directoryPath or fileSetId replaces', async () => {
    expect(await p.diff!('x', olds, { fileSetId: 'fs', source: 'docs', directoryPath: 'handbook', digest: 'd2' })).toEqual({ changes: true, replaces: [] });
    expect((await p.diff!('x', olds, { fileSetId: 'fs', source: 'docs', directoryPath: 'other', digest: 'd1' })).replaces).toEqual(['directoryPath']);
    expect((await p.diff!('x', olds, { fileSetId: 'fs2', source: 'docs', directoryPath: 'handbook', digest: 'd1' })).replaces).toEqual(['fileSetId']);
  });
});

describe('FileSetFolder lifecycle', () => {
  const base = (): Partial<FileSetFolderInputs> => ({ fileSetId, source: src, exclude: ['**/*.tmp'], directoryPath: 'handbook' });

  it('creates (syncs), updates after a local change, refreshes drift, deletes only its prefix', async () => {
    await fx.client.uploadFile(fileSetId, { path: 'outside.txt', source: { content: 'not mine' } });
    const inputs = await checked(base());
    const c = await p.create(inputs);
    expect(c.id).toBe(`${fileSetId}/handbook`);
    expect(c.outs).toMatchObject({ fileCount: 2, totalBytes: 14, digest: inputs.digest, directoryPath: 'handbook' });
    expect(await remotePaths(fx.client, fileSetId)).toEqual(['handbook/guide/setup.md', 'handbook/intro.md', 'outside.txt']);

    write('guide/setup.md', '# setup v2');
    write('new.md', 'new');
    rmSync(join(src, 'intro.md'));
    const news = await checked(base());
    expect((await p.diff!(c.id, c.outs!, news)).changes).toBe(true);
    const u = await p.update!(c.id, c.outs!, news);
    expect(u.outs).toMatchObject({ fileCount: 2, digest: news.digest, source: src });
    expect(await remotePaths(fx.client, fileSetId)).toEqual(['handbook/guide/setup.md', 'handbook/new.md', 'outside.txt']);

    // Nothing changed: refresh keeps the digest, so the next diff is empty.
    const same = await p.read!(c.id, u.outs!);
    expect(same.props!.digest).toBe(news.digest);
    expect((await p.diff!(c.id, same.props!, await checked(base()))).changes).toBe(false);

    // Someone deletes a managed file in Domo: refresh shows it and the next up syncs again.
    await fx.client.deleteFileByPath(fileSetId, 'handbook/new.md');
    const drifted = await p.read!(c.id, u.outs!);
    expect(drifted.props!.digest).toBe('drifted: 1 upload');
    expect((await p.diff!(c.id, drifted.props!, await checked(base()))).changes).toBe(true);

    await p.delete!(c.id, u.outs!);
    expect(await remotePaths(fx.client, fileSetId)).toEqual(['outside.txt']);
    write('intro.md', '# intro');
    rmSync(join(src, 'new.md'));
  });

  it('a guard refusal fails the create cleanly', async () => {
    const other = (await fx.client.createFileSet({ name: 'unit-folder-guard' })).id;
    for (const n of ['a', 'b', 'c', 'd']) await fx.client.uploadFile(other, { path: `handbook/old-${n}.md`, source: { content: n } });
    const inputs = await checked({ ...base(), fileSetId: other, maxDeletes: 1 });
    await expect(p.create(inputs)).rejects.toThrow(/syncing .*maxDeletes|syncing .*delete/);
    expect(await remotePaths(fx.client, other)).toEqual(['handbook/old-a.md', 'handbook/old-b.md', 'handbook/old-c.md', 'handbook/old-d.md']);
  });

  it('404: read of a folder whose FileSet is gone says gone; delete succeeds', async () => {
    const other = (await fx.client.createFileSet({ name: 'unit-folder-gone' })).id;
    const c = await p.create(await checked({ ...base(), fileSetId: other }));
    await fx.client.deleteFileSet(other);
    expect(await p.read!(c.id, c.outs!)).toEqual({});
    await expect(p.delete!(c.id, c.outs!)).resolves.toBeUndefined();
  });

  it('import by id counts the remote files under the prefix', async () => {
    const c = await p.create(await checked(base()));
    const r = await p.read!(c.id, {} as FileSetFolderOutputs);
    expect(r).toMatchObject({ id: c.id, props: { fileSetId, directoryPath: 'handbook', fileCount: 2, totalBytes: c.outs!.totalBytes } });
    expect(c.outs!.totalBytes).toBeGreaterThan(0);
    await p.delete!(c.id, c.outs!);
  });
});

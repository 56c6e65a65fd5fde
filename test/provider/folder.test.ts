/** FileSetFolder provider methods against the emulator (the loader does the syncing). */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomoFilesClient, ForbiddenError } from '../../client';
import type { EmulatorHandle } from '../../emulator';
import { fileSetFolderProvider as p, type FileSetFolderInputs, type FileSetFolderOutputs } from '../../provider/folder';
import { UNKNOWN } from '../../provider/inputs';
import { configOf, remotePaths, TOKEN, useEmulator } from './setup';
import { startBackend } from '../support/harness';

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
    const r = await p.check!(
      {} as FileSetFolderInputs,
      { fileSetId, source: join(fx.dir, 'nope'), maxDeletePercent: 150, include: 'x' } as unknown as FileSetFolderInputs,
    );
    expect(r.failures!.map((f) => f.property).sort()).toEqual(['include', 'maxDeletePercent']);
    const r2 = await p.check!({} as FileSetFolderInputs, { fileSetId, source: join(fx.dir, 'nope') });
    expect(r2.failures).toEqual([{ property: 'source', reason: expect.stringMatching(/is not a directory/) }]);
    const r3 = await p.check!({} as FileSetFolderInputs, { fileSetId, source: src, directoryPath: 'a/../b' });
    expect(r3.failures!.map((f) => f.property)).toEqual(['directoryPath']);
  });
  it('reports the conflicts the program found (hidden overlaps input) and keeps them out of the inputs', async () => {
    const reason =
      "FileSetFile 'about' (path 'handbook/about.md') is inside FileSetFolder 'handbook' (prefix 'handbook') and would be pruned by it; exclude it in the folder (exclude: ['about.md']) or move it";
    const r = await p.check!({} as FileSetFolderInputs, { fileSetId, source: src, directoryPath: 'handbook', overlaps: [reason] } as FileSetFolderInputs);
    expect(r.failures).toEqual([{ property: 'directoryPath', reason }]);
    for (const overlaps of [[], UNKNOWN]) {
      const ok = await checked({ fileSetId, source: src, directoryPath: 'handbook', overlaps } as Partial<FileSetFolderInputs>);
      expect(ok).not.toHaveProperty('overlaps');
    }
  });
  it('checks contentTypes and spells the extensions lower-case', async () => {
    expect((await checked({ fileSetId, source: src, contentTypes: { '.MD': 'text/markdown' } })).contentTypes).toEqual({ '.md': 'text/markdown' });
    const bad = await p.check!({} as FileSetFolderInputs, { fileSetId, source: src, contentTypes: { md: 'text/markdown', '.txt': 'plain' } });
    expect(bad.failures!.map((f) => f.reason)).toEqual([expect.stringMatching(/'md' is not an extension/), expect.stringMatching(/\.txt.*media type/)]);
  });
  it('checks waitForIndex: a boolean or {timeoutSeconds > 0}', async () => {
    for (const ok of [true, false, { timeoutSeconds: 30 }, UNKNOWN])
      expect((await checked({ fileSetId, source: src, waitForIndex: ok } as Partial<FileSetFolderInputs>)).waitForIndex).toEqual(ok);
    for (const bad of ['yes', { timeoutSeconds: 0 }, { timeoutSeconds: '30' }, { timeout: 30 }, [30]]) {
      const r = await p.check!({} as FileSetFolderInputs, { fileSetId, source: src, waitForIndex: bad } as unknown as FileSetFolderInputs);
      expect(r.failures).toEqual([{ property: 'waitForIndex', reason: 'waitForIndex must be true, false or {timeoutSeconds: N} with N > 0' }]);
    }
  });
  it('tolerates unknown values in preview', async () => {
    expect((await checked({ fileSetId: UNKNOWN, source: src })).digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await checked({ fileSetId, source: UNKNOWN })).digest).toBe(UNKNOWN);
  });
});

describe('FileSetFolder diff (offline)', () => {
  const olds = {
    fileSetId: 'fs',
    source: 'docs',
    directoryPath: 'handbook',
    digest: 'd1',
    fileCount: 2,
    totalBytes: 10,
    __provider: 'old',
  } as unknown as FileSetFolderOutputs;
  it('no change for the same digest and defaults spelled out or not', async () => {
    expect(
      await p.diff!('fs/handbook', olds, {
        fileSetId: 'fs',
        source: 'docs',
        directoryPath: 'handbook',
        prune: true,
        digest: 'd1',
        __provider: 'new',
      } as FileSetFolderInputs),
    ).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });
  it('a digest change is an update; directoryPath or fileSetId replaces', async () => {
    expect(await p.diff!('x', olds, { fileSetId: 'fs', source: 'docs', directoryPath: 'handbook', digest: 'd2' })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect((await p.diff!('x', olds, { fileSetId: 'fs', source: 'docs', directoryPath: 'other', digest: 'd1' })).replaces).toEqual(['directoryPath']);
    expect((await p.diff!('x', olds, { fileSetId: 'fs2', source: 'docs', directoryPath: 'handbook', digest: 'd1' })).replaces).toEqual(['fileSetId']);
  });
  it('the old folder is deleted first exactly when the two prefixes overlap in one FileSet', async () => {
    const dbr = async (news: Partial<FileSetFolderInputs>): Promise<boolean | undefined> =>
      (await p.diff!('x', olds, { source: 'docs', digest: 'd1', ...news } as FileSetFolderInputs)).deleteBeforeReplace;
    expect(await dbr({ fileSetId: 'fs', directoryPath: 'handbook/v2' })).toBe(true);
    expect(await dbr({ fileSetId: 'fs', directoryPath: '' })).toBe(true);
    expect(await dbr({ fileSetId: 'fs', directoryPath: UNKNOWN })).toBe(true);
    expect(await dbr({ fileSetId: UNKNOWN, directoryPath: 'handbook' })).toBe(true);
    expect(await dbr({ fileSetId: 'fs', directoryPath: 'handbook2' })).toBe(false);
    expect(await dbr({ fileSetId: 'fs2', directoryPath: 'handbook' })).toBe(false);
    const fromRoot = { ...olds, directoryPath: '' } as FileSetFolderOutputs;
    expect((await p.diff!('x', fromRoot, { fileSetId: 'fs', source: 'docs', directoryPath: 'docs', digest: 'd1' })).deleteBeforeReplace).toBe(true);
  });
  it('the overlaps input never makes a diff', async () => {
    const news = { fileSetId: 'fs', source: 'docs', directoryPath: 'handbook', digest: 'd1', overlaps: ['x'] } as FileSetFolderInputs;
    expect((await p.diff!('x', olds, news)).changes).toBe(false);
  });
  it('waitForIndex alone is no change (it changes nothing in Domo)', async () => {
    expect((await p.diff!('x', olds, { fileSetId: 'fs', source: 'docs', directoryPath: 'handbook', digest: 'd1', waitForIndex: true })).changes).toBe(false);
  });
  it('a contentTypes change is an update', async () => {
    expect(
      (await p.diff!('x', olds, { fileSetId: 'fs', source: 'docs', directoryPath: 'handbook', digest: 'd1', contentTypes: { '.md': 'text/markdown' } }))
        .changes,
    ).toBe(true);
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

  it('declares the content types of contentTypes on upload', async () => {
    const other = (await fx.client.createFileSet({ name: 'unit-folder-types' })).id;
    const typed = join(fx.dir, 'typed');
    mkdirSync(typed, { recursive: true });
    writeFileSync(join(typed, 'notes.zzq'), 'plain words');
    writeFileSync(join(typed, 'other.zzr'), 'plain words');
    await p.create(await checked({ fileSetId: other, source: typed, contentTypes: { '.ZZQ': 'text/x-zzq' } }));
    expect((await fx.client.getFileByPath(other, 'notes.zzq')).contentType).toBe('text/x-zzq');
    expect((await fx.client.getFileByPath(other, 'other.zzr')).contentType).not.toBe('text/x-zzq');
  });

  it('a failure in the middle of a sync keeps the resource, marked to sync again', async () => {
    const other = (await fx.client.createFileSet({ name: 'unit-folder-partial' })).id;
    const inputs = await checked({ ...base(), fileSetId: other, __provider: 'code' } as Partial<FileSetFolderInputs>);
    const spy = jest
      .spyOn(DomoFilesClient.prototype, 'uploadFile')
      .mockRejectedValueOnce(Object.assign(new Error('500 Internal Server Error: POST upload'), { code: 'SERVER_ERROR' }));
    let err: (Error & { id?: string; properties?: Record<string, unknown> }) | undefined;
    try {
      err = await p.create(inputs).then(
        () => undefined,
        (e) => e,
      );
    } finally {
      spy.mockRestore();
    }
    expect(err?.message).toMatch(/syncing .* 500/);
    expect(err?.id).toBe(`${other}/handbook`);
    expect(err?.properties).toMatchObject({ fileSetId: other, directoryPath: 'handbook', digest: 'incomplete', __provider: 'code' });
  });

  it('403: refresh and delete fail naming the permission, never "gone"', async () => {
    const c = await p.create(await checked(base()));
    const denied = (): ForbiddenError => new ForbiddenError('403 Forbidden: GET /filesets/x (1 attempt)', { status: 403 });
    const get = jest.spyOn(DomoFilesClient.prototype, 'getFileSet').mockRejectedValue(denied());
    try {
      await expect(p.read!(c.id, c.outs!)).rejects.toThrow(/reading FileSet .*403.*needs READ on the FileSet/);
    } finally {
      get.mockRestore();
    }
    const list = jest.spyOn(DomoFilesClient.prototype, 'listFilePages').mockImplementation(async function* () {
      yield* [];
      throw denied();
    });
    try {
      await expect(p.delete!(c.id, c.outs!)).rejects.toThrow(/removing the files .*403.*needs EDIT on the FileSet/);
    } finally {
      list.mockRestore();
    }
    expect(await remotePaths(fx.client, fileSetId)).toContain('handbook/intro.md');
    await p.delete!(c.id, c.outs!);
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

describe('FileSetFolder waitForIndex', () => {
  it('waits until the uploaded files are indexed and reports the counts; without it the counts are null', async () => {
    const ai = (await fx.client.createFileSet({ name: 'unit-folder-ai', aiEnabled: true })).id;
    const waited = await p.create(
      await checked({
        fileSetId: ai,
        source: src,
        exclude: ['**/*.tmp'],
        directoryPath: 'kb',
        waitForIndex: { timeoutSeconds: 60 },
      } as Partial<FileSetFolderInputs>),
    );
    expect(waited.outs).toMatchObject({ indexCompleted: 2, indexPending: 0, indexFailed: 0, indexSkipped: 0 });
    expect(waited.outs).not.toHaveProperty('waitForIndex');
    for await (const f of fx.client.listFiles(ai, { filesOnly: true })) expect(f.indexStatus).toBe('COMPLETED');
    const plain = await p.create(await checked({ fileSetId: ai, source: src, exclude: ['**/*.tmp'], directoryPath: 'plain' }));
    expect(plain.outs).toMatchObject({ indexCompleted: null, indexPending: null, indexFailed: null, indexSkipped: null });
  });

  describe('on a server that indexes slowly', () => {
    let emu: EmulatorHandle;
    let client: DomoFilesClient;
    beforeAll(async () => {
      ({ emu, client } = await startBackend({ token: TOKEN, indexDelayMs: 3_600_000 }, { retry: { attempts: 1 } }));
      await p.configure!({ config: configOf({ 'domo:baseUrl': emu.url, 'domo:token': TOKEN }) });
    });
    afterAll(async () => {
      await p.configure!({ config: fx.config });
      await client.close();
      await emu.close();
    });

    it('a timeout keeps the synced folder (its real digest) and fails with the counts', async () => {
      const slow = (await client.createFileSet({ name: 'unit-folder-slow', aiEnabled: true })).id;
      const inputs = await checked({
        fileSetId: slow,
        source: src,
        exclude: ['**/*.tmp'],
        waitForIndex: { timeoutSeconds: 0.001 },
        __provider: 'code',
      } as Partial<FileSetFolderInputs>);
      const err = await p.create(inputs).then(
        () => undefined,
        (e: Error & { id?: string; properties?: Record<string, unknown> }) => e,
      );
      expect(err?.message).toMatch(
        /syncing .*: indexing did not finish within 0\.001 s \(0 completed, 2 pending, 0 skipped of 2 uploaded file\(s\)\); raise waitForIndex\.timeoutSeconds/,
      );
      expect(err?.id).toBe(`${slow}/`);
      expect(err?.properties).toMatchObject({ digest: inputs.digest, fileCount: 2, indexCompleted: 0, indexPending: 2, indexFailed: 0, __provider: 'code' });
      expect(await remotePaths(client, slow)).toEqual(['guide/setup.md', 'intro.md']);
    });
  });
});

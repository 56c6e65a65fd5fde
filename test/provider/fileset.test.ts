/** FileSet provider methods against the emulator: create/read/update/delete, drift, 404s, forceDestroy. */
import { DomoFilesClient, ForbiddenError } from '../../client';
import type { EmulatorHandle } from '../../emulator';
import { fileSetProvider as p, type FileSetInputs, type FileSetOutputs } from '../../provider/fileset';
import { UNKNOWN } from '../../provider/inputs';
import { configOf, remotePaths, TOKEN, useEmulator } from './setup';
import { startBackend } from '../support/harness';

const fx = useEmulator();

beforeAll(async () => {
  await p.configure!({ config: fx.config });
});

async function make(inputs: FileSetInputs): Promise<{ id: string; outs: FileSetOutputs }> {
  const checked = await p.check!({} as FileSetInputs, inputs);
  expect(checked.failures ?? []).toEqual([]);
  const r = await p.create(checked.inputs!);
  return { id: r.id, outs: r.outs! };
}

describe('FileSet check', () => {
  it('returns failures for bad inputs instead of throwing', async () => {
    const r = await p.check!({} as FileSetInputs, { name: '', aiEnabled: 'yes', connectorContext: { relativePath: 'x' } } as unknown as FileSetInputs);
    expect(r.failures!.map((f) => f.property).sort()).toEqual(['aiEnabled', 'connectorContext', 'name']);
  });
  it('accepts unknown values during preview', async () => {
    const r = await p.check!({} as FileSetInputs, { name: UNKNOWN, description: UNKNOWN } as FileSetInputs);
    expect(r.failures ?? []).toEqual([]);
  });
});

describe('FileSet diff (offline)', () => {
  const olds = {
    name: 'a',
    description: null,
    aiEnabled: true,
    connector: 'DOMO',
    accountId: null,
    connectorContext: null,
    forceDestroy: false,
    __provider: 'old code',
  } as unknown as FileSetOutputs;
  it('ignores __provider and absent optional inputs', async () => {
    const r = await p.diff!('id', olds, { name: 'a', __provider: 'new code' } as unknown as FileSetInputs);
    expect(r).toEqual({ changes: false, replaces: [] });
  });
  it('updates name, description and aiEnabled in place', async () => {
    for (const news of [{ name: 'b' }, { name: 'a', description: 'd' }, { name: 'a', aiEnabled: false }, { name: 'a', forceDestroy: true }]) {
      expect(await p.diff!('id', olds, news as FileSetInputs)).toEqual({ changes: true, replaces: [] });
    }
  });
  it('treats an empty description and the API null as the same', async () => {
    expect((await p.diff!('id', olds, { name: 'a', description: '' })).changes).toBe(false);
  });
  it('replaces on connector, accountId and connectorContext', async () => {
    expect((await p.diff!('id', olds, { name: 'a', connector: 'S3' })).replaces).toEqual(['connector']);
    expect((await p.diff!('id', olds, { name: 'a', accountId: 7 })).replaces).toEqual(['accountId']);
    expect((await p.diff!('id', olds, { name: 'a', connectorContext: { connector: 'S3' } })).replaces).toEqual(['connectorContext']);
  });
  it('counts an unknown value as a change', async () => {
    expect(await p.diff!('id', olds, { name: UNKNOWN })).toEqual({ changes: true, replaces: [] });
  });
  it('turning forceDestroy off reaches the state', async () => {
    expect((await p.diff!('id', { ...olds, forceDestroy: true }, { name: 'a' })).changes).toBe(true);
  });
});

describe('FileSet owner', () => {
  const refusedCreate =
    "owner 7 would move FileSet 'kb' away from this token's user (who owns a FileSet it creates), who may then lose access; set allowOwnerTransfer: true to allow it";

  it('check refuses an owner on a FileSet it creates unless allowOwnerTransfer; owner must be a user id', async () => {
    expect((await p.check!({} as FileSetInputs, { name: 'kb', owner: 7 })).failures).toEqual([{ property: 'owner', reason: refusedCreate }]);
    expect((await p.check!({} as FileSetInputs, { name: 'kb', owner: 7, allowOwnerTransfer: true })).failures).toBeUndefined();
    expect((await p.check!({} as FileSetInputs, { name: 'kb', owner: '7' } as unknown as FileSetInputs)).failures!.map((f) => f.property)).toEqual(['owner']);
    // An existing FileSet: its owner and permission are in the state, which diff sees.
    expect((await p.check!({ name: 'kb' }, { name: 'kb', owner: 7 })).failures).toBeUndefined();
  });

  it('diff refuses a transfer away from the owner while the token holds OWNER, unless allowOwnerTransfer', async () => {
    const olds = { name: 'kb', owner: 1, permission: 'OWNER' } as FileSetOutputs;
    await expect(p.diff!('id', olds, { name: 'kb', owner: 7 })).rejects.toThrow(
      "owner 7 would move FileSet 'kb' away from user 1, this token's user, who may then lose access; set allowOwnerTransfer: true to allow it",
    );
    expect(await p.diff!('id', olds, { name: 'kb', owner: 7, allowOwnerTransfer: true })).toEqual({ changes: true, replaces: [] });
    expect(await p.diff!('id', { ...olds, permission: 'EDIT' }, { name: 'kb', owner: 7 })).toEqual({ changes: true, replaces: [] });
    // State from before owner was an input holds the API's string.
    expect(await p.diff!('id', { ...olds, owner: '1' } as unknown as FileSetOutputs, { name: 'kb', owner: 1 })).toEqual({ changes: false, replaces: [] });
  });

  it("create with allowOwnerTransfer hands the new FileSet to its owner; outputs show owner and the token's permission", async () => {
    const { id, outs } = await make({ name: 'unit-fs-owned', owner: 7, allowOwnerTransfer: true });
    expect(outs).toMatchObject({ owner: 7, permission: 'EDIT' });
    expect(outs).not.toHaveProperty('allowOwnerTransfer');
    expect((await fx.client.getFileSet(id)).owner).toBe('7');
    expect((await p.read!(id, outs)).props).toMatchObject({ owner: 7 });
  });

  it('update applies the rule to the FileSet as it is now, before changing anything', async () => {
    const { id, outs } = await make({ name: 'unit-fs-stale' });
    const stale = { ...outs, owner: 5, permission: 'EDIT' };
    await expect(p.update!(id, stale, { name: 'unit-fs-renamed', owner: 7 })).rejects.toThrow(
      /updating FileSet .*: owner 7 would move FileSet 'unit-fs-stale' away from user 1, this token's user/,
    );
    expect(await fx.client.getFileSet(id)).toMatchObject({ name: 'unit-fs-stale', owner: '1' });
    const moved = await p.update!(id, outs, { name: 'unit-fs-renamed', owner: 7, allowOwnerTransfer: true });
    expect(moved.outs).toMatchObject({ name: 'unit-fs-renamed', owner: 7, permission: 'EDIT' });
  });
});

describe('FileSet lifecycle', () => {
  it('creates, reads, updates in place and deletes', async () => {
    const { id, outs } = await make({ name: 'unit-fs', description: 'first', aiEnabled: false });
    expect(outs).toMatchObject({ name: 'unit-fs', description: 'first', forceDestroy: false });
    expect((await fx.client.getFileSet(id)).name).toBe('unit-fs');

    const read = await p.read!(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ name: 'unit-fs', description: 'first' });

    const upd = await p.update!(id, outs, { name: 'unit-fs-2', description: 'second', aiEnabled: false });
    // Complete outputs, not just the changed fields.
    expect(upd.outs).toMatchObject({ name: 'unit-fs-2', description: 'second', forceDestroy: false });
    expect(Object.keys(upd.outs!).sort()).toEqual(Object.keys(outs).sort());
    expect((await fx.client.getFileSet(id)).description).toBe('second');

    await p.delete!(id, upd.outs!);
    await expect(fx.client.getFileSet(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a forceDestroy-only update sends nothing to Domo', async () => {
    const { id, outs } = await make({ name: 'unit-fs-force' });
    const before = fx.emu.stats().mutating;
    const upd = await p.update!(id, outs, { name: 'unit-fs-force', forceDestroy: true });
    expect(upd.outs).toMatchObject({ ...outs, forceDestroy: true });
    expect(fx.emu.stats().mutating).toBe(before);
    await p.delete!(id, upd.outs!);
  });

  it('refresh shows drift of name and description made outside Pulumi', async () => {
    const { id, outs } = await make({ name: 'unit-fs-drift', description: 'mine' });
    await fx.client.updateFileSet(id, { name: 'renamed-in-domo', description: 'edited' });
    const read = await p.read!(id, outs);
    expect(read.props).toMatchObject({ name: 'renamed-in-domo', description: 'edited' });
    expect(read.inputs).toMatchObject({ name: 'renamed-in-domo', description: 'edited' });
    const diff = await p.diff!(id, read.props!, { name: 'unit-fs-drift', description: 'mine' });
    expect(diff).toEqual({ changes: true, replaces: [] });
    await p.delete!(id, outs);
  });

  it('imports by id (Resource.get): read with no prior state', async () => {
    const { id } = await make({ name: 'unit-fs-import', description: 'adopt me' });
    const read = await p.read!(id, {} as FileSetOutputs);
    expect(read).toMatchObject({ id, props: { name: 'unit-fs-import', description: 'adopt me', forceDestroy: false }, inputs: { name: 'unit-fs-import' } });
    await p.delete!(id, read.props!);
  });

  it('404: read says gone, delete succeeds, update explains', async () => {
    const { id, outs } = await make({ name: 'unit-fs-gone' });
    await fx.client.deleteFileSet(id);
    expect(await p.read!(id, outs)).toEqual({});
    await expect(p.delete!(id, outs)).resolves.toBeUndefined();
    await expect(p.update!(id, outs, { name: 'x' })).rejects.toThrow(/no longer exists.*pulumi refresh/);
  });

  it('refuses to delete a FileSet that still holds files, unless forceDestroy', async () => {
    const { id, outs } = await make({ name: 'unit-fs-full' });
    await fx.client.uploadFile(id, { path: 'keep/me.txt', source: { content: 'data' } });
    await expect(p.delete!(id, outs)).rejects.toThrow(/refusing to delete FileSet "unit-fs-full".*keep\/me\.txt.*forceDestroy: true/);
    expect(await remotePaths(fx.client, id)).toEqual(['keep/me.txt']);
    await p.delete!(id, { ...outs, forceDestroy: true });
    await expect(fx.client.getFileSet(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  describe('on a server that refuses to delete a FileSet holding files (409)', () => {
    let emu: EmulatorHandle;
    let client: DomoFilesClient;
    beforeAll(async () => {
      ({ emu, client } = await startBackend({ token: TOKEN, readings: { cascadeDelete: false } }, { retry: { attempts: 1 } }));
      await p.configure!({ config: configOf({ 'domo:baseUrl': emu.url, 'domo:token': TOKEN }) });
    });
    afterAll(async () => {
      await p.configure!({ config: fx.config });
      await client.close();
      await emu.close();
    });

    it('forceDestroy empties it file by file, then deletes it', async () => {
      const { id, outs } = await make({ name: 'unit-fs-nocascade', forceDestroy: true });
      for (const path of ['a.txt', 'dir/b.txt', 'dir/sub/c.txt']) await client.uploadFile(id, { path, source: { content: path } });
      await expect(client.deleteFileSet(id)).rejects.toMatchObject({ code: 'CONFLICT' });
      await p.delete!(id, outs);
      await expect(client.getFileSet(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('without forceDestroy, directories left empty do not block the delete; files do', async () => {
      const { id, outs } = await make({ name: 'unit-fs-dirs' });
      await client.uploadFile(id, { path: 'dir/sub/c.txt', source: { content: 'c' } });
      await expect(p.delete!(id, outs)).rejects.toThrow(/refusing to delete FileSet "unit-fs-dirs".*dir\/sub\/c\.txt/);
      await client.deleteFileByPath(id, 'dir/sub/c.txt');
      const left: string[] = [];
      for await (const e of client.listFiles(id)) left.push(`${e.isDirectory ? 'dir' : 'file'} ${e.path}`);
      expect(left.sort()).toEqual(['dir dir', 'dir dir/sub']);
      await p.delete!(id, outs);
      await expect(client.getFileSet(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  it('403: refresh and delete fail naming the permission and keep the FileSet', async () => {
    const { id, outs } = await make({ name: 'unit-fs-403' });
    const denied = new ForbiddenError(`403 Forbidden: GET /filesets/${id} (1 attempt)`, { status: 403 });
    const get = jest.spyOn(DomoFilesClient.prototype, 'getFileSet').mockRejectedValue(denied);
    const del = jest.spyOn(DomoFilesClient.prototype, 'deleteFileSet').mockRejectedValue(denied);
    try {
      await expect(p.read!(id, outs)).rejects.toThrow(/reading FileSet .*403.*needs READ on the FileSet/);
      await expect(p.delete!(id, outs)).rejects.toThrow(/deleting FileSet .*403.*needs OWNER on the FileSet/);
    } finally {
      get.mockRestore();
      del.mockRestore();
    }
    expect((await fx.client.getFileSet(id)).id).toBe(id);
    await p.delete!(id, outs);
  });

  it('create is transactional: a failure after the FileSet exists deletes it', async () => {
    const spy = jest
      .spyOn(DomoFilesClient.prototype, 'getFileSet')
      .mockRejectedValueOnce(Object.assign(new Error('500 Internal Server Error: GET boom'), { code: 'SERVER_ERROR' }));
    try {
      await expect(p.create({ name: 'unit-fs-rollback' })).rejects.toThrow(/rolled back/);
    } finally {
      spy.mockRestore();
    }
    expect(await fx.client.findFileSetsByName('unit-fs-rollback')).toEqual([]);
  });

  it('create whose rollback fails too reports the id so the engine keeps tracking the FileSet', async () => {
    const fail = (): Promise<never> => Promise.reject(Object.assign(new Error('500 Internal Server Error'), { code: 'SERVER_ERROR' }));
    const get = jest.spyOn(DomoFilesClient.prototype, 'getFileSet').mockImplementationOnce(fail);
    const del = jest.spyOn(DomoFilesClient.prototype, 'deleteFileSet').mockImplementationOnce(fail);
    let err: (Error & { id?: string; properties?: Record<string, unknown> }) | undefined;
    try {
      err = await p.create({ name: 'unit-fs-stuck', __provider: 'code' } as FileSetInputs).then(
        () => undefined,
        (e) => e,
      );
    } finally {
      get.mockRestore();
      del.mockRestore();
    }
    const [stuck] = await fx.client.findFileSetsByName('unit-fs-stuck');
    expect(err?.message).toMatch(/rolling back .* failed too/);
    expect(err?.id).toBe(stuck.id);
    expect(err?.properties).toMatchObject({ name: 'unit-fs-stuck', __provider: 'code' });
    await fx.client.deleteFileSet(stuck.id);
  });

  it('without configuration or environment it fails with a hint and no token', async () => {
    const { clearCredentials }: typeof import('../../provider/runtime') = require('../../provider/runtime');
    clearCredentials();
    try {
      await expect(p.read!('x', {} as FileSetOutputs)).rejects.toThrow(/pulumi config set --secret domo:token/);
    } finally {
      await p.configure!({ config: fx.config });
    }
  });
});

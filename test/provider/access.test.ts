/** FileSetAccess provider methods: input checks, the per-grant diff, and reconciling against the emulator's grants. */
import type { AccessEntry } from '../../client';
import { fileSetAccessProvider as p, type FileSetAccessInputs, type FileSetAccessOutputs } from '../../provider/access';
import { UNKNOWN } from '../../provider/inputs';
import { configOf, useEmulator } from './setup';

const READER = 'access-reader-token';
const fx = useEmulator({ users: [{ token: READER, userId: 7, groups: [70] }] });

beforeAll(async () => {
  await p.configure!({ config: fx.config });
});

/** The FileSet's access list as the emulator answers it, in one order. */
async function accessList(fileSetId: string): Promise<string[]> {
  const { fileSetAccess } = await fx.client.getAccess(fileSetId);
  return fileSetAccess.map((e: AccessEntry) => `${e.entityType} ${e.entityId} ${e.permission}`).sort();
}

async function checked(news: unknown): Promise<FileSetAccessInputs> {
  const r = await p.check!({} as FileSetAccessInputs, news as FileSetAccessInputs);
  expect(r.failures ?? []).toEqual([]);
  return r.inputs!;
}

describe('FileSetAccess check', () => {
  it('names every bad grant: principal, id, permission, duplicates, unknown keys', async () => {
    const r = await p.check!(
      {} as FileSetAccessInputs,
      {
        fileSetId: 'fs',
        grants: [
          { user: 7, group: 70, permission: 'READ' },
          { permission: 'READ' },
          { user: 0, permission: 'READ' },
          { group: 1.5, permission: 'EDIT' },
          { user: 8, permission: 'NONE' },
          { user: 9, permission: 'READ' },
          { user: 9, permission: 'EDIT' },
          { user: 10, permission: 'READ', role: 'x' },
          'user 11',
        ],
      } as unknown as FileSetAccessInputs,
    );
    expect(r.failures!.map((f) => f.reason)).toEqual([
      'grants[0] must name exactly one of user or group',
      'grants[1] must name exactly one of user or group',
      'grants[2].user must be a positive whole number (an id), got 0',
      'grants[3].group must be a positive whole number (an id), got 1.5',
      'grants[4].permission must be one of READ, EDIT, OWNER, got "NONE"',
      'user 9 is listed twice (grants[5] and grants[6]); give each user or group one permission',
      "grants[7] has an unknown key 'role' (expected user or group, and permission)",
      'grants[8] must be an object {user: ID | group: ID, permission}',
    ]);
    expect(new Set(r.failures!.map((f) => f.property))).toEqual(new Set(['grants']));
    const missing = await p.check!({} as FileSetAccessInputs, { fileSetId: '' } as FileSetAccessInputs);
    expect(missing.failures!.map((f) => f.property).sort()).toEqual(['fileSetId', 'grants']);
  });

  it("keeps grants in one order (users, then groups, by id); unknowns pass; the program's conflicts fail", async () => {
    const a = await checked({
      fileSetId: 'fs',
      grants: [
        { group: 70, permission: 'EDIT' },
        { user: 9, permission: 'READ' },
        { user: 7, permission: 'OWNER' },
      ],
    });
    expect(a.grants).toEqual([
      { user: 7, permission: 'OWNER' },
      { user: 9, permission: 'READ' },
      { group: 70, permission: 'EDIT' },
    ]);
    expect(await checked({ fileSetId: UNKNOWN, grants: [{ user: UNKNOWN, permission: 'READ' }] })).toMatchObject({ fileSetId: UNKNOWN });
    const reason =
      "FileSetAccess 'a' and FileSetAccess 'b' both manage the grants of FileSet fs; each would revoke what the other grants, so keep one FileSetAccess per FileSet";
    const dup = await p.check!({} as FileSetAccessInputs, { fileSetId: 'fs', grants: [], overlaps: [reason] } as unknown as FileSetAccessInputs);
    expect(dup.failures).toEqual([{ property: 'fileSetId', reason }]);
    expect(dup.inputs).not.toHaveProperty('overlaps');
  });
});

describe('FileSetAccess diff (offline)', () => {
  const olds = {
    fileSetId: 'fs',
    owner: 1,
    grants: [
      { user: 7, permission: 'READ' },
      { group: 70, permission: 'EDIT' },
    ],
    __provider: 'old',
  } as unknown as FileSetAccessOutputs;
  const diff = (grants: unknown[], fileSetId = 'fs'): Promise<unknown> =>
    p.diff!('fs', olds, { fileSetId, grants, __provider: 'new' } as unknown as FileSetAccessInputs);

  it('a reordered list, or one that also names the owner, is no change', async () => {
    expect(
      await diff([
        { group: 70, permission: 'EDIT' },
        { user: 7, permission: 'READ' },
      ]),
    ).toEqual({ changes: false, replaces: [] });
    expect(
      await diff([
        { user: 1, permission: 'OWNER' },
        { group: 70, permission: 'EDIT' },
        { user: 7, permission: 'READ' },
      ]),
    ).toEqual({ changes: false, replaces: [] });
  });

  it('a grant added, changed or dropped is a change; another FileSet replaces; unknown grants are a change', async () => {
    expect(
      await diff([
        { user: 7, permission: 'READ' },
        { group: 70, permission: 'EDIT' },
        { user: 8, permission: 'READ' },
      ]),
    ).toEqual({ changes: true, replaces: [] });
    expect(
      await diff([
        { user: 7, permission: 'EDIT' },
        { group: 70, permission: 'EDIT' },
      ]),
    ).toEqual({ changes: true, replaces: [] });
    expect(await diff([{ user: 7, permission: 'READ' }])).toEqual({ changes: true, replaces: [] });
    expect(
      await diff(
        [
          { user: 7, permission: 'READ' },
          { group: 70, permission: 'EDIT' },
        ],
        'other',
      ),
    ).toEqual({ changes: true, replaces: ['fileSetId'] });
    expect(await p.diff!('fs', olds, { fileSetId: 'fs', grants: UNKNOWN } as unknown as FileSetAccessInputs)).toEqual({ changes: true, replaces: [] });
  });
});

describe('FileSetAccess against the emulator', () => {
  let fileSetId: string;

  beforeAll(async () => {
    fileSetId = (await fx.client.createFileSet({ name: 'unit-access' })).id;
  });

  it("create makes the grants exactly the declared ones (revoking others, never the owner's); refresh shows drift; delete revokes", async () => {
    await fx.client.updateAccess(fileSetId, [{ entityType: 'USER', entityId: 9, permission: 'EDIT' }]);
    const inputs = await checked({
      fileSetId,
      grants: [
        { group: 70, permission: 'EDIT' },
        { user: 7, permission: 'READ' },
      ],
    });
    const created = await p.create(inputs);
    expect(created.id).toBe(fileSetId);
    expect(created.outs).toEqual({
      fileSetId,
      owner: 1,
      grants: [
        { user: 7, permission: 'READ' },
        { group: 70, permission: 'EDIT' },
      ],
    });
    expect(await accessList(fileSetId)).toEqual(['GROUP 70 EDIT', 'USER 1 OWNER', 'USER 7 READ']);

    const updated = await p.update!(
      fileSetId,
      created.outs!,
      await checked({
        fileSetId,
        grants: [
          { user: 7, permission: 'EDIT' },
          { user: 8, permission: 'READ' },
        ],
      }),
    );
    expect(updated.outs!.grants).toEqual([
      { user: 7, permission: 'EDIT' },
      { user: 8, permission: 'READ' },
    ]);
    expect(await accessList(fileSetId)).toEqual(['USER 1 OWNER', 'USER 7 EDIT', 'USER 8 READ']);

    await fx.client.updateAccess(fileSetId, [{ entityType: 'GROUP', entityId: 80, permission: 'READ' }]);
    const read = await p.read!(fileSetId, updated.outs!);
    expect(read).toEqual({
      id: fileSetId,
      props: {
        fileSetId,
        owner: 1,
        grants: [
          { user: 7, permission: 'EDIT' },
          { user: 8, permission: 'READ' },
          { group: 80, permission: 'READ' },
        ],
      },
    });
    expect((await p.diff!(fileSetId, read.props!, updated.outs as unknown as FileSetAccessInputs)).changes).toBe(true);

    // A grant made after the refresh is not this resource's: delete leaves it.
    await fx.client.updateAccess(fileSetId, [{ entityType: 'USER', entityId: 12, permission: 'READ' }]);
    await p.delete!(fileSetId, read.props!);
    expect(await accessList(fileSetId)).toEqual(['USER 1 OWNER', 'USER 12 READ']);
  });

  it('import reads the grants as inputs; a FileSet that is gone reads as gone and deletes as done', async () => {
    const imported = await p.read!(fileSetId, undefined);
    expect(imported).toEqual({
      id: fileSetId,
      props: { fileSetId, owner: 1, grants: [{ user: 12, permission: 'READ' }] },
      inputs: { fileSetId, grants: [{ user: 12, permission: 'READ' }] },
    });
    const gone = (await fx.client.createFileSet({ name: 'unit-access-gone' })).id;
    await fx.client.deleteFileSet(gone);
    expect(await p.read!(gone, { fileSetId: gone, grants: [], owner: 1 })).toEqual({});
    await expect(p.delete!(gone, { fileSetId: gone, grants: [{ user: 7, permission: 'READ' }], owner: 1 })).resolves.toBeUndefined();
    await expect(p.create(await checked({ fileSetId: gone, grants: [] }))).rejects.toThrow(/setting the access of FileSet .*: the FileSet does not exist/);
  });

  it('a token with only READ cannot change the grants: a 403 naming OWNER, nothing changed', async () => {
    await fx.client.updateAccess(fileSetId, [{ entityType: 'USER', entityId: 7, permission: 'READ' }]);
    const before = await accessList(fileSetId);
    await p.configure!({ config: configOf({ 'domo:baseUrl': fx.emu.url, 'domo:token': READER }) });
    try {
      const err = await p.create(await checked({ fileSetId, grants: [{ user: 8, permission: 'EDIT' }] })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/setting the access of FileSet .*403.*it needs OWNER on the FileSet/);
      expect(err?.message).not.toContain(READER);
    } finally {
      await p.configure!({ config: fx.config });
    }
    expect(await accessList(fileSetId)).toEqual(before);
  });

  it("the owner listed with another permission is left as it is (ownership is FileSet.owner's business)", async () => {
    const other = (await fx.client.createFileSet({ name: 'unit-access-owner' })).id;
    const r = await p.create(
      await checked({
        fileSetId: other,
        grants: [
          { user: 1, permission: 'READ' },
          { user: 7, permission: 'READ' },
        ],
      }),
    );
    expect(r.outs!.grants).toEqual([{ user: 7, permission: 'READ' }]);
    expect(await accessList(other)).toEqual(['USER 1 OWNER', 'USER 7 READ']);
    // The owner's entry never counts as drift, whatever the program says about it.
    expect(
      (
        await p.diff!(other, r.outs!, {
          fileSetId: other,
          grants: [
            { user: 1, permission: 'READ' },
            { user: 7, permission: 'READ' },
          ],
        })
      ).changes,
    ).toBe(false);
  });
});

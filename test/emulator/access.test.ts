/** Users, groups and per-FileSet grants: who sees and may change what, on every route. */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
import { OPERATION_IDS } from '../../emulator/router';
import { API, startEmu, TOKEN, type Emu } from './helpers';

const READER = 'reader-token';
const OTHER = 'other-token';

let emu: Emu;
beforeEach(async () => {
  // TOKEN (and any unlisted token) is user 1; READER is user 2 in group 42; OTHER is user 3.
  emu = await startEmu({
    token: undefined,
    users: [
      { token: READER, userId: 2, groups: [42] },
      { token: OTHER, userId: 3 },
    ],
  });
});
afterEach(() => emu.close());

const as = (token: string) => ({ 'X-DOMO-Developer-Token': token });
const grant = (fsId: string, entityId: number, permission: string, entityType = 'USER') =>
  emu.req('POST', `${API}/filesets/${fsId}/access`, { fileSetAccess: [{ entityId, entityType, permission }] });

describe('users', () => {
  it('makes the caller the owner of what it creates; an unlisted token is user 1', async () => {
    const mine = await emu.createFileSet('mine');
    expect(mine).toMatchObject({ createdBy: 1, updatedBy: 1, owner: '1', permission: 'OWNER' });
    const theirs = (await emu.req('POST', `${API}/filesets`, { name: 'theirs' }, as(OTHER))).body;
    expect(theirs).toMatchObject({ createdBy: 3, owner: '3', permission: 'OWNER' });
    const file = (
      await emu.req(
        'POST',
        `${API}/filesets/${theirs.id}/files`,
        (() => {
          const f = new FormData();
          f.append('file', new Blob(['x']), 'x.txt');
          return f;
        })(),
        as(OTHER),
      )
    ).body;
    expect(file.createdBy).toBe(3);
    expect((await emu.req('GET', `${API}/filesets/${mine.id}`, undefined, as('any-other-token'))).body.permission).toBe('OWNER');
  });

  it('with a required token, accepts only it (as user 1) and the listed tokens', async () => {
    const strict = await startEmu({ token: 'main', users: [{ token: READER, userId: 2 }] });
    try {
      const ok = await fetch(`${strict.url}${API}/filesets/search`, { method: 'POST', body: '{}', headers: as('main') });
      expect(ok.status).toBe(200);
      expect((await fetch(`${strict.url}${API}/filesets/search`, { method: 'POST', body: '{}', headers: as(READER) })).status).toBe(200);
      expect((await fetch(`${strict.url}${API}/filesets/search`, { method: 'POST', body: '{}', headers: as('stranger') })).status).toBe(401);
    } finally {
      await strict.close();
    }
  });

  it('validates the users option', async () => {
    await expect(startEmu({ users: [{ token: '', userId: 2 }] })).rejects.toThrow('users[0].token must be a non-empty string');
    await expect(startEmu({ users: [{ token: 'a', userId: 0 }] })).rejects.toThrow('users[0].userId must be an integer >= 1');
    await expect(
      startEmu({
        users: [
          { token: 'a', userId: 2 },
          { token: 'a', userId: 3 },
        ],
      }),
    ).rejects.toThrow('users[1]: the same token is listed twice');
    await expect(startEmu({ users: [{ token: 'a', userId: 2, groups: [1.5] }] })).rejects.toThrow('users[0].groups');
  });
});

describe('visibility', () => {
  it('hides a FileSet without a grant from search and answers 403 elsewhere; a grant shows it with the caller’s permission', async () => {
    const fs = await emu.createFileSet('private');
    const search = (token: string) =>
      emu.req('POST', `${API}/filesets/search`, {}, as(token)).then((r) => r.body.fileSets.map((f: any) => [f.id, f.permission]));
    expect(await search(READER)).toEqual([]);
    const denied = await emu.req('GET', `${API}/filesets/${fs.id}`, undefined, as(READER));
    expect([denied.status, denied.body.message]).toEqual([403, `User 2 has no access to FileSet ${fs.id}; getFileSet needs READ`]);
    await grant(fs.id, 42, 'READ', 'GROUP');
    expect(await search(READER)).toEqual([[fs.id, 'READ']]);
    expect(await search(OTHER)).toEqual([]);
    await grant(fs.id, 2, 'EDIT');
    // The strongest of the user's own and its groups' grants applies.
    expect(await search(READER)).toEqual([[fs.id, 'EDIT']]);
    expect(await search(TOKEN)).toEqual([[fs.id, 'OWNER']]);
  });
});

/** One request per route that names a FileSet; statuses other than 403 mean the permission check passed. */
const ROUTES: Record<string, { needs: string; send: (fsId: string, fileId: string, token: string) => Promise<{ status: number }> }> = {
  getFileSet: { needs: 'READ', send: (fs, _f, t) => emu.req('GET', `${API}/filesets/${fs}`, undefined, as(t)) },
  updateFileSet: { needs: 'EDIT', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}`, { description: 'd' }, as(t)) },
  deleteFileSet: { needs: 'OWNER', send: (fs, _f, t) => emu.req('DELETE', `${API}/filesets/${fs}`, undefined, as(t)) },
  getAccess: { needs: 'READ', send: (fs, _f, t) => emu.req('GET', `${API}/filesets/${fs}/access`, undefined, as(t)) },
  updateAccess: { needs: 'OWNER', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}/access`, { fileSetAccess: [] }, as(t)) },
  updateOwnership: { needs: 'OWNER', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}/ownership`, { userId: 1 }, as(t)) },
  getFileSetStats: { needs: 'READ', send: (fs, _f, t) => emu.req('GET', `${API}/filesets/${fs}/stats`, undefined, as(t)) },
  createFile: {
    needs: 'EDIT',
    send: (fs, _f, t) => {
      const fd = new FormData();
      fd.append('file', new Blob(['n']), 'new.txt');
      return emu.req('POST', `${API}/filesets/${fs}/files`, fd, as(t));
    },
  },
  listFilesForFileset: { needs: 'READ', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}/files/search`, {}, as(t)) },
  reindexFileSetFiles: { needs: 'EDIT', send: (fs, f, t) => emu.req('POST', `${API}/filesets/${fs}/files/reindex`, { fileIds: [f] }, as(t)) },
  initiateSplitFileUpload: { needs: 'EDIT', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}/files/multipart`, { path: 's.bin' }, as(t)) },
  uploadSplitFilePart: { needs: 'EDIT', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}/files/multipart/none/part/1`, new FormData(), as(t)) },
  finalizeSplitFileUpload: { needs: 'EDIT', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}/files/multipart/none/finalize`, undefined, as(t)) },
  abortSplitFileUpload: { needs: 'EDIT', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}/files/multipart/none/abort`, undefined, as(t)) },
  getFile: { needs: 'READ', send: (fs, f, t) => emu.req('GET', `${API}/filesets/${fs}/files/${f}`, undefined, as(t)) },
  deleteFile: { needs: 'EDIT', send: (fs, f, t) => emu.req('DELETE', `${API}/filesets/${fs}/files/${f}`, undefined, as(t)) },
  download: { needs: 'READ', send: (fs, f, t) => emu.req('GET', `${API}/filesets/${fs}/files/${f}/download`, undefined, as(t)) },
  getFileByPath: { needs: 'READ', send: (fs, _f, t) => emu.req('GET', `${API}/filesets/${fs}/path?path=f.txt`, undefined, as(t)) },
  deleteFileByPath: { needs: 'EDIT', send: (fs, _f, t) => emu.req('DELETE', `${API}/filesets/${fs}/path?path=f.txt`, undefined, as(t)) },
  downloadByPath: { needs: 'READ', send: (fs, _f, t) => emu.req('GET', `${API}/filesets/${fs}/path/download?path=f.txt`, undefined, as(t)) },
  queryFileSet: { needs: 'READ', send: (fs, _f, t) => emu.req('POST', `${API}/filesets/${fs}/query`, { query: 'x' }, as(t)) },
};
const LEVELS = ['NONE', 'READ', 'EDIT', 'OWNER'];

describe('permissions on every route', () => {
  it('covers every operation that names a FileSet', () => {
    const unscoped = ['createFileSet', 'listFileSets', 'getFileContent'];
    expect(Object.keys(ROUTES).sort()).toEqual(OPERATION_IDS.filter((op) => !unscoped.includes(op)).sort());
  });

  it.each(Object.entries(ROUTES))('%s: answers 403 below its permission, and passes the check at it and above', async (_op, route) => {
    for (const level of LEVELS) {
      const fs = await emu.createFileSet();
      const file = (await emu.upload(fs.id, '', 'f.txt', 'x')).body;
      if (level !== 'NONE') expect((await grant(fs.id, 2, level)).status).toBe(200);
      const r = await route.send(fs.id, file.id, READER);
      const allowed = LEVELS.indexOf(level) >= LEVELS.indexOf(route.needs);
      expect([level, r.status === 403]).toEqual([level, !allowed]);
    }
  });

  it('leaves everything as it was when a READ user tries to change it', async () => {
    const fs = await emu.createFileSet('ro', { description: 'same' });
    await emu.upload(fs.id, 'd', 'f.txt', 'x');
    await grant(fs.id, 42, 'READ', 'GROUP');
    const fd = new FormData();
    fd.append('file', new Blob(['y']), 'g.txt');
    for (const r of [
      await emu.req('POST', `${API}/filesets/${fs.id}/files`, fd, as(READER)),
      await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=d`, undefined, as(READER)),
      await emu.req('POST', `${API}/filesets/${fs.id}`, { description: 'changed' }, as(READER)),
    ])
      expect(r.status).toBe(403);
    expect((await emu.listAll(fs.id, '')).map((f) => f.path)).toEqual(['d', 'd/f.txt']);
    expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).body.description).toBe('same');
  });
});

describe('access and ownership', () => {
  it('changes only the grants sent, revokes with NONE, takes the older key indexAccess, and lists the owner first', async () => {
    const fs = await emu.createFileSet();
    const first = await emu.req('POST', `${API}/filesets/${fs.id}/access`, {
      fileSetAccess: [
        { entityId: 42, entityType: 'GROUP', permission: 'READ' },
        { entityId: 3, entityType: 'USER', permission: 'EDIT' },
      ],
    });
    expect(first.body).toEqual({
      fileSetId: fs.id,
      fileSetAccess: [
        { entityId: 1, entityType: 'USER', permission: 'OWNER' },
        { entityId: 42, entityType: 'GROUP', permission: 'READ' },
        { entityId: 3, entityType: 'USER', permission: 'EDIT' },
      ],
    });
    const older = await emu.req('POST', `${API}/filesets/${fs.id}/access`, {
      indexAccess: [
        { entityId: 3, entityType: 'USER', permission: 'NONE' },
        { entityId: 42, entityType: 'GROUP', permission: 'EDIT' },
      ],
    });
    expect(older.body.fileSetAccess).toEqual([
      { entityId: 1, entityType: 'USER', permission: 'OWNER' },
      { entityId: 42, entityType: 'GROUP', permission: 'EDIT' },
    ]);
    expect((await emu.req('GET', `${API}/filesets/${fs.id}/access`)).body).toEqual(older.body);
  });

  it('refuses malformed grants and a change to the owner’s own permission with 400', async () => {
    const fs = await emu.createFileSet();
    for (const body of [
      {},
      { fileSetAccess: [{ entityId: 2, entityType: 'ROLE', permission: 'READ' }] },
      { fileSetAccess: [{ entityId: 2, entityType: 'USER', permission: 'ADMIN' }] },
      { fileSetAccess: [{ entityId: -1, entityType: 'USER', permission: 'READ' }] },
      { fileSetAccess: [{ entityId: 1, entityType: 'USER', permission: 'READ' }] },
    ]) {
      expect((await emu.req('POST', `${API}/filesets/${fs.id}/access`, body)).status).toBe(400);
    }
    expect((await emu.req('GET', `${API}/filesets/${fs.id}/access`)).body.fileSetAccess).toEqual([{ entityId: 1, entityType: 'USER', permission: 'OWNER' }]);
  });

  it('transfers ownership to one new owner; the previous owner keeps EDIT and can no longer delete the FileSet', async () => {
    const fs = await emu.createFileSet();
    await grant(fs.id, 2, 'READ');
    const moved = await emu.req('POST', `${API}/filesets/${fs.id}/ownership`, { userId: 2 });
    expect(moved.body).toEqual({
      fileSetId: fs.id,
      fileSetAccess: [
        { entityId: 2, entityType: 'USER', permission: 'OWNER' },
        { entityId: 1, entityType: 'USER', permission: 'EDIT' },
      ],
    });
    expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).body).toMatchObject({ owner: '2', permission: 'EDIT' });
    expect((await emu.req('POST', `${API}/filesets/${fs.id}/ownership`, { userId: 1 })).status).toBe(403);
    expect((await emu.req('DELETE', `${API}/filesets/${fs.id}`)).status).toBe(403);
    expect((await emu.req('POST', `${API}/filesets/${fs.id}/ownership`, { userId: 'x' }, as(READER))).status).toBe(400);
    expect((await emu.req('DELETE', `${API}/filesets/${fs.id}`, undefined, as(READER))).status).toBe(200);
  });
});

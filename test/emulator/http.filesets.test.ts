/** FileSet endpoints over HTTP with plain fetch: create/get/update/delete/search, auth and error bodies. */
import { startEmulator } from '../../emulator';
import { API, startEmu, TOKEN, type Emu } from './helpers';

let emu: Emu;
beforeEach(async () => {
  emu = await startEmu();
});
afterEach(() => emu.close());

const ERROR_BODY = { status: expect.any(Number), statusReason: expect.any(String), message: expect.any(String), toe: expect.stringMatching(/^[A-Z0-9]{8,}$/) };

describe('auth', () => {
  it('answers 401 with Domo’s error body for a missing or wrong token', async () => {
    const missing = await fetch(`${emu.url}${API}/filesets/search`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ ...ERROR_BODY, status: 401, statusReason: 'Unauthorized' });
    const wrong = await fetch(`${emu.url}${API}/filesets/search`, { method: 'POST', body: '{}', headers: { 'X-DOMO-Developer-Token': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { status: number }).status).toBe(401);
  });

  it('accepts any non-empty token when started without one', async () => {
    const e = await startEmulator();
    try {
      const ok = await fetch(`${e.url}${API}/filesets/search`, { method: 'POST', body: '{}', headers: { 'X-DOMO-Developer-Token': 'anything' } });
      expect(ok.status).toBe(200);
      const none = await fetch(`${e.url}${API}/filesets/search`, { method: 'POST', body: '{}' });
      expect(none.status).toBe(401);
    } finally {
      await e.close();
    }
  });

  it('needs no token on /_emulator routes', async () => {
    const r = await fetch(`${emu.url}/_emulator/stats`);
    expect(r.status).toBe(200);
  });

  it('answers operations it does not emulate with 501, unknown methods with 405, other paths with 404, each with the error body', async () => {
    for (const path of [`${API}/nothing`, `${API}/filesets/x/unknown`, '/api/data/v1/datasets']) {
      const r = await emu.req('GET', path);
      expect(r.status).toBe(501);
      expect(r.body).toEqual({ ...ERROR_BODY, status: 501, statusReason: 'Not Implemented' });
    }
    const outside = await emu.req('GET', '/nothing');
    expect(outside.status).toBe(404);
    expect(outside.body).toEqual({ ...ERROR_BODY, status: 404 });
    const m = await emu.req('PUT', `${API}/filesets/x`);
    expect(m.status).toBe(405);
    expect(m.body.status).toBe(405);
  });
});

describe('FileSet CRUD', () => {
  it('creates (201) with every documented field, gets, updates only given fields, deletes (200 + status body)', async () => {
    const created = await emu.req('POST', `${API}/filesets`, { name: 'Docs', description: 'd', aiEnabled: true });
    expect(created.status).toBe(201);
    const fs = created.body;
    for (const k of [
      'id',
      'name',
      'description',
      'aiEnabled',
      'indexStatus',
      'batchType',
      'connector',
      'created',
      'createdBy',
      'updated',
      'updatedBy',
      'owner',
      'accountId',
      'connectorContext',
      'permission',
      'size',
      'fileCount',
    ]) {
      expect(fs).toHaveProperty(k);
    }
    expect(fs).toMatchObject({ name: 'Docs', description: 'd', aiEnabled: true, connector: 'DOMO', permission: 'OWNER', size: 0, fileCount: 0 });
    expect(typeof fs.owner).toBe('string');
    expect(typeof fs.createdBy).toBe('number');

    const got = await emu.req('GET', `${API}/filesets/${fs.id}`);
    expect(got.body).toEqual(fs);

    const upd = await emu.req('POST', `${API}/filesets/${fs.id}`, { description: 'new', name: null });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({ name: 'Docs', description: 'new', aiEnabled: true });

    const del = await emu.req('DELETE', `${API}/filesets/${fs.id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ status: 'success', message: expect.any(String) });
    expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).status).toBe(404);
    expect((await emu.req('DELETE', `${API}/filesets/${fs.id}`)).status).toBe(404);
  });

  it('keeps size and fileCount current', async () => {
    const fs = await emu.createFileSet('counted');
    await emu.upload(fs.id, 'a', 'x.txt', 'abc');
    await emu.upload(fs.id, 'a/b', 'y.txt', 'hello');
    await emu.upload(fs.id, 'a', 'x.txt', 'abcdef');
    let got = (await emu.req('GET', `${API}/filesets/${fs.id}`)).body;
    expect(got).toMatchObject({ size: 11, fileCount: 2 });
    await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=a/b`);
    got = (await emu.req('GET', `${API}/filesets/${fs.id}`)).body;
    expect(got).toMatchObject({ size: 6, fileCount: 1 });
  });

  it('rejects a create without a name and malformed JSON with 400', async () => {
    expect((await emu.req('POST', `${API}/filesets`, { description: 'x' })).status).toBe(400);
    const bad = await fetch(`${emu.url}${API}/filesets`, { method: 'POST', body: '{nope', headers: { 'X-DOMO-Developer-Token': TOKEN } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/JSON/);
  });
});

describe('filesets/search', () => {
  beforeEach(async () => {
    for (const n of ['Marketing Assets', 'Marketing Reports', 'Engineering', 'Sales']) await emu.createFileSet(n);
  });

  it('pages with offset/limit and answers both list keys and the union page context', async () => {
    const p1 = await emu.req('POST', `${API}/filesets/search?limit=3&offset=0`, {});
    expect(p1.body.fileSets).toHaveLength(3);
    expect(p1.body.filesets).toEqual(p1.body.fileSets);
    expect(p1.body.pageContext).toEqual({ offset: 0, limit: 3, total: 4, count: 3, totalCount: 4 });
    const p2 = await emu.req('POST', `${API}/filesets/search?limit=3&offset=3`, {});
    expect(p2.body.pageContext).toEqual({ offset: 3, limit: 3, total: 4, count: 1, totalCount: 4 });
    const ids = [...p1.body.fileSets, ...p2.body.fileSets].map((f: { id: string }) => f.id);
    expect(new Set(ids).size).toBe(4);
  });

  it('filters (LIKE, EQUALS, IN, not) and sorts', async () => {
    const like = await emu.req('POST', `${API}/filesets/search`, {
      fieldSort: [{ field: 'name', order: 'DESC' }],
      filters: [{ field: 'name', value: ['marketing'], operator: 'LIKE', not: false }],
    });
    expect(like.body.fileSets.map((f: { name: string }) => f.name)).toEqual(['Marketing Reports', 'Marketing Assets']);
    const notIn = await emu.req('POST', `${API}/filesets/search`, {
      fieldSort: [{ field: 'name', order: 'ASC' }],
      filters: [{ field: 'name', value: ['Sales', 'Engineering'], operator: 'IN', not: true }],
    });
    expect(notIn.body.fileSets.map((f: { name: string }) => f.name)).toEqual(['Marketing Assets', 'Marketing Reports']);
    const owner = await emu.req('POST', `${API}/filesets/search`, { filters: [{ field: 'owner', value: [1], operator: 'EQUALS' }] });
    expect(owner.body.pageContext.totalCount).toBe(4);
  });

  it('applies dateFilters on created', async () => {
    const future = await emu.req('POST', `${API}/filesets/search`, { dateFilters: [{ field: 'created', start: '2999-01-01T00:00:00Z' }] });
    expect(future.body.fileSets).toEqual([]);
    const inverted = await emu.req('POST', `${API}/filesets/search`, { dateFilters: [{ field: 'created', start: '2999-01-01T00:00:00Z', not: true }] });
    expect(inverted.body.fileSets).toHaveLength(4);
  });

  it('rejects an unknown operator with 400', async () => {
    const r = await emu.req('POST', `${API}/filesets/search`, { filters: [{ field: 'name', value: ['x'], operator: 'CONTAINS' }] });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(/operator/);
  });
});

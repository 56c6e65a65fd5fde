/** Split upload: initiate → parts → finalize, abort, and never overwriting. */
import { createHash } from 'node:crypto';
import { API, startEmu, TOKEN, type Emu } from './helpers';

let emu: Emu;
let fsId: string;
beforeEach(async () => {
  emu = await startEmu();
  fsId = (await emu.createFileSet('split')).id;
});
afterEach(() => emu.close());

const base = () => `${API}/filesets/${fsId}/files/multipart`;
function part(content: string): FormData {
  const fd = new FormData();
  fd.append('part', new Blob([content]), 'blob');
  return fd;
}

it('assembles parts in part-number order, hash null until finalize, then downloads the whole', async () => {
  const init = await emu.req('POST', base(), { path: 'big/data.csv' });
  expect(init.status).toBe(202);
  expect(init.body).toMatchObject({ status: 'CREATED', file: { path: 'big/data.csv', name: 'data.csv', hash: null } });
  const id = init.body.file.id;
  // Parts may arrive out of order.
  const p2 = await emu.req('POST', `${base()}/${id}/part/2`, part('world'));
  expect(p2.status).toBe(202);
  expect(p2.body).toMatchObject({ status: 'PROCESSING', file: { hash: null, size: 5 } });
  await emu.req('POST', `${base()}/${id}/part/1`, part('hello '));
  expect((await emu.req('GET', `${API}/filesets/${fsId}/path?path=big/data.csv`)).status).toBe(404);
  const fin = await emu.req('POST', `${base()}/${id}/finalize`);
  expect(fin.status).toBe(201);
  expect(fin.body).toMatchObject({
    status: 'SUCCESS',
    file: { id, path: 'big/data.csv', size: 11, hash: createHash('sha256').update('hello world').digest('hex'), contentType: 'text/csv', fileType: 'TEXT' },
  });
  const dl = await fetch(`${emu.url}${API}/filesets/${fsId}/files/${id}/download`, { headers: { 'X-DOMO-Developer-Token': TOKEN } });
  expect(await dl.text()).toBe('hello world');
  expect((await emu.req('POST', `${base()}/${id}/finalize`)).status).toBe(404);
  expect(emu.e.stats().requests).toMatchObject({ initiateSplitFileUpload: 1, uploadSplitFilePart: 2, finalizeSplitFileUpload: 2 });
});

it('never overwrites: 409 at initiate when the path exists, and at finalize when it appeared meanwhile', async () => {
  await emu.upload(fsId, '', 'taken.bin', 'x');
  const refused = await emu.req('POST', base(), { path: 'taken.bin' });
  expect(refused.status).toBe(409);
  expect(refused.body).toMatchObject({ status: 409, toe: expect.any(String) });
  const init = await emu.req('POST', base(), { path: 'later.bin' });
  await emu.req('POST', `${base()}/${init.body.file.id}/part/0`, part('p'));
  await emu.upload(fsId, '', 'later.bin', 'raced');
  expect((await emu.req('POST', `${base()}/${init.body.file.id}/finalize`)).status).toBe(409);
});

it('aborts (200 FAILED) and then knows the upload no more (404)', async () => {
  const init = await emu.req('POST', base(), { path: 'x.bin' });
  const id = init.body.file.id;
  await emu.req('POST', `${base()}/${id}/part/0`, part('p'));
  const ab = await emu.req('POST', `${base()}/${id}/abort`);
  expect(ab.status).toBe(200);
  expect(ab.body.status).toBe('FAILED');
  expect((await emu.req('POST', `${base()}/${id}/part/1`, part('q'))).status).toBe(404);
  expect((await emu.req('POST', `${base()}/${id}/finalize`)).status).toBe(404);
  expect((await emu.listAll(fsId, '')).length).toBe(0);
});

it('validates: path required, no `..`, part number non-negative, finalize without parts is 404', async () => {
  expect((await emu.req('POST', base(), {})).status).toBe(400);
  expect((await emu.req('POST', base(), { path: '../x' })).status).toBe(400);
  const id = (await emu.req('POST', base(), { path: 'y.bin' })).body.file.id;
  expect((await emu.req('POST', `${base()}/${id}/part/-1`, part('p'))).status).toBe(400);
  expect((await emu.req('POST', `${base()}/${id}/finalize`)).status).toBe(404);
});

/** Confirming deletes: a DELETE answered as done whose entry is still there is found, by id or by listing. */
import { unconfirmedDeletes, type ConfirmScope } from '../../loader/confirm-deletes';
import type { DeleteStep } from '../../loader/types';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { startBackend, testClient, type Backend } from '../support/harness';

let be: Backend;
let proxy: FaultProxy;
let fileSetId: string;
let round = 0;

beforeAll(async () => {
  be = await startBackend();
  proxy = await startFaultProxy(be.emu.url);
  fileSetId = (await be.client.createFileSet({ name: 'confirm-deletes' })).id;
});
afterAll(async () => {
  await proxy.close();
  await be.close();
});

/** Uploads docs/<round>/{a,b,c}.md, then deletes them through the proxy, which swallows b.md's delete (an empty 200). */
async function deleteWithOneSwallowed(): Promise<{ done: DeleteStep[]; scope: ConfirmScope }> {
  round += 1;
  const dir = `docs/${round}`;
  const done: DeleteStep[] = [];
  for (const name of ['a.md', 'b.md', 'c.md']) {
    const f = await be.client.uploadFile(fileSetId, { path: `${dir}/${name}`, source: { content: name } });
    done.push({ op: 'delete', path: f.path, rel: name, id: f.id, kind: 'file', size: f.size ?? 0, hash: null, phase: 'after' });
  }
  proxy.addRule({ fault: 'empty200', match: { method: 'DELETE', path: new RegExp(`/files/${done[1].id}$`) } });
  const client = testClient(proxy.url, be.token);
  try {
    for (const d of done) await client.deleteFile(fileSetId, d.id);
  } finally {
    proxy.clearRules();
    await client.close();
  }
  return { done, scope: { client: be.client, fileSetId, directoryPath: dir, remaining: 1, concurrency: 4 } };
}

it('finds the swallowed delete by listing the prefix when there are more deletes than listing pages', async () => {
  const { done, scope } = await deleteWithOneSwallowed();
  const from = be.emu.requestLog().length;
  expect(await unconfirmedDeletes(scope, done)).toEqual([done[1]]);
  const ops = be.emu
    .requestLog()
    .slice(from)
    .map((e) => e.operationId);
  // The first look lists; the one delete left is then looked up by id.
  const firstById = ops.indexOf('getFile');
  expect(firstById).toBeGreaterThan(0);
  expect(new Set(ops.slice(0, firstById))).toEqual(new Set(['listFilesForFileset']));
  expect(new Set(ops.slice(firstById))).toEqual(new Set(['getFile']));
  expect((await be.client.getFile(fileSetId, done[1].id)).path).toBe(done[1].path);
});

it('looks up by id when there are fewer deletes than listing pages', async () => {
  const { done, scope } = await deleteWithOneSwallowed();
  const from = be.emu.requestLog().length;
  expect(await unconfirmedDeletes({ ...scope, remaining: 10_000 }, done)).toEqual([done[1]]);
  const ops = be.emu
    .requestLog()
    .slice(from)
    .map((e) => e.operationId);
  expect(ops.filter((o) => o !== 'getFile')).toEqual([]);
  expect(ops.length).toBeGreaterThanOrEqual(3);
});

it('confirms a delete that was made with one look', async () => {
  const gone = await be.client.uploadFile(fileSetId, { path: 'docs/gone.md', source: { content: 'x' } });
  await be.client.deleteFile(fileSetId, gone.id);
  const step: DeleteStep = { op: 'delete', path: gone.path, rel: 'gone.md', id: gone.id, kind: 'file', size: 1, hash: null, phase: 'after' };
  const from = be.emu.requestLog().length;
  expect(await unconfirmedDeletes({ client: be.client, fileSetId, directoryPath: 'docs', remaining: 1, concurrency: 4 }, [step])).toEqual([]);
  expect(
    be.emu
      .requestLog()
      .slice(from)
      .map((e) => e.operationId),
  ).toEqual(['getFile']);
});

describe('on a server that answers 403 for what does not exist', () => {
  let forbidding: Backend;
  beforeAll(async () => {
    forbidding = await startBackend({ readings: { missingStatus: 403 } });
  });
  afterAll(() => forbidding.close());

  it('a file delete is confirmed by the listing (a 403 by id says nothing)', async () => {
    const id = (await forbidding.client.createFileSet({ name: 'forbidding' })).id;
    const f = await forbidding.client.uploadFile(id, { path: 'd/x.md', source: { content: 'x' } });
    await forbidding.client.deleteFile(id, f.id);
    const step: DeleteStep = { op: 'delete', path: f.path, rel: 'x.md', id: f.id, kind: 'file', size: 1, hash: null, phase: 'after' };
    const from = forbidding.emu.requestLog().length;
    expect(await unconfirmedDeletes({ client: forbidding.client, fileSetId: id, directoryPath: 'd', remaining: 0, concurrency: 2 }, [step])).toEqual([]);
    const ops = forbidding.emu
      .requestLog()
      .slice(from)
      .map((e) => [e.operationId, e.status]);
    expect(ops[0]).toEqual(['getFile', 403]);
    expect(ops.slice(1).map(([op]) => op)).toContain('listFilesForFileset');
  });

  it('a FileSet delete is confirmed by a search for its name', async () => {
    const { id } = await forbidding.client.createFileSet({ name: 'forbidding-gone' });
    const from = forbidding.emu.requestLog().length;
    await forbidding.client.deleteFileSet(id, { name: 'forbidding-gone' });
    const log = forbidding.emu.requestLog().slice(from);
    expect(log.map((e) => e.operationId)).toEqual(['deleteFileSet', 'getFileSet', 'listFileSets']);
    expect(log[1].status).toBe(403);
  });
});

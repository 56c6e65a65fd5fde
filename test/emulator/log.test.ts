/** The request log of deletes: `removed` names every path a delete took away, so tests can prove what went. */
import { API, startEmu, type Emu } from './helpers';

let emu: Emu;
afterEach(() => emu.close());

const deletes = () =>
  emu.e
    .requestLog()
    .filter((l) => l.operationId.startsWith('delete'))
    .map((l) => [l.operationId, l.path, l.status, l.removed]);

it('lists a directory’s whole subtree, a file alone, nothing for a failed delete, and a FileSet’s every entry', async () => {
  emu = await startEmu();
  const fs = await emu.createFileSet();
  await emu.upload(fs.id, 'a/b', 'c.txt', 'c');
  await emu.upload(fs.id, 'a', 'd.txt', 'd');
  await emu.upload(fs.id, 'ab', 'keep.txt', 'k');
  const e = (await emu.upload(fs.id, '', 'e.txt', 'e')).body;
  await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=a`);
  await emu.req('DELETE', `${API}/filesets/${fs.id}/files/${e.id}`);
  await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=a`);
  await emu.req('DELETE', `${API}/filesets/${fs.id}`);
  expect(deletes()).toEqual([
    ['deleteFileByPath', 'a', 200, ['a', 'a/b', 'a/b/c.txt', 'a/d.txt']],
    ['deleteFile', 'e.txt', 200, ['e.txt']],
    ['deleteFileByPath', 'a', 404, []],
    ['deleteFileSet', null, 200, ['ab', 'ab/keep.txt']],
  ]);
  // Only deletes carry the field; /_emulator/log serves the same entries.
  expect(
    emu.e
      .requestLog()
      .filter((l) => 'removed' in l)
      .map((l) => l.operationId),
  ).toEqual(['deleteFileByPath', 'deleteFile', 'deleteFileByPath', 'deleteFileSet']);
  expect(((await (await fetch(`${emu.url}/_emulator/log`)).json()) as { entries: unknown }).entries).toEqual(emu.e.requestLog());
});

it('under the spec reading (no implicit directories), a directory made explicitly goes with the files under it', async () => {
  emu = await startEmu({ profile: 'spec' });
  const fs = await emu.createFileSet();
  const fields = (dir: string, file?: [string, string]) => {
    const fd = new FormData();
    if (file) fd.append('file', new Blob([file[1]], { type: 'text/plain' }), file[0]);
    fd.append('directoryPath', dir);
    return fd;
  };
  await emu.req('POST', `${API}/filesets/${fs.id}/files`, fields('a/b', ['x.txt', 'x']));
  expect((await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=a`)).status).toBe(404);
  await emu.req('POST', `${API}/filesets/${fs.id}/files`, fields('a'));
  expect((await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=a`)).status).toBe(204);
  expect(deletes()).toEqual([
    ['deleteFileByPath', 'a', 404, []],
    ['deleteFileByPath', 'a', 204, ['a', 'a/b/x.txt']],
  ]);
});

/** File endpoints over HTTP with plain fetch: upload, directories, get, download, delete, path rules. */
import { createHash } from 'node:crypto';
import { API, startEmu, TOKEN, type Emu } from './helpers';

let emu: Emu;
let fsId: string;
beforeEach(async () => {
  emu = await startEmu();
  fsId = (await emu.createFileSet('files')).id;
});
afterEach(() => emu.close());

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('upload', () => {
  it('stores the file at directoryPath/name with SHA_256_HEX hash, size, contentType and fileType', async () => {
    const r = await emu.upload(fsId, 'a/b', 'notes.md', '# hi');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      path: 'a/b/notes.md',
      name: 'notes.md',
      fileType: 'TEXT',
      contentType: 'text/markdown',
      size: 4,
      hash: sha('# hi'),
      hashAlgorithm: 'SHA_256_HEX',
      createdBy: expect.any(Number),
      created: expect.any(String),
    });
    expect(r.body.downloadUrl).toBe(`${emu.url}${API}/filesets/${fsId}/files/${r.body.id}/download`);
    const types: Record<string, string> = {
      'a.pdf': 'DOCUMENT',
      'a.png': 'IMAGE',
      'a.mp3': 'AUDIO',
      'a.mp4': 'VIDEO',
      'a.bin': 'OTHER',
      'a.json': 'TEXT',
      'a.csv': 'TEXT',
    };
    for (const [name, type] of Object.entries(types)) expect((await emu.upload(fsId, '', name, 'x')).body.fileType).toBe(type);
  });

  it('creates parent directories implicitly and lists them as DIRECTORY entries with size null', async () => {
    await emu.upload(fsId, 'a/b', 'x.txt', 'x');
    const all = await emu.listAll(fsId, 'limit=100');
    expect(all.map((f) => [f.path, f.fileType, f.size])).toEqual([
      ['a', 'DIRECTORY', null],
      ['a/b', 'DIRECTORY', null],
      ['a/b/x.txt', 'TEXT', 1],
    ]);
  });

  it('overwrites an existing path with 201, same id, new hash', async () => {
    const first = await emu.upload(fsId, 'd', 'f.txt', 'one');
    const second = await emu.upload(fsId, 'd', 'f.txt', 'two!');
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.hash).toBe(sha('two!'));
    const dl = await fetch(`${emu.url}${API}/filesets/${fsId}/path/download?path=d/f.txt`, { headers: { 'X-DOMO-Developer-Token': TOKEN } });
    expect(await dl.text()).toBe('two!');
  });

  it('answers 409 on an existing path when started with overwrite: false, and keeps the old content', async () => {
    const strict = await startEmu({ overwrite: false });
    try {
      const id = (await strict.createFileSet()).id;
      expect((await strict.upload(id, '', 'f.txt', 'one')).status).toBe(201);
      const again = await strict.upload(id, '', 'f.txt', 'two');
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ status: 409, statusReason: 'Conflict', toe: expect.any(String) });
      const got = await strict.req('GET', `${API}/filesets/${id}/path?path=f.txt`);
      expect(got.body.hash).toBe(sha('one'));
    } finally {
      await strict.close();
    }
  });

  it('makes a directory with createFileRequest alone: 201, then 200 when it exists', async () => {
    const fd = () => {
      const f = new FormData();
      f.append('createFileRequest', JSON.stringify({ directoryPath: 'x/y' }));
      return f;
    };
    const made = await emu.req('POST', `${API}/filesets/${fsId}/files`, fd());
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ path: 'x/y', name: 'y', fileType: 'DIRECTORY', size: null });
    const again = await emu.req('POST', `${API}/filesets/${fsId}/files`, fd());
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(made.body.id);
  });

  it('accepts the file part before or after createFileRequest, and createFileRequest sent as a Blob', async () => {
    const fd = new FormData();
    fd.append('createFileRequest', new Blob([JSON.stringify({ directoryPath: 'q' })], { type: 'application/json' }));
    fd.append('file', new Blob(['z']), 'z.txt');
    const r = await emu.req('POST', `${API}/filesets/${fsId}/files`, fd);
    expect(r.status).toBe(201);
    expect(r.body.path).toBe('q/z.txt');
  });

  it('refuses `..`, absolute paths and a file where a directory must be (400/409), storing nothing', async () => {
    expect((await emu.upload(fsId, '../up', 'f.txt', 'x')).status).toBe(400);
    expect((await emu.upload(fsId, '/abs', 'f.txt', 'x')).status).toBe(400);
    expect((await emu.upload(fsId, 'a', '../../f.txt', 'x')).status).toBe(400);
    await emu.upload(fsId, '', 'file', 'x');
    expect((await emu.upload(fsId, 'file', 'child.txt', 'x')).status).toBe(409);
    await emu.upload(fsId, 'dir', 'c.txt', 'x');
    expect((await emu.upload(fsId, '', 'dir', 'x')).status).toBe(409);
    expect((await emu.listAll(fsId, '')).map((f) => f.path)).toEqual(['dir', 'dir/c.txt', 'file']);
  });

  it('refuses paths that would not be stored as sent (empty or `.` segments, a trailing slash) instead of rewriting them', async () => {
    for (const dir of ['a//b', 'a/./b', 'a/b/']) {
      const r = await emu.upload(fsId, dir, 'f.txt', 'x');
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/^directoryPath /);
    }
    expect((await emu.req('GET', `${API}/filesets/${fsId}/path?path=${encodeURIComponent('a//f.txt')}`)).status).toBe(400);
    expect(await emu.listAll(fsId, '')).toEqual([]);
  });

  it('round-trips names with spaces, unicode and URL-special characters', async () => {
    for (const name of ['a b.txt', 'ünï cødé.txt', 'h#sh%20?q+&.txt']) {
      const up = await emu.upload(fsId, 'd ir', name, name);
      expect(up.status).toBe(201);
      expect(up.body.path).toBe(`d ir/${name}`);
      const got = await emu.req('GET', `${API}/filesets/${fsId}/path?path=${encodeURIComponent(`d ir/${name}`)}`);
      expect(got.body.id).toBe(up.body.id);
      const dl = await fetch(`${emu.url}${API}/filesets/${fsId}/files/${up.body.id}/download`, { headers: { 'X-DOMO-Developer-Token': TOKEN } });
      expect(await dl.text()).toBe(name);
    }
  });

  it('answers 404 for an unknown FileSet and 415 for a non-multipart body', async () => {
    expect((await emu.upload('nope', '', 'f.txt', 'x')).status).toBe(404);
    expect((await emu.req('POST', `${API}/filesets/${fsId}/files`, { file: 'x' })).status).toBe(415);
  });
});

describe('get, download and delete', () => {
  it('gets a file or directory by id and by path; 404 when missing', async () => {
    const up = (await emu.upload(fsId, 'a', 'f.txt', 'x')).body;
    // The index status moves on after the upload's answer: compare reads once it has settled.
    await emu.indexed(fsId);
    const f = (await emu.req('GET', `${API}/filesets/${fsId}/files/${up.id}`)).body;
    expect(f).toEqual({ ...up, indexStatus: f.indexStatus, indexReason: f.indexReason });
    expect((await emu.req('GET', `${API}/filesets/${fsId}/path?path=a/f.txt`)).body).toEqual(f);
    const dir = await emu.req('GET', `${API}/filesets/${fsId}/path?path=a`);
    expect(dir.body).toMatchObject({ fileType: 'DIRECTORY', size: null, path: 'a' });
    expect((await emu.req('GET', `${API}/filesets/${fsId}/files/missing`)).status).toBe(404);
    expect((await emu.req('GET', `${API}/filesets/${fsId}/path?path=nope.txt`)).status).toBe(404);
    expect((await emu.req('GET', `${API}/filesets/${fsId}/path?path=../x`)).status).toBe(400);
  });

  it('download by id and by path answer 302 to /content?token=… which serves the bytes without the developer token', async () => {
    const content = 'x'.repeat(100000);
    const f = (await emu.upload(fsId, 'a', 'f.bin', content)).body;
    for (const path of [`files/${f.id}/download`, `path/download?path=a%2Ff.bin`]) {
      const r = await emu.req('GET', `${API}/filesets/${fsId}/${path}`);
      expect(r.status).toBe(302);
      const loc = r.headers.get('location')!;
      expect(loc).toMatch(new RegExp(`^${emu.url}${API}/filesets/${fsId}/files/${f.id}/content\\?token=[A-Za-z0-9_-]+$`));
      const body = await fetch(loc);
      expect(body.status).toBe(200);
      expect(body.headers.get('content-length')).toBe('100000');
      expect(await body.text()).toBe(content);
    }
    const noToken = await fetch(`${emu.url}${API}/filesets/${fsId}/files/${f.id}/content`);
    expect(noToken.status).toBe(401);
    const badToken = await fetch(`${emu.url}${API}/filesets/${fsId}/files/${f.id}/content?token=forged`);
    expect(badToken.status).toBe(403);
    expect(((await badToken.json()) as { toe: string }).toe).toEqual(expect.any(String));
    expect((await emu.req('GET', `${API}/filesets/${fsId}/path/download?path=a`)).status).toBe(400);
  });

  it('deletes by id and by path (200 + status body); a directory goes with its children', async () => {
    const f = (await emu.upload(fsId, 'keep', 'k.txt', 'k')).body;
    await emu.upload(fsId, 'gone/sub', 'a.txt', 'a');
    await emu.upload(fsId, 'gone', 'b.txt', 'b');
    const dir = (await emu.req('GET', `${API}/filesets/${fsId}/path?path=gone`)).body;
    const byId = await emu.req('DELETE', `${API}/filesets/${fsId}/files/${dir.id}`);
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ status: 'success', message: expect.any(String) });
    expect((await emu.listAll(fsId, '')).map((x) => x.path)).toEqual(['keep', 'keep/k.txt']);
    const byPath = await emu.req('DELETE', `${API}/filesets/${fsId}/path?path=keep/k.txt`);
    expect(byPath.status).toBe(200);
    expect((await emu.req('GET', `${API}/filesets/${fsId}/files/${f.id}`)).status).toBe(404);
    expect((await emu.req('DELETE', `${API}/filesets/${fsId}/path?path=keep/k.txt`)).status).toBe(404);
    const log = emu.e.requestLog().filter((l) => l.operationId.startsWith('delete'));
    expect(log.map((l) => [l.operationId, l.path, l.status])).toEqual([
      ['deleteFile', 'gone', 200],
      ['deleteFileByPath', 'keep/k.txt', 200],
      ['deleteFileByPath', 'keep/k.txt', 404],
    ]);
  });
});

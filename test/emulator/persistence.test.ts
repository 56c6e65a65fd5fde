/** The disk store over HTTP: survives restarts, keeps blobs by id, and writes nothing outside dataDir. */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { API, startEmu, tempDir, TOKEN, waitFor } from './helpers';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

let parent: string;
beforeEach(() => {
  parent = tempDir('emu-persist-');
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

it('keeps FileSets, files, directories, content, grants and unfinished split uploads and indexing across a restart', async () => {
  const dataDir = join(parent, 'data');
  // Indexing never finishes in the first run: the second picks up the files still PENDING.
  const a = await startEmu({ dataDir, indexDelayMs: 600_000 });
  const fs = await a.createFileSet('persisted', { description: 'kept', aiEnabled: true });
  await a.req('POST', `${API}/filesets/${fs.id}/access`, { fileSetAccess: [{ entityId: 42, entityType: 'GROUP', permission: 'READ' }] });
  const f = (await a.upload(fs.id, 'x/y', 'doc.md', 'persistent words')).body;
  await a.upload(fs.id, 'x', 'gone.txt', 'bye');
  await a.req('DELETE', `${API}/filesets/${fs.id}/path?path=x/gone.txt`);
  await a.upload(fs.id, 'x/y', 'doc.md', 'persistent words, v2');
  const split = (await a.req('POST', `${API}/filesets/${fs.id}/files/multipart`, { path: 'big.bin' })).body.file.id;
  const part = new FormData();
  part.append('part', new Blob(['part-one ']), 'p');
  await a.req('POST', `${API}/filesets/${fs.id}/files/multipart/${split}/part/1`, part);
  await a.close();

  const b = await startEmu({ dataDir, indexDelayMs: 1 });
  try {
    expect((await b.req('GET', `${API}/filesets/${fs.id}`)).body).toMatchObject({ name: 'persisted', description: 'kept', fileCount: 1, size: 20 });
    expect((await b.req('GET', `${API}/filesets/${fs.id}/access`)).body.fileSetAccess).toContainEqual({
      entityId: 42,
      entityType: 'GROUP',
      permission: 'READ',
    });
    await waitFor(async () => (await b.req('GET', `${API}/filesets/${fs.id}/stats`)).body.indexCompleteCount === 1, 'resumed indexing');
    expect((await b.listAll(fs.id, '')).map((x) => x.path)).toEqual(['x', 'x/y', 'x/y/doc.md']);
    const got = (await b.req('GET', `${API}/filesets/${fs.id}/files/${f.id}`)).body;
    expect(got.size).toBe(20);
    const dl = await fetch(`${b.url}${API}/filesets/${fs.id}/files/${f.id}/download`, { headers: { 'X-DOMO-Developer-Token': TOKEN } });
    expect(await dl.text()).toBe('persistent words, v2');
    const q = await b.req('POST', `${API}/filesets/${fs.id}/query`, { query: 'persistent' });
    expect(q.body.matches[0].metadata.path).toBe('x/y/doc.md');
    const part2 = new FormData();
    part2.append('part', new Blob(['part-two']), 'p');
    await b.req('POST', `${API}/filesets/${fs.id}/files/multipart/${split}/part/2`, part2);
    expect((await b.req('POST', `${API}/filesets/${fs.id}/files/multipart/${split}/finalize`)).status).toBe(201);
    const big = await fetch(`${b.url}${API}/filesets/${fs.id}/path/download?path=big.bin`, { headers: { 'X-DOMO-Developer-Token': TOKEN } });
    expect(await big.text()).toBe('part-one part-two');
    // Replaced and deleted content is gone from disk: 2 live blobs (doc.md v2, big.bin's 2 parts) = 3 files.
    expect(walk(join(dataDir, 'blobs'))).toHaveLength(3);
  } finally {
    await b.close();
  }
});

it('writes nothing outside dataDir, whatever the names, and names no file after a user path', async () => {
  const dataDir = join(parent, 'data');
  const emu = await startEmu({ dataDir });
  try {
    const fs = await emu.createFileSet('hostile');
    const hostile: [string, string][] = [
      ['../../..', 'evil1.txt'],
      ['/tmp', 'evil2.txt'],
      ['', '../evil3.txt'],
      ['a', '../../../../evil4.txt'],
      ['..', 'evil5.txt'],
      ['a/../../b', 'evil6.txt'],
      [`${parent}`, 'evil7.txt'],
      ['a\\..\\..', 'evil9.txt'],
    ];
    for (const [dir, name] of hostile) expect((await emu.upload(fs.id, dir, name, 'x')).status).toBe(400);
    // Accepted, but only as names inside the FileSet.
    for (const [dir, name] of [
      ['..%2f..', 'evil8.txt'],
      ['....', '....'],
      ['a', '.evil10'],
    ] as [string, string][]) {
      expect((await emu.upload(fs.id, dir, name, 'x')).status).toBe(201);
    }
    expect((await emu.req('POST', `${API}/filesets/${fs.id}/files/multipart`, { path: '../../evil11.bin' })).status).toBe(400);
  } finally {
    await emu.close();
  }
  expect(readdirSync(parent)).toEqual(['data']);
  const files = walk(dataDir).map((p) => relative(dataDir, p));
  expect(files.filter((p) => /evil/.test(p))).toEqual([]);
  for (const p of files) expect(p).toMatch(/^(meta\.ndjson|blobs\/[0-9a-f]{2}\/[0-9a-f-]{36})$/);
});

it('reads a journal written before grants and index states existed: no grants, files not indexed', async () => {
  const dataDir = join(parent, 'old');
  mkdirSync(dataDir);
  const t = '2025-01-01T00:00:00.000000Z';
  const oldFileSet = {
    id: 'fs-old',
    name: 'old',
    description: '',
    aiEnabled: false,
    indexStatus: null,
    batchType: 'INCREMENTAL',
    connector: 'DOMO',
    created: t,
    createdBy: 27,
    updated: t,
    updatedBy: 27,
    owner: '1',
    accountId: 0,
    connectorContext: null,
    permission: 'OWNER',
  };
  const oldDir = {
    id: 'd1',
    path: 'docs',
    name: 'docs',
    kind: 'DIRECTORY',
    blobs: [],
    size: null,
    hash: null,
    contentType: null,
    fileType: 'DIRECTORY',
    created: t,
    createdBy: 27,
  };
  const oldFile = {
    ...oldDir,
    id: 'f1',
    path: 'docs/a.txt',
    name: 'a.txt',
    kind: 'FILE',
    blobs: ['00000000-0000-0000-0000-000000000000'],
    size: 1,
    hash: 'h',
    contentType: 'text/plain',
    fileType: 'TEXT',
  };
  const lines = [
    { t: 'fs', v: oldFileSet },
    { t: 'n', f: 'fs-old', v: oldDir },
    { t: 'n', f: 'fs-old', v: oldFile },
  ];
  writeFileSync(join(dataDir, 'meta.ndjson'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const emu = await startEmu({ dataDir });
  try {
    expect((await emu.req('GET', `${API}/filesets/fs-old/access`)).body.fileSetAccess).toEqual([{ entityId: 1, entityType: 'USER', permission: 'OWNER' }]);
    expect((await emu.req('GET', `${API}/filesets/fs-old`)).body).toMatchObject({ owner: '1', permission: 'OWNER' });
    expect((await emu.req('GET', `${API}/filesets/fs-old/stats`)).body).toMatchObject({ textFileTypeCount: 1, notIndexedCount: 1, indexCompleteCount: 0 });
    expect((await emu.req('GET', `${API}/filesets/fs-old/files/f1`)).body).toMatchObject({ indexStatus: null, indexReason: null, createdBy: 27 });
  } finally {
    await emu.close();
  }
});

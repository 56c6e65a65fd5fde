/** syncFolder / folderDigest / removeFolderFiles (the provider's FileSetFolder) against the emulator. */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { folderDigest, GuardError, removeFolderFiles, syncFolder } from '../../loader';
import { remoteListing, removeFiles, startEnv, statsDelta, writeTree, type Env } from './helpers';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
let env: Env;
let src: string;
let stateDir: string;
beforeEach(async () => {
  env = await startEnv();
  src = path.join(env.dir, 'site');
  stateDir = path.join(env.dir, '.cache');
});
afterEach(async () => env.close());

test('syncFolder makes the prefix match the folder, idempotently; the digest follows the content', async () => {
  const fs = await env.client.createFileSet({ name: 'folder' });
  writeTree(src, { 'index.md': 'home', 'img/logo.svg': '<svg/>', 'skip.tmp': 'x' });
  await env.client.uploadFile(fs.id, { path: 'web/stale.md', source: { content: 'old' } });
  await env.client.uploadFile(fs.id, { path: 'outside.md', source: { content: 'keep' } });
  const opts = { fileSetId: fs.id, source: src, directoryPath: 'web', exclude: ['**/*.tmp'], stateDir, maxDeletePercent: 100 };

  const res = await syncFolder(env.client, opts);
  expect(res.summary).toMatchObject({ upload: 2, delete: 1 });
  expect(res.result).toEqual({ uploaded: 2, replaced: 0, deleted: 1, failed: 0 });
  expect(res.fileCount).toBe(2);
  expect(res.totalBytes).toBe(4 + 6);
  expect(res.digest).toBe(
    createHash('sha256')
      .update(`web/img/logo.svg\0${sha('<svg/>')}\nweb/index.md\0${sha('home')}\n`)
      .digest('hex'),
  );
  expect(await remoteListing(env.client, fs.id)).toEqual([
    ['outside.md', sha('keep')],
    ['web/img/logo.svg', sha('<svg/>')],
    ['web/index.md', sha('home')],
  ]);

  const delta = statsDelta(env.emu);
  const again = await syncFolder(env.client, opts);
  expect(again.result).toEqual({ uploaded: 0, replaced: 0, deleted: 0, failed: 0 });
  expect(delta().mutating).toBe(0);

  const d1 = await folderDigest({ source: src, directoryPath: 'web', exclude: ['**/*.tmp'], stateDir });
  expect(d1).toEqual({ digest: res.digest, fileCount: 2, totalBytes: 10 });
  writeTree(src, { 'index.md': 'home!' });
  const d2 = await folderDigest({ source: src, directoryPath: 'web', exclude: ['**/*.tmp'], stateDir });
  expect(d2.digest).not.toBe(d1.digest);
  expect((await folderDigest({ source: src, directoryPath: 'other', exclude: ['**/*.tmp'], stateDir })).digest).not.toBe(d2.digest);
});

test('syncFolder throws GuardError and changes nothing when a guard trips', async () => {
  const fs = await env.client.createFileSet({ name: 'guarded' });
  writeTree(src, { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c' });
  await syncFolder(env.client, { fileSetId: fs.id, source: src, stateDir });
  removeFiles(src, ['a.md', 'b.md']);
  writeTree(src, { 'n.md': 'n' });
  const delta = statsDelta(env.emu);
  await expect(syncFolder(env.client, { fileSetId: fs.id, source: src, stateDir })).rejects.toBeInstanceOf(GuardError);
  expect(delta().mutating).toBe(0);
  expect((await remoteListing(env.client, fs.id)).map(([p]) => p)).toEqual(['a.md', 'b.md', 'c.md']);
});

test('removeFolderFiles deletes the files the folder manages, keeping excluded ones and other prefixes', async () => {
  const fs = await env.client.createFileSet({ name: 'rm' });
  for (const p of ['web/a.md', 'web/sub/b.md', 'web/keep.tmp', 'other/c.md']) await env.client.uploadFile(fs.id, { path: p, source: { content: p } });
  const n = await removeFolderFiles(env.client, { fileSetId: fs.id, directoryPath: 'web', source: src, exclude: ['*.tmp'] });
  expect(n).toBe(2);
  expect((await remoteListing(env.client, fs.id)).map(([p]) => p)).toEqual(['other/c.md', 'web/keep.tmp']);
  expect(await removeFolderFiles(env.client, { fileSetId: 'no-such-fileset', source: src })).toBe(0);
});

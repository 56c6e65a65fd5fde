/**
 * planManifest / applyManifest / destroyManifest against the real emulator: both sides' listings before
 * and after, and the emulator's request counters.
 */
import { createHash } from 'node:crypto';
import { renameSync } from 'node:fs';
import * as path from 'node:path';
import { applyManifest, applyPlan, createPlan, destroyManifest, fileActions, LoaderError, planManifest, type Manifest, type Progress } from '../../loader';
import { manifestOf, remoteListing, removeFiles, startEnv, statsDelta, writeTree, type Env } from './helpers';

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
let env: Env;
let src: string;

beforeEach(async () => {
  env = await startEnv();
  src = path.join(env.dir, 'docs');
});
afterEach(async () => env.close());

const TREE: Record<string, string> = {
  'handbook/intro.md': '# Intro\n',
  'handbook/a b/with space.md': 'spaces',
  'policies/caf\u00e9.md': 'nfc',
  'policies/nai\u0308ve.md': 'nfd on disk',
  'odd/#1 100% what?.txt': 'specials',
  'odd/c++ & r&d.txt': 'more specials',
  'empty.txt': '',
  'deep/a/b/c/d/e.md': 'deep',
  'big.bin': Buffer.alloc(3 * 1024 * 1024 + 7, 7).toString('latin1'),
};
const expected = (files: Record<string, string>, prefix = ''): [string, string][] =>
  Object.entries(files)
    .map(([p, c]): [string, string] => [(prefix ? `${prefix}/` : '') + p.normalize('NFC'), sha(Buffer.from(c, 'latin1'))])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));

async function manifest(extra = '', name = 'docs'): Promise<Manifest> {
  return manifestOf(env.dir, `version: 1\nfilesets:\n  - name: ${name}\n    description: Product docs\n    source: ./docs\n    directoryPath: kb\n${extra}`);
}
async function fileSetId(name = 'docs'): Promise<string> {
  const [fs] = await env.client.findFileSetsByName(name);
  return fs.id;
}

test('first sync creates the FileSet; remote equals local (special names, NFC/NFD, empty, nested, large); plan sent nothing mutating', async () => {
  writeTree(src, Object.fromEntries(Object.entries(TREE).map(([k, v]) => [k, Buffer.from(v, 'latin1')])));
  const m = await manifest();
  let delta = statsDelta(env.emu);
  const plan = await planManifest(m, { client: env.client });
  expect(delta().mutating).toBe(0);
  expect(plan.filesets[0]).toMatchObject({ name: 'docs', id: null, create: true, summary: { upload: 9, replace: 0, delete: 0, unchanged: 0 } });
  expect(fileActions(plan.filesets[0]).map((a) => a.path)).toEqual(expected(TREE, 'kb').map(([p]) => p));

  const progress: Progress[] = [];
  delta = statsDelta(env.emu);
  const report = await applyManifest(m, { client: env.client, onProgress: (p) => progress.push(p) });
  expect(report.filesets[0].result).toEqual({ uploaded: 9, replaced: 0, deleted: 0, failed: 0 });
  expect(report.filesets[0].error).toBeUndefined();
  expect(delta().requests.createFileSet).toBe(1);
  const id = await fileSetId();
  expect(report.filesets[0].id).toBe(id);
  expect(await remoteListing(env.client, id)).toEqual(expected(TREE, 'kb'));
  const last = progress.filter((p) => p.phase === 'upload').pop()!;
  expect(last).toMatchObject({ files: 9, totalFiles: 9, bytes: last.totalBytes });

  // idempotent: the second apply sends only the lookup and the listing pages (one page of files, and the
  // request whose cursor comes back unchanged: the API's only end-of-listing signal)
  delta = statsDelta(env.emu);
  const again = await applyManifest(m, { client: env.client });
  const d = delta();
  expect(again.filesets[0].summary).toMatchObject({ upload: 0, replace: 0, delete: 0, unchanged: 9 });
  expect(d.mutating).toBe(0);
  expect(d.requests).toEqual({ listFileSets: 1, listFilesForFileset: 2 });
});

test('modify, delete and rename: replace, upload-then-delete, and the listing follows', async () => {
  writeTree(src, { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c', 'd.md': 'd', 'old.md': 'renamed' });
  const m = await manifest();
  await applyManifest(m, { client: env.client });
  const id = await fileSetId();

  writeTree(src, { 'a.md': 'a changed' });
  removeFiles(src, ['d.md']);
  renameSync(path.join(src, 'old.md'), path.join(src, 'new.md'));
  const plan = await planManifest(m, { client: env.client });
  expect(fileActions(plan.filesets[0]).map((a) => `${a.op} ${a.path}`)).toEqual(['replace kb/a.md', 'delete kb/d.md', 'upload kb/new.md', 'delete kb/old.md']);
  const log0 = env.emu.requestLog().length;
  const report = await applyManifest(m, { client: env.client });
  expect(report.filesets[0].result).toEqual({ uploaded: 1, replaced: 1, deleted: 2, failed: 0 });
  expect(await remoteListing(env.client, id)).toEqual(expected({ 'a.md': 'a changed', 'b.md': 'b', 'c.md': 'c', 'new.md': 'renamed' }, 'kb'));
  // rename order: the new path is uploaded before the old one is deleted
  const log = env.emu.requestLog().slice(log0);
  const up = log.findIndex((e) => e.operationId === 'createFile' && e.path === 'kb/new.md');
  const del = log.findIndex((e) => e.operationId.startsWith('deleteFile') && e.path === 'kb/old.md');
  expect(up).toBeGreaterThanOrEqual(0);
  expect(del).toBeGreaterThan(up);
});

test('excluded paths and files outside the prefix survive a prune', async () => {
  writeTree(src, { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c' });
  const m = await manifest('    exclude: ["**/*.tmp", "drafts"]\n');
  await applyManifest(m, { client: env.client });
  const id = await fileSetId();
  await env.client.uploadFile(id, { path: 'kb/scratch.tmp', source: { content: 'tmp' } });
  await env.client.uploadFile(id, { path: 'kb/drafts/x.md', source: { content: 'draft' } });
  await env.client.uploadFile(id, { path: 'elsewhere/keep.md', source: { content: 'keep' } });
  await env.client.uploadFile(id, { path: 'kb/stale.md', source: { content: 'stale' } });
  const report = await applyManifest(m, { client: env.client });
  expect(fileActions(report.filesets[0]).map((a) => `${a.op} ${a.path}`)).toEqual(['delete kb/stale.md']);
  expect((await remoteListing(env.client, id)).map(([p]) => p)).toEqual([
    'elsewhere/keep.md',
    'kb/a.md',
    'kb/b.md',
    'kb/c.md',
    'kb/drafts/x.md',
    'kb/scratch.tmp',
  ]);
});

test.each([
  ['maxDeletes', '    maxDeletes: 1\n', ['c.md', 'd.md']],
  ['maxDeletePercent', '    maxDeletePercent: 20\n', ['c.md', 'd.md']],
  ['emptySource', '    maxDeletePercent: 100\n', ['a.md', 'b.md', 'c.md', 'd.md', 'e.md']],
])('guard %s refuses the whole FileSet: zero mutating requests, remote unchanged', async (guard, extra, gone) => {
  writeTree(src, { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c', 'd.md': 'd', 'e.md': 'e' });
  const m = await manifest(extra as string);
  await applyManifest(m, { client: env.client });
  const id = await fileSetId();
  const before = await remoteListing(env.client, id);
  removeFiles(src, gone as string[]);
  writeTree(src, { 'new.md': 'would be uploaded' });
  if (guard === 'emptySource') removeFiles(src, ['new.md']);
  const delta = statsDelta(env.emu);
  const report = await applyManifest(m, { client: env.client });
  expect(report.filesets[0].refused?.guard).toBe(guard);
  expect(report.filesets[0].result).toEqual({ uploaded: 0, replaced: 0, deleted: 0, failed: 0 });
  expect(delta().mutating).toBe(0);
  expect(await remoteListing(env.client, id)).toEqual(before);
});

test('--max-deletes overrides the manifest; allowEmpty lets an empty source prune', async () => {
  writeTree(src, { 'a.md': 'a', 'b.md': 'b' });
  const m = await manifest('    allowEmpty: true\n    maxDeletePercent: 100\n');
  await applyManifest(m, { client: env.client });
  removeFiles(src, ['a.md', 'b.md']);
  expect((await planManifest(m, { client: env.client, maxDeletes: 1 })).filesets[0].refused?.guard).toBe('maxDeletes');
  const report = await applyManifest(m, { client: env.client });
  expect(report.filesets[0].result?.deleted).toBe(2);
  expect(await remoteListing(env.client, await fileSetId())).toEqual([]);
});

test('dry run sends no mutating request; the description is updated when it differs', async () => {
  writeTree(src, { 'a.md': 'a' });
  const m = await manifest();
  const delta = statsDelta(env.emu);
  const dry = await applyManifest(m, { client: env.client, dryRun: true });
  expect(dry.filesets[0].create).toBe(true);
  expect(dry.filesets[0].result).toBeUndefined();
  expect(delta().mutating).toBe(0);
  await applyManifest(m, { client: env.client });
  const changed = await manifestOf(env.dir, 'version: 1\nfilesets:\n  - name: docs\n    description: New words\n    source: ./docs\n    directoryPath: kb\n');
  const plan = await planManifest(changed, { client: env.client });
  expect(plan.filesets[0].update).toEqual({ description: 'New words' });
  await applyManifest(changed, { client: env.client });
  expect((await env.client.getFileSet(await fileSetId())).description).toBe('New words');
});

test('two entries share a FileSet with disjoint prefixes; one lookup, one create', async () => {
  writeTree(src, { 'a.md': 'a' });
  writeTree(path.join(env.dir, 'pdfs'), { 'x.pdf': 'x' });
  const m = await manifestOf(
    env.dir,
    'version: 1\nfilesets:\n  - name: kb\n    source: ./docs\n    directoryPath: md\n  - name: kb\n    source: ./pdfs\n    directoryPath: pdf\n',
  );
  const delta = statsDelta(env.emu);
  const report = await applyManifest(m, { client: env.client });
  expect(report.filesets).toHaveLength(1);
  expect(fileActions(report.filesets[0]).map((a) => a.path)).toEqual(['md/a.md', 'pdf/x.pdf']);
  expect(delta().requests.createFileSet).toBe(1);
  expect((await remoteListing(env.client, await fileSetId('kb'))).map(([p]) => p)).toEqual(['md/a.md', 'pdf/x.pdf']);
});

test('duplicate remote FileSet names give a clear error asking for an id; a pinned id works', async () => {
  writeTree(src, { 'a.md': 'a' });
  await env.client.createFileSet({ name: 'docs' });
  const second = await env.client.createFileSet({ name: 'docs' });
  const m = await manifest();
  const delta = statsDelta(env.emu);
  await expect(planManifest(m, { client: env.client })).rejects.toThrow(LoaderError);
  await expect(applyManifest(m, { client: env.client })).rejects.toThrow(/2 FileSets are named 'docs' .*set 'id' in the manifest/);
  expect(delta().mutating).toBe(0);
  const pinned = await manifest(`    id: ${second.id}\n`);
  const report = await applyManifest(pinned, { client: env.client });
  expect(report.filesets[0].id).toBe(second.id);
  expect(await remoteListing(env.client, second.id)).toEqual([['kb/a.md', sha('a')]]);
});

test('options are validated before any request', async () => {
  writeTree(src, { 'a.md': 'a' });
  const m = await manifest();
  const delta = statsDelta(env.emu);
  await expect(applyManifest(m, { client: env.client, concurrency: 0 })).rejects.toThrow(/--concurrency/);
  await expect(planManifest(m, { client: env.client, maxDeletes: -2 })).rejects.toThrow(/--max-deletes/);
  expect(delta().total).toBe(0);
});

test('destroy deletes the declared FileSets; missing ones are nothing to do', async () => {
  writeTree(src, { 'a.md': 'a' });
  const m = await manifestOf(env.dir, 'version: 1\nfilesets:\n  - name: docs\n    source: ./docs\n  - name: never-created\n    source: ./docs\n');
  await applyManifest({ ...m, filesets: [m.filesets[0]] }, { client: env.client });
  const id = await fileSetId();
  const other = await env.client.createFileSet({ name: 'unrelated' });
  const res = await destroyManifest(m, { client: env.client });
  expect(res.filesets).toEqual([
    { name: 'docs', id, deleted: true },
    { name: 'never-created', id: null, deleted: false },
  ]);
  expect(await env.client.findFileSetsByName('docs')).toEqual([]);
  expect((await env.client.getFileSet(other.id)).name).toBe('unrelated');
  expect((await destroyManifest(m, { client: env.client })).filesets.every((f) => !f.deleted)).toBe(true);
});

test('a delete is re-checked on disk right before it runs: a file that reappeared is kept', async () => {
  writeTree(src, { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c' });
  const m = await manifest();
  await applyManifest(m, { client: env.client });
  removeFiles(src, ['c.md']);
  const plan = await createPlan(m, { client: env.client });
  expect(plan.filesets[0].entries[0].deletes.map((d) => d.path)).toEqual(['kb/c.md']);
  writeTree(src, { 'c.md': 'c is back' });
  const report = await applyPlan(plan, m, { client: env.client });
  expect(report.filesets[0].result?.deleted).toBe(0);
  expect(report.filesets[0].skipped).toEqual([{ op: 'delete', path: 'kb/c.md', reason: expect.stringMatching(/back on disk/) }]);
  expect((await remoteListing(env.client, await fileSetId())).map(([p]) => p)).toEqual(['kb/a.md', 'kb/b.md', 'kb/c.md']);
});

test('a file that vanishes between scan and upload fails that upload, and nothing is deleted in the run', async () => {
  writeTree(src, { 'a.md': 'a', 'b.md': 'b', 'c.md': 'c' });
  const m = await manifest();
  await applyManifest(m, { client: env.client });
  removeFiles(src, ['c.md']);
  writeTree(src, { 'new.md': 'new', 'other.md': 'other' });
  const plan = await createPlan(m, { client: env.client });
  removeFiles(src, ['new.md']);
  const [outcome] = (await applyPlan(plan, m, { client: env.client })).filesets;
  expect(outcome.result).toEqual({ uploaded: 1, replaced: 0, deleted: 0, failed: 1 });
  expect(outcome.error?.message).toMatch(/^upload kb\/new.md: /);
  expect(outcome.skipped).toEqual([{ op: 'delete', path: 'kb/c.md', reason: expect.stringMatching(/failed/) }]);
  expect((await remoteListing(env.client, await fileSetId())).map(([p]) => p)).toEqual(['kb/a.md', 'kb/b.md', 'kb/c.md', 'kb/other.md']);
});

/** Freezes `v` and everything reachable from it (a write anywhere then throws: the loader runs in strict mode). */
function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

test('applyPlan never writes into the plan: a deep-frozen plan (create, upload, replace, swap, delete, update) applies cleanly', async () => {
  writeTree(src, { 'a.md': 'a', 'gone.md': 'gone', swap: 'a file, then a directory', 'big.bin': Buffer.alloc(300 * 1024, 1) });
  await applyManifest(await manifest('    maxDeletePercent: 100\n'), { client: env.client });
  removeFiles(src, ['gone.md', 'swap']);
  writeTree(src, { 'a.md': 'a, changed', 'swap/inner.md': 'inner', 'new.md': 'new', 'big.bin': Buffer.alloc(300 * 1024, 2) });
  writeTree(path.join(env.dir, 'fresh'), { 'f.md': 'f' });
  const m = await manifestOf(
    env.dir,
    [
      'version: 1',
      'filesets:',
      '  - name: docs',
      '    description: Product docs, revised',
      '    source: ./docs',
      '    directoryPath: kb',
      '    maxDeletePercent: 100',
      '  - name: fresh',
      '    source: ./fresh',
      '',
    ].join('\n'),
  );
  const plan = deepFreeze(await createPlan(m, { client: env.client }));
  const before = JSON.stringify(plan);
  const [docs, fresh] = plan.filesets;
  expect(docs.changes.map((c) => c.op)).toEqual(['update']);
  expect(docs.entries[0].deletes.map((d) => [d.path, d.phase]).sort()).toEqual([
    ['kb/gone.md', 'after'],
    ['kb/swap', 'before'],
  ]);
  expect(docs.entries[0].uploads.map((u) => [u.op, u.path]).sort()).toEqual([
    ['replace', 'kb/a.md'],
    ['replace', 'kb/big.bin'],
    ['upload', 'kb/new.md'],
    ['upload', 'kb/swap/inner.md'],
  ]);
  expect(fresh.id).toBeNull();

  const report = await applyPlan(plan, m, { client: env.client });
  for (const f of report.filesets) {
    expect(f.error).toBeUndefined();
    expect(f.skipped).toBeUndefined();
    expect(f.result?.failed).toBe(0);
  }
  expect(JSON.stringify(plan)).toBe(before);
  expect((await remoteListing(env.client, await fileSetId())).map(([p]) => p)).toEqual(['kb/a.md', 'kb/big.bin', 'kb/new.md', 'kb/swap/inner.md']);
  expect((await env.client.getFileSet(await fileSetId())).description).toBe('Product docs, revised');
  expect(await remoteListing(env.client, await fileSetId('fresh'))).toEqual([['f.md', sha('f')]]);
  expect((await planManifest(m, { client: env.client })).filesets.flatMap((f) => f.actions)).toEqual([]);
});

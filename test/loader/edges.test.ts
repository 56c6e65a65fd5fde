/**
 * The loader at the edges, against the real emulator: entries that reach one FileSet under different names,
 * a narrowed include, file↔directory swaps, the tool's own state directory inside
 * a source, and a file swapped for a symlink between plan and apply. Each asserts both sides' listings and
 * what the emulator's request log says was deleted.
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyManifest, applyPlan, createPlan, ManifestError, planManifest, type Manifest, type Report } from '../../loader';
import { deletedPaths, localState, remoteState, sha256, startBackend } from '../support/harness';
import { manifestOf, startEnv, writeTree, type Env } from './helpers';

let env: Env;
let src: string;

beforeEach(async () => {
  env = await startEnv();
  src = path.join(env.dir, 'docs');
  mkdirSync(src, { recursive: true });
});
afterEach(async () => env.close());

async function manifest(extra = '', name = 'docs'): Promise<Manifest> {
  return manifestOf(env.dir, `version: 1\nfilesets:\n  - name: ${name}\n    source: ./docs\n    maxDeletePercent: 100\n${extra}`);
}
async function onlyId(name = 'docs'): Promise<string> {
  const found = await env.client.findFileSetsByName(name);
  expect(found).toHaveLength(1);
  return found[0].id;
}
/** Paths the emulator's request log says were deleted since `from`. */
function deletedSince(from: number): string[] {
  return deletedPaths(env.emu.requestLog().slice(from));
}
function clean(r: Report): void {
  for (const fs of r.filesets) {
    expect(fs.error).toBeUndefined();
    expect(fs.skipped).toBeUndefined();
    expect(fs.problems).toBeUndefined();
  }
}
async function expectConverged(m: Manifest): Promise<void> {
  const again = await planManifest(m, { client: env.client });
  expect(again.filesets.flatMap((f) => f.actions)).toEqual([]);
}

test('two entries reaching one FileSet under different names (a name and an id) are checked for overlap after lookup', async () => {
  writeTree(src, { 'a.md': 'a' });
  const first = await manifest();
  clean(await applyManifest(first, { client: env.client }));
  const id = await onlyId();
  writeTree(path.join(env.dir, 'other'), { 'b.md': 'b' });
  const overlapping = await manifestOf(
    env.dir,
    [
      'version: 1',
      'filesets:',
      '  - name: docs',
      '    source: ./docs',
      '  - name: other',
      `    id: ${id}`,
      '    source: ./other',
      '    directoryPath: sub',
      '',
    ].join('\n'),
  );
  const before = env.emu.stats().mutating;
  await expect(applyManifest(overlapping, { client: env.client })).rejects.toThrow(ManifestError);
  await expect(applyManifest(overlapping, { client: env.client })).rejects.toThrow(
    /lines 3 and 5 reach the same FileSet with overlapping directoryPaths '' \(the root\) and 'sub'/,
  );
  expect(env.emu.stats().mutating).toBe(before);
  // disjoint prefixes under two names are one FileSet with two entries
  const disjoint = await manifestOf(
    env.dir,
    [
      'version: 1',
      'filesets:',
      '  - name: docs',
      '    source: ./docs',
      '    directoryPath: main',
      '  - name: other',
      `    id: ${id}`,
      '    source: ./other',
      '    directoryPath: sub',
      '',
    ].join('\n'),
  );
  const r = await applyManifest(disjoint, { client: env.client });
  clean(r);
  expect(r.filesets).toHaveLength(1);
  // a.md at the root is outside both prefixes now: no entry manages it any more, so it stays
  expect(await remoteState(env.client, id)).toEqual({ 'a.md': sha256('a'), 'main/a.md': sha256('a'), 'sub/b.md': sha256('b') });
  await expectConverged(disjoint);
});

test('a narrowed include deletes what the plan showed, exits clean, and the next plan is empty', async () => {
  writeTree(src, { 'a.md': 'a', 'b.txt': 'b', 'c.txt': 'c' });
  clean(await applyManifest(await manifest(), { client: env.client }));
  const narrowed = await manifest('    include: ["**/*.md"]\n');
  const plan = await planManifest(narrowed, { client: env.client });
  expect(plan.filesets[0].actions.map((a) => `${a.op} ${'path' in a ? a.path : ''}`)).toEqual(['delete b.txt', 'delete c.txt']);
  const from = env.emu.requestLog().length;
  const r = await applyManifest(narrowed, { client: env.client });
  clean(r);
  expect(r.filesets[0].result?.deleted).toBe(2);
  expect(deletedSince(from).sort()).toEqual(['b.txt', 'c.txt']);
  await expectConverged(narrowed);
});

test('file → directory and directory → file swaps converge in one run, deleting only what the plan showed', async () => {
  writeTree(src, { a: 'a file', 'b/x.md': 'x', 'b/deep/y.md': 'y', 'keep.md': 'k' });
  const m = await manifest();
  clean(await applyManifest(m, { client: env.client }));
  rmSync(path.join(src, 'a'));
  rmSync(path.join(src, 'b'), { recursive: true });
  writeTree(src, { 'a/inner.md': 'now a directory', b: 'now a file' });
  const plan = await createPlan(m, { client: env.client });
  const shown = plan.filesets[0].entries[0].deletes.map((d) => d.path);
  const from = env.emu.requestLog().length;
  const r = await applyPlan(plan, m, { client: env.client });
  clean(r);
  for (const p of deletedSince(from)) expect(shown).toContain(p);
  const id = await onlyId();
  expect(await remoteState(env.client, id)).toEqual(await localState(src));
  await expectConverged(m);
});

test('the state directory inside a source with dotfiles is never uploaded', async () => {
  writeTree(env.dir, { 'a.md': 'a', '.hidden': 'h' });
  const m = await manifestOf(env.dir, 'version: 1\nfilesets:\n  - name: root\n    source: .\n    dot: true\n    exclude: ["docs/**", "manifest.yaml"]\n');
  clean(await applyManifest(m, { client: env.client }));
  clean(await applyManifest(m, { client: env.client }));
  const id = await onlyId('root');
  expect(Object.keys(await remoteState(env.client, id)).sort()).toEqual(['.hidden', 'a.md']);
  await expectConverged(m);
});

test('a file swapped for a symlink after the plan is not uploaded through the link', async () => {
  writeTree(src, { 'a.md': 'a' });
  const m = await manifest();
  clean(await applyManifest(m, { client: env.client }));
  writeTree(src, { 'a.md': 'a changed', 'b.md': 'b' });
  const plan = await createPlan(m, { client: env.client });
  const secret = path.join(env.dir, 'secret.txt');
  writeFileSync(secret, 'outside the source');
  rmSync(path.join(src, 'b.md'));
  symlinkSync(secret, path.join(src, 'b.md'));
  const r = await applyPlan(plan, m, { client: env.client });
  expect(r.filesets[0].result?.failed).toBe(1);
  expect(r.filesets[0].error?.message).toMatch(/b\.md/);
  const remote = await remoteState(env.client, await onlyId());
  expect(remote['b.md']).toBeUndefined();
  expect(Object.values(remote)).not.toContain(sha256('outside the source'));
});

test('a cancelled run aborts a split upload in flight: no upload is left open on the server', async () => {
  const slow = await startBackend(
    { faults: { rate: 1, kinds: ['slow'], seed: 1 }, slowMs: 200 },
    { splitUploadThreshold: 1024, splitPartSize: 256, retry: { attempts: 3 } },
  );
  const { emu: slowEmu, client } = slow;
  try {
    writeTree(src, { 'big.bin': Buffer.alloc(4096, 7) });
    const m = await manifest();
    const stop = new AbortController();
    const cancel = new AbortController();
    const running = applyManifest(m, { client, signal: stop.signal, cancel: cancel.signal });
    for (let i = 0; i < 2000 && !slowEmu.requestLog().some((e) => e.operationId === 'uploadSplitFilePart'); i += 1) await new Promise((r) => setTimeout(r, 5));
    stop.abort('SIGINT');
    cancel.abort('SIGINT');
    const report = await running;
    expect(report.interrupted).toEqual({ signal: 'SIGINT' });
    expect(report.filesets[0].result?.failed).toBe(1);
    const log = slowEmu.requestLog();
    const count = (op: string) => log.filter((e) => e.operationId === op && e.status >= 200 && e.status < 300).length;
    expect(count('initiateSplitFileUpload')).toBe(1);
    expect(count('finalizeSplitFileUpload') + count('abortSplitFileUpload')).toBe(1);
  } finally {
    await slow.close();
  }
});

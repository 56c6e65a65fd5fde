/**
 * Backups through the built CLI against the emulator: `apply --backup-dir` and `destroy --backup-dir` save
 * what a replace, a prune or a destroy would lose, `restore` puts back the very bytes (compared by the SHA-256
 * of what the server hands out again), and a backup whose download arrives damaged stops its change.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import type { DestroyResult, RestoreResult } from '../../loader';
import type { Report } from '../../loader/types';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import {
  TOKEN,
  assertBuilt,
  expectOneLineError,
  fileSetId,
  fileSetsNamed,
  runCli,
  sha256,
  startBackend,
  successfulMutations,
  workspace,
  type Backend,
  type Workspace,
} from '../support/harness';

let be: Backend;
let ws: Workspace;
let proxy: FaultProxy | undefined;

/** The files the FileSet starts with: text, a nested binary file, and one no change touches. */
const ORIGINAL: Record<string, string | Buffer> = {
  'a.md': 'old a',
  'b.md': 'old b',
  'd/c.bin': Buffer.from([0, 1, 2, 255, 254, 10, 13, 0]),
  'keep.md': 'kept',
};
const hashes = (files: Record<string, string | Buffer>): Record<string, string> => Object.fromEntries(Object.entries(files).map(([p, c]) => [p, sha256(c)]));

beforeAll(async () => {
  assertBuilt();
  be = await startBackend();
});
afterAll(async () => be?.close());
beforeEach(async () => {
  await be.emu.reset();
  ws = await workspace('backup');
  for (const [p, c] of Object.entries(ORIGINAL)) await ws.write(`src/${p}`, c);
  await ws.manifest('version: 1\nfilesets:\n  - name: saved\n    source: ./src\n    maxDeletePercent: 100\n');
  expect((await cli(['apply', '-f', 'manifest.yaml'])).code).toBe(0);
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await ws?.cleanup();
});

async function cli(args: string[], url = be.emu.url) {
  const r = await runCli(args, { env: { DOMO_BASE_URL: url, DOMO_DEVELOPER_TOKEN: TOKEN }, cwd: ws.dir });
  expect(r.stdout + r.stderr).not.toContain(TOKEN);
  return r;
}

/** SHA-256 of every file of the FileSet as the server hands it out again (downloaded, not as listed). */
async function downloaded(id: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const f of be.client.listFiles(id, { filesOnly: true })) {
    const discard = new Writable({ write: (_c, _e, cb) => cb() });
    out[f.path] = (await be.client.downloadFile(id, { fileId: f.id }, { stream: discard }, { verify: false })).sha256;
  }
  return out;
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

test('apply --backup-dir saves what a replace and a prune lose; restore gives back identical bytes', async () => {
  const id = await fileSetId(be.client, 'saved');
  expect(await downloaded(id)).toEqual(hashes(ORIGINAL));
  await ws.write('src/a.md', 'new a');
  await ws.remove('src/b.md');

  const r = await cli(['apply', '-f', 'manifest.yaml', '--backup-dir', 'backups', '--format', 'json']);
  expect(r.code).toBe(0);
  const fs = (JSON.parse(r.stdout) as Report).filesets[0];
  expect(fs.result).toEqual({ uploaded: 0, replaced: 1, deleted: 1, failed: 0 });
  expect(fs.backup?.files).toBe(2);
  const dir = fs.backup!.dir;
  expect(relative(join(ws.dir, 'backups', 'saved'), dir)).toMatch(/^\d{4}-\d\d-\d\dT[\d-]+\.\d+Z$/);
  expect(sha256(readFileSync(join(dir, 'a.md')))).toBe(sha256('old a'));
  const { 'b.md': _pruned, ...after } = ORIGINAL;
  expect(await downloaded(id)).toEqual(hashes({ ...after, 'a.md': 'new a' }));

  const restored = await cli(['restore', relative(ws.dir, dir)]);
  expect(restored.code).toBe(0);
  expect(restored.stdout).toContain('+ restored a.md\n');
  expect(restored.stdout).toContain('+ restored b.md\n');
  expect(restored.stdout).toContain(`Restore: 2 file(s) restored into FileSet saved (${id}).`);
  expect(await downloaded(id)).toEqual(hashes(ORIGINAL));
});

test('destroy --backup-dir saves every file first; restore creates the FileSet again by name with identical bytes', async () => {
  const r = await cli(['destroy', '-f', 'manifest.yaml', '--yes', '--backup-dir', 'backups', '--format', 'json']);
  expect(r.code).toBe(0);
  const [fs] = (JSON.parse(r.stdout) as DestroyResult).filesets;
  expect(fs).toMatchObject({ name: 'saved', deleted: true, backup: { files: 4 } });
  expect(await fileSetsNamed(be.client, 'saved')).toEqual([]);
  expect(filesUnder(fs.backup!.dir).sort()).toEqual(['a.md', 'b.md', 'backup.json', join('d', 'c.bin'), 'keep.md']);

  const restored = await cli(['restore', fs.backup!.dir, '--format', 'json']);
  expect(restored.code).toBe(0);
  const result = JSON.parse(restored.stdout) as RestoreResult;
  expect(result).toMatchObject({ fileSetName: 'saved', created: true, failed: [] });
  expect(result.restored.sort()).toEqual(Object.keys(ORIGINAL).sort());
  expect(await fileSetsNamed(be.client, 'saved')).toEqual([result.fileSetId]);
  expect(await downloaded(result.fileSetId)).toEqual(hashes(ORIGINAL));
});

test('a backup whose download arrives damaged fails its hash check: that change is not made, exit 1, the remote file still there', async () => {
  const id = await fileSetId(be.client, 'saved');
  proxy = await startFaultProxy(be.emu.url, [{ fault: 'corrupt', match: { method: 'GET', path: /\/files\/[^/]+\/download$/ } }]);
  const backups = join(ws.dir, 'backups');

  for (const [what, edit, failed] of [
    ['a replace', () => ws.write('src/a.md', 'new a'), /replace a\.md: SHA-256 mismatch downloading /],
    [
      'a prune',
      async () => {
        await ws.write('src/a.md', 'old a');
        await ws.remove('src/b.md');
      },
      /delete b\.md: SHA-256 mismatch downloading /,
    ],
  ] as const) {
    await edit();
    const logStart = be.emu.requestLog().length;
    const damaged = proxy.log.filter((e) => e.fault === 'corrupt').length;
    const r = await cli(['apply', '-f', 'manifest.yaml', '--backup-dir', 'backups'], proxy.url);
    expect([what, r.code]).toEqual([what, 1]);
    expect(expectOneLineError(r.stderr)).toMatch(failed);
    expect(proxy.log.filter((e) => e.fault === 'corrupt').length).toBeGreaterThan(damaged);
    expect(successfulMutations(be.emu.requestLog().slice(logStart))).toEqual([]);
    expect(await downloaded(id)).toEqual(hashes(ORIGINAL));
    // Nothing damaged was kept as if it were a backup.
    expect(filesUnder(backups)).toEqual([]);
  }
});

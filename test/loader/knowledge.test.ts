/**
 * The AI knowledge base as code, against the emulator: aiEnabled, access reconciled exactly, ownership
 * transfer guarded, a READ-only token refused before any change, apply --wait-indexed (a FAILED file makes it
 * exit 1 with its reason), status, reindex and query --expect.
 */
import * as path from 'node:path';
import type { DomoFilesClient } from '../../client';
import type { EmulatorHandle } from '../../emulator';
import { applyManifest, fileActions, ManifestError, planManifest, type Manifest } from '../../loader';
import { runCli } from '../cli/helpers';
import { startScratchBackend, type ScratchBackend } from '../support/harness';
import { manifestOf, writeTree } from './helpers';

let be: ScratchBackend;
let emu: EmulatorHandle;
let owner: DomoFilesClient;
let dir: string;
const TOKEN = 'owner-token-1';
const READER = 'reader-token-9';

beforeEach(async () => {
  be = await startScratchBackend({
    token: TOKEN,
    users: [
      { token: TOKEN, userId: 1 },
      { token: READER, userId: 9 },
    ],
    indexDelayMs: 20,
  });
  ({ emu, client: owner, dir } = be);
  writeTree(path.join(dir, 'docs'), {
    'pto.md': '# Paid time off\nEvery employee gets twenty days of paid time off.\n',
    'travel.md': '# Travel\nBook trains.\n',
  });
});
afterEach(async () => {
  await be.close();
});

const kb = (extra: string): Promise<Manifest> => manifestOf(dir, `version: 1\nfilesets:\n  - name: kb\n    source: ./docs\n    aiEnabled: true\n${extra}`);
const env = (token = TOKEN) => ({ DOMO_BASE_URL: emu.url, DOMO_DEVELOPER_TOKEN: token });
async function kbId(): Promise<string> {
  const [fs] = await owner.findFileSetsByName('kb');
  return fs.id;
}
const grantsOf = async (id: string) => (await owner.getAccess(id)).fileSetAccess.map((a) => `${a.entityType} ${a.entityId} ${a.permission}`).sort();

test('aiEnabled and access are reconciled exactly (grants not listed are revoked, the owner kept); the next plan is empty', async () => {
  const m = await kb('    access:\n      - {group: 7, permission: READ}\n      - {user: 3, permission: EDIT}\n');
  const r = await applyManifest(m, { client: owner });
  expect(r.filesets[0].error).toBeUndefined();
  const id = await kbId();
  expect((await owner.getFileSet(id)).aiEnabled).toBe(true);
  expect(await grantsOf(id)).toEqual(['GROUP 7 READ', 'USER 1 OWNER', 'USER 3 EDIT']);
  expect((await planManifest(m, { client: owner })).filesets[0].actions).toEqual([]);

  const changed = await kb('    access:\n      - {group: 7, permission: EDIT}\n');
  const plan = await planManifest(changed, { client: owner });
  expect(plan.filesets[0].actions).toEqual([
    { op: 'grant', principal: { type: 'GROUP', id: 7 }, permission: 'EDIT', from: 'READ' },
    { op: 'revoke', principal: { type: 'USER', id: 3 }, from: 'EDIT' },
  ]);
  const md = await runCli(['plan', '-f', path.join(dir, 'manifest.yaml'), '--format', 'markdown'], env());
  expect(md.stdout).toContain('**grant group 7 EDIT** of `kb`');
  expect(md.stdout).toContain('**revoke user 3** of `kb`');
  await applyManifest(changed, { client: owner });
  expect(await grantsOf(id)).toEqual(['GROUP 7 EDIT', 'USER 1 OWNER']);
  expect((await planManifest(changed, { client: owner })).filesets[0].actions).toEqual([]);
});

test("an ownership transfer away from the token's own user is refused unless allowOwnerTransfer; allowed, it converges", async () => {
  await applyManifest(await kb(''), { client: owner });
  const id = await kbId();
  const m0 = emu.stats().mutating;
  const refused = await runCli(['apply', '-f', path.join(dir, 'manifest.yaml')], env());
  expect(refused.code).toBe(0); // nothing to do yet
  await kb('    owner: 5\n    access:\n      - {user: 1, permission: EDIT}\n');
  const r = await runCli(['apply', '-f', path.join(dir, 'manifest.yaml')], env());
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/owner 5 \(line \d+\) would move FileSet 'kb' away from user 1, this token's user.*allowOwnerTransfer: true/);
  expect(emu.stats().mutating).toBe(m0);
  const allowed = await kb('    owner: 5\n    allowOwnerTransfer: true\n    access:\n      - {user: 1, permission: EDIT}\n');
  const done = await applyManifest(allowed, { client: owner });
  expect(done.filesets[0].error).toBeUndefined();
  expect((await owner.getFileSet(id)).owner).toBe('5');
  expect((await planManifest(allowed, { client: owner })).filesets[0].actions).toEqual([]);
});

test('a READ-only token cannot apply: one clear line naming the permission, nothing changed', async () => {
  await applyManifest(await kb(''), { client: owner });
  const id = await kbId();
  await owner.updateAccess(id, [{ entityId: 9, entityType: 'USER', permission: 'READ' }]);
  writeTree(path.join(dir, 'docs'), { 'new.md': 'new' });
  const m0 = emu.stats().mutating;
  const r = await runCli(['apply', '-f', path.join(dir, 'manifest.yaml')], env(READER));
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/this token's user has READ on FileSet 'kb'; changing its files or settings needs EDIT/);
  expect(emu.stats().mutating).toBe(m0);
});

test('apply --wait-indexed: a FAILED file exits 1 with its path and reason; status and reindex --failed-only see it', async () => {
  writeTree(path.join(dir, 'docs'), { 'broken.pdf': 'not a pdf at all' });
  await kb('');
  const r = await runCli(['apply', '-f', path.join(dir, 'manifest.yaml'), '--wait-indexed', '--index-timeout', '30s', '--format', 'json'], env());
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as { filesets: { index: { completed: number; failed: { path: string; reason: string }[] } }[] };
  expect(report.filesets[0].index.completed).toBe(2);
  expect(report.filesets[0].index.failed).toEqual([{ path: 'broken.pdf', reason: expect.any(String) }]);
  expect(r.stderr).toMatch(/indexing failed for 1 file of FileSet "kb": broken\.pdf \(/);

  const status = await runCli(['status', '-f', path.join(dir, 'manifest.yaml'), '--format', 'json'], env());
  const st = (JSON.parse(status.stdout) as { filesets: { files: number; index: { completed: number; failed: number }; aiEnabled: boolean }[] }).filesets[0];
  expect(st).toMatchObject({ files: 3, aiEnabled: true, index: { completed: 2, failed: 1 } });
  const re = await runCli(['reindex', '-f', path.join(dir, 'manifest.yaml'), '--failed-only', '--format', 'json'], env());
  expect((JSON.parse(re.stdout) as { filesets: { requested: number }[] }).filesets[0].requested).toBe(1);
});

test('apply --wait-indexed exits 0 once every uploaded file is indexed; query --expect is the smoke test', async () => {
  await kb('');
  const r = await runCli(['apply', '-f', path.join(dir, 'manifest.yaml'), '--wait-indexed', '--format', 'json'], env());
  expect(r.code).toBe(0);
  expect((JSON.parse(r.stdout) as { filesets: { index: unknown }[] }).filesets[0].index).toEqual({ completed: 2, pending: 0, failed: [], skipped: 0 });
  const id = await kbId();
  const hit = await runCli(['query', id, 'paid time off', '--top-k', '2', '--expect', 'pto.md'], env());
  expect(hit.code).toBe(0);
  const miss = await runCli(['query', id, 'paid time off', '--top-k', '1', '--expect', 'nothing.md'], env());
  expect(miss.code).toBe(1);
  expect(miss.stderr).toMatch(/query: nothing\.md is not among the 1 match \(pto\.md\)/);
  expect(fileActions((await planManifest(await kb(''), { client: owner })).filesets[0])).toEqual([]);
});

test('entries that turn out to be one FileSet after lookup (a name and an id) must agree on aiEnabled: one error naming both lines, nothing changed', async () => {
  await applyManifest(await kb(''), { client: owner });
  const id = await kbId();
  writeTree(path.join(dir, 'more'), { 'extra.md': 'extra' });
  const m = await manifestOf(
    dir,
    `version: 1\nfilesets:\n  - name: kb\n    source: ./docs\n    directoryPath: docs\n    aiEnabled: true\n  - name: kb-by-id\n    id: "${id}"\n    source: ./more\n    directoryPath: more\n    aiEnabled: false\n`,
  );
  const m0 = emu.stats().mutating;
  await expect(applyManifest(m, { client: owner })).rejects.toThrow(ManifestError);
  await expect(planManifest(m, { client: owner })).rejects.toThrow(
    new RegExp(`manifest\\.yaml:7: entries on lines 3 and 7 reach the same FileSet but disagree on 'aiEnabled'.*\\(FileSet ${id}\\)$`),
  );
  expect(emu.stats().mutating).toBe(m0);
  expect((await owner.getFileSet(id)).aiEnabled).toBe(true);
});

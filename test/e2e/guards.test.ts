import type { Report } from '../../loader/types';
import {
  TOKEN,
  assertBuilt,
  fileSetId,
  mutatingSince,
  expectOneLineError,
  remoteState,
  runCli,
  startBackend,
  workspace,
  type Backend,
  type Workspace,
} from '../support/harness';

let be: Backend;
let ws: Workspace;

beforeAll(async () => {
  assertBuilt();
  be = await startBackend();
});
afterAll(async () => be?.close());
beforeEach(async () => {
  await be.emu.reset();
  ws = await workspace();
});
afterEach(async () => ws?.cleanup());

async function cli(args: string[]) {
  const r = await runCli(args, { env: be.env, cwd: ws.dir });
  expect(r.stdout + r.stderr).not.toContain(TOKEN);
  return r;
}

/** Syncs five files, then removes `remove` of them locally and changes one, so a plan has deletes and an upload. */
async function seeded(name: string, extra: string, remove: number): Promise<{ file: string; id: string; before: Record<string, string | null> }> {
  for (let i = 0; i < 5; i += 1) await ws.write(`src/f${i}.md`, `file ${i}`);
  const seedFile = await ws.manifest(`version: 1\nfilesets:\n  - name: ${name}\n    source: ./src\n`, 'seed.yaml');
  expect((await cli(['apply', '-f', seedFile])).code).toBe(0);
  for (let i = 0; i < remove; i += 1) await ws.remove(`src/f${i}.md`);
  await ws.write('src/new.md', 'new file that must not be uploaded while refused');
  const file = await ws.manifest(`version: 1\nfilesets:\n  - name: ${name}\n    source: ./src\n${extra}`);
  const id = await fileSetId(be.client, name);
  return { file, id, before: await remoteState(be.client, id) };
}

/** apply must exit 3, name the guard in one line, and change nothing (no mutating request at all). */
async function expectRefused(file: string, id: string, before: Record<string, string | null>, guard: string, flags: string[] = []): Promise<void> {
  const m0 = be.emu.stats().mutating;
  const r = await cli(['apply', '-f', file, '--format', 'json', ...flags]);
  expect(r.code).toBe(3);
  const report = JSON.parse(r.stdout) as Report;
  expect(report.filesets[0].refused?.guard).toBe(guard);
  expect(expectOneLineError(r.stderr)).toMatch(new RegExp(`refused by ${guard}`));
  expect(mutatingSince(be.emu, m0)).toBe(0);
  expect(await remoteState(be.client, id)).toEqual(before);
  // plan reports the same refusal with the same exit code
  const plan = await cli(['plan', '-f', file, ...flags]);
  expect(plan.code).toBe(3);
  expect(plan.stdout).toContain(`refused (${guard})`);
}

describe('safety guards (exit 3, nothing changed)', () => {
  it('maxDeletes in the manifest', async () => {
    const { file, id, before } = await seeded('guard-max', '    maxDeletes: 1\n    maxDeletePercent: 100\n', 2);
    await expectRefused(file, id, before, 'maxDeletes');
  });

  it('--max-deletes on the command line', async () => {
    const { file, id, before } = await seeded('guard-flag', '    maxDeletePercent: 100\n', 2);
    await expectRefused(file, id, before, 'maxDeletes', ['--max-deletes', '1']);
    // the same change passes without the flag
    expect((await cli(['apply', '-f', file])).code).toBe(0);
    expect(Object.keys(await remoteState(be.client, id)).sort()).toEqual(['f2.md', 'f3.md', 'f4.md', 'new.md']);
  });

  it('maxDeletePercent (default 50)', async () => {
    const { file, id, before } = await seeded('guard-pct', '', 3);
    await expectRefused(file, id, before, 'maxDeletePercent');
  });

  it('empty source never prunes', async () => {
    const { id, before } = await seeded('guard-empty', '', 0);
    await ws.remove('src');
    await ws.write('empty/.keep-dir-placeholder', '');
    const file = await ws.manifest('version: 1\nfilesets:\n  - name: guard-empty\n    source: ./empty\n    maxDeletePercent: 100\n', 'empty.yaml');
    await expectRefused(file, id, before, 'emptySource');
  });

  it('empty source with allowEmpty: true prunes everything', async () => {
    const { id } = await seeded('allow-empty', '', 0);
    await ws.write('empty/.hidden', 'dotfiles are not included by default');
    const file = await ws.manifest(
      'version: 1\nfilesets:\n  - name: allow-empty\n    source: ./empty\n    allowEmpty: true\n    maxDeletePercent: 100\n',
      'empty.yaml',
    );
    const r = await cli(['apply', '-f', file]);
    expect(r.code).toBe(0);
    expect(await remoteState(be.client, id)).toEqual({});
  });

  it('a refused FileSet does not stop the others, but the run still exits 3', async () => {
    const { id, before } = await seeded('guarded', '', 3);
    await ws.write('other/x.md', 'x');
    const file = await ws.manifest('version: 1\nfilesets:\n  - name: guarded\n    source: ./src\n  - name: free\n    source: ./other\n', 'two.yaml');
    const r = await cli(['apply', '-f', file, '--format', 'json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.filesets.map((f) => [f.name, f.refused?.guard ?? null])).toEqual([
      ['guarded', 'maxDeletePercent'],
      ['free', null],
    ]);
    expect(await remoteState(be.client, id)).toEqual(before);
    expect(Object.keys(await remoteState(be.client, await fileSetId(be.client, 'free')))).toEqual(['x.md']);
  });
});

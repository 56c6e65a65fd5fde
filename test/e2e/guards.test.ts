import type { Report } from '../../loader/types';
import { fileSetId, mutatingSince, expectOneLineError, remoteState, useCliWorkspace } from '../support/harness';

const fx = useCliWorkspace();

const cli = fx.cli;

/** Syncs five files, then removes `remove` of them locally and changes one, so a plan has deletes and an upload. */
async function seeded(name: string, extra: string, remove: number): Promise<{ file: string; id: string; before: Record<string, string | null> }> {
  for (let i = 0; i < 5; i += 1) await fx.ws.write(`src/f${i}.md`, `file ${i}`);
  const seedFile = await fx.ws.manifest(`version: 1\nfilesets:\n  - name: ${name}\n    source: ./src\n`, 'seed.yaml');
  expect((await cli(['apply', '-f', seedFile])).code).toBe(0);
  for (let i = 0; i < remove; i += 1) await fx.ws.remove(`src/f${i}.md`);
  await fx.ws.write('src/new.md', 'new file that must not fx.be uploaded while refused');
  const file = await fx.ws.manifest(`version: 1\nfilesets:\n  - name: ${name}\n    source: ./src\n${extra}`);
  const id = await fileSetId(fx.be.client, name);
  return { file, id, before: await remoteState(fx.be.client, id) };
}

/** apply must exit 3, name the guard in one line, and change nothing (no mutating request at all). */
async function expectRefused(file: string, id: string, before: Record<string, string | null>, guard: string, flags: string[] = []): Promise<void> {
  const m0 = fx.be.emu.stats().mutating;
  const r = await cli(['apply', '-f', file, '--format', 'json', ...flags]);
  expect(r.code).toBe(3);
  const report = JSON.parse(r.stdout) as Report;
  expect(report.filesets[0].refused?.guard).toBe(guard);
  expect(expectOneLineError(r.stderr)).toMatch(new RegExp(`refused by ${guard}`));
  expect(mutatingSince(fx.be.emu, m0)).toBe(0);
  expect(await remoteState(fx.be.client, id)).toEqual(before);
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
    expect(Object.keys(await remoteState(fx.be.client, id)).sort()).toEqual(['f2.md', 'f3.md', 'f4.md', 'new.md']);
  });

  it('maxDeletePercent (default 50)', async () => {
    const { file, id, before } = await seeded('guard-pct', '', 3);
    await expectRefused(file, id, before, 'maxDeletePercent');
  });

  it('empty source never prunes', async () => {
    const { id, before } = await seeded('guard-empty', '', 0);
    await fx.ws.remove('src');
    await fx.ws.write('empty/.keep-dir-placeholder', '');
    const file = await fx.ws.manifest('version: 1\nfilesets:\n  - name: guard-empty\n    source: ./empty\n    maxDeletePercent: 100\n', 'empty.yaml');
    await expectRefused(file, id, before, 'emptySource');
  });

  it('empty source with allowEmpty: true prunes everything', async () => {
    const { id } = await seeded('allow-empty', '', 0);
    await fx.ws.write('empty/.hidden', 'dotfiles are not included by default');
    const file = await fx.ws.manifest(
      'version: 1\nfilesets:\n  - name: allow-empty\n    source: ./empty\n    allowEmpty: true\n    maxDeletePercent: 100\n',
      'empty.yaml',
    );
    const r = await cli(['apply', '-f', file]);
    expect(r.code).toBe(0);
    expect(await remoteState(fx.be.client, id)).toEqual({});
  });

  it('a refused FileSet does not stop the others, but the run still exits 3', async () => {
    const { id, before } = await seeded('guarded', '', 3);
    await fx.ws.write('other/x.md', 'x');
    const file = await fx.ws.manifest('version: 1\nfilesets:\n  - name: guarded\n    source: ./src\n  - name: free\n    source: ./other\n', 'two.yaml');
    const r = await cli(['apply', '-f', file, '--format', 'json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.filesets.map((f) => [f.name, f.refused?.guard ?? null])).toEqual([
      ['guarded', 'maxDeletePercent'],
      ['free', null],
    ]);
    expect(await remoteState(fx.be.client, id)).toEqual(before);
    expect(Object.keys(await remoteState(fx.be.client, await fileSetId(fx.be.client, 'free')))).toEqual(['x.md']);
  });
});

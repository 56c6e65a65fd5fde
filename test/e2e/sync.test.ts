import { rename as mv } from 'node:fs/promises';
import { join } from 'node:path';
import { fileActions } from '../../loader/actions';
import type { Report } from '../../loader/types';
import { fileSetId, localState, mutatingSince, expectOneLineError, remoteState, useCliWorkspace } from '../support/harness';

const fx = useCliWorkspace();

/** A one-FileSet manifest over ./src. */
function manifest(name: string, extra = ''): string {
  return `version: 1\nfilesets:\n  - name: ${JSON.stringify(name)}\n    source: ./src\n${extra}`;
}

const cli = fx.cli;

async function applyJson(file: string, extra: string[] = []): Promise<{ code: number | null; report: Report; stderr: string }> {
  const r = await cli(['apply', '-f', file, '--format', 'json', ...extra]);
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, report, stderr: r.stderr };
}

async function expectExact(name: string, prefix = ''): Promise<void> {
  const id = await fileSetId(fx.be.client, name);
  expect(await remoteState(fx.be.client, id, prefix || undefined)).toEqual(await localState(join(fx.ws.dir, 'src'), prefix));
}

describe('plan / apply scenarios', () => {
  it('first sync uploads a nested tree; a second apply changes nothing and sends no mutating request', async () => {
    await fx.ws.write('src/readme.md', '# hi\n');
    await fx.ws.write('src/guides/setup/install.md', 'install\n');
    await fx.ws.write('src/guides/empty.txt', '');
    await fx.ws.write('src/a/b/c/d/deep.pdf', Buffer.alloc(70_000, 7));
    const file = await fx.ws.manifest(manifest('first-sync'));

    const first = await applyJson(file);
    expect(first.code).toBe(0);
    expect(first.report.filesets).toHaveLength(1);
    const fs = first.report.filesets[0];
    expect(fs).toMatchObject({
      name: 'first-sync',
      create: true,
      summary: { upload: 4, replace: 0, delete: 0, unchanged: 0 },
      result: { uploaded: 4, failed: 0 },
    });
    expect(typeof fs.id).toBe('string');
    await expectExact('first-sync');

    const before = fx.be.emu.stats().mutating;
    const second = await applyJson(file);
    expect(second.code).toBe(0);
    expect(second.report.filesets[0]).toMatchObject({ summary: { upload: 0, replace: 0, delete: 0, unchanged: 4 }, actions: [] });
    expect(second.report.filesets[0].create).toBeUndefined();
    expect(mutatingSince(fx.be.emu, before)).toBe(0);
  });

  it('modify replaces, delete prunes, rename uploads the new path before deleting the old', async () => {
    await fx.ws.write('src/keep.md', 'keep');
    await fx.ws.write('src/edit.md', 'v1');
    await fx.ws.write('src/gone.md', 'bye');
    await fx.ws.write('src/old-name.md', 'renamed content');
    await fx.ws.write('src/x/y.md', 'y');
    const file = await fx.ws.manifest(manifest('lifecycle', '    maxDeletePercent: 100\n'));
    expect((await cli(['apply', '-f', file])).code).toBe(0);

    await fx.ws.write('src/edit.md', 'v2 is longer');
    await fx.ws.remove('src/gone.md');
    await mv(join(fx.ws.dir, 'src/old-name.md'), join(fx.ws.dir, 'src/new-name.md'));

    const plan = await cli(['plan', '-f', file, '--format', 'json']);
    expect(plan.code).toBe(0);
    const planned = JSON.parse(plan.stdout) as Report;
    const ops = fileActions(planned.filesets[0])
      .map((a) => `${a.op} ${a.path}`)
      .sort();
    expect(ops).toEqual(['delete gone.md', 'delete old-name.md', 'replace edit.md', 'upload new-name.md']);
    expect(planned.filesets[0].summary).toMatchObject({ upload: 1, replace: 1, delete: 2, unchanged: 2 });

    const seqStart = fx.be.emu.requestLog().length;
    const applied = await applyJson(file);
    expect(applied.code).toBe(0);
    expect(applied.report.filesets[0].result).toEqual({ uploaded: 1, replaced: 1, deleted: 2, failed: 0 });
    await expectExact('lifecycle');

    const log = fx.be.emu.requestLog().slice(seqStart);
    const uploadNew = log.findIndex((e) => e.operationId === 'createFile' && e.path === 'new-name.md');
    const deleteOld = log.findIndex((e) => /^deleteFile/.test(e.operationId) && e.path === 'old-name.md');
    expect(uploadNew).toBeGreaterThanOrEqual(0);
    expect(deleteOld).toBeGreaterThan(uploadNew);
  });

  it('special-character names round-trip exactly (spaces, unicode NFC/NFD, # % ? + &)', async () => {
    const names = ['a b.md', 'ünïcödé.md', 'Cafe\u0301 NFD.md', 'hash#tag.md', '100%.md', 'why?.md', 'c++ & more.md', 'dir with space/ß+&#.txt'];
    for (const n of names) await fx.ws.write(`src/${n}`, `content of ${n}`);
    const file = await fx.ws.manifest(manifest('special chars'));
    const r = await applyJson(file);
    expect(r.code).toBe(0);
    expect(r.report.filesets[0].result?.uploaded).toBe(names.length);
    await expectExact('special chars');
    const again = await applyJson(file);
    expect(again.report.filesets[0].summary).toMatchObject({ upload: 0, replace: 0, delete: 0, unchanged: names.length });
  });

  it('a directoryPath prefix: only files under it are managed; excluded paths survive a prune', async () => {
    await fx.ws.write('src/a.md', 'a');
    await fx.ws.write('src/b.md', 'b');
    const file = await fx.ws.manifest(manifest('prefixed', '    directoryPath: handbook\n    exclude: ["**/*.tmp"]\n    maxDeletePercent: 100\n'));
    expect((await cli(['apply', '-f', file])).code).toBe(0);
    const id = await fileSetId(fx.be.client, 'prefixed');
    // Files the manifest does not own: outside the prefix, and excluded inside it.
    await fx.be.client.uploadFile(id, { path: 'outside.md', source: { content: 'not ours' } });
    await fx.be.client.uploadFile(id, { path: 'handbook/scratch.tmp', source: { content: 'excluded' } });
    await fx.ws.remove('src/b.md');

    const r = await applyJson(file);
    expect(r.code).toBe(0);
    expect(r.report.filesets[0].actions).toEqual([expect.objectContaining({ op: 'delete', path: 'handbook/b.md' })]);
    const remote = await remoteState(fx.be.client, id);
    expect(Object.keys(remote).sort()).toEqual(['handbook/a.md', 'handbook/scratch.tmp', 'outside.md']);
  });

  it('plan and apply --dry-run send no mutating request and create nothing', async () => {
    await fx.ws.write('src/a.md', 'a');
    const file = await fx.ws.manifest(manifest('dry'));
    const before = fx.be.emu.stats().mutating;
    const plan = await cli(['plan', '-f', file]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('Plan: 1 FileSet to create, 1 to upload');
    const dry = await cli(['apply', '-f', file, '--dry-run', '--format', 'json']);
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout) as Report;
    expect(report.filesets[0]).toMatchObject({ id: null, create: true, summary: { upload: 1 } });
    expect(report.filesets[0].result).toBeUndefined();
    expect(mutatingSince(fx.be.emu, before)).toBe(0);
    expect(await fx.be.client.findFileSetsByName('dry')).toEqual([]);
  });

  it('--detailed-exitcode: 2 with changes, 0 without', async () => {
    await fx.ws.write('src/a.md', 'a');
    const file = await fx.ws.manifest(manifest('detailed'));
    const changes = await cli(['plan', '-f', file, '--detailed-exitcode']);
    expect(changes.code).toBe(2);
    expect(changes.stderr).not.toContain('error');
    expect((await cli(['plan', '-f', file])).code).toBe(0);
    expect((await cli(['apply', '-f', file])).code).toBe(0);
    const none = await cli(['plan', '-f', file, '--detailed-exitcode']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no changes');
  });

  it('json output is exactly the contract document; markdown has the table', async () => {
    await fx.ws.write('src/a.md', 'a');
    await fx.ws.write('src/b.md', 'bb');
    const file = await fx.ws.manifest(manifest('formats'));
    const plan = await cli(['plan', '-f', file, '--format', 'json']);
    const doc = JSON.parse(plan.stdout) as Report;
    expect(Object.keys(doc)).toEqual(['filesets']);
    const fs = doc.filesets[0];
    expect(fs).toMatchObject({ name: 'formats', id: null });
    expect(Object.keys(fs.summary).sort()).toEqual(['bytes', 'delete', 'replace', 'unchanged', 'upload']);
    expect(fs.summary.bytes).toBe(3);
    for (const a of fileActions(fs)) {
      expect(Object.keys(a).sort()).toEqual(['hash', 'op', 'path', 'size']);
      expect(a.op).toBe('upload');
      expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    const applied = await applyJson(file);
    expect(Object.keys(applied.report.filesets[0].result ?? {}).sort()).toEqual(['deleted', 'failed', 'replaced', 'uploaded']);

    await fx.ws.write('src/c.md', 'c');
    const md = await cli(['plan', '-f', file, '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('| FileSet | Upload | Replace | Delete | Unchanged | Bytes | Status |');
    expect(md.stdout).toContain('| `formats` | 1 | 0 | 0 | 2 | 1 B | changes |');
    expect(md.stdout).toContain('<details><summary>Actions (1)</summary>');
    expect(md.stdout).toContain('**upload** `c.md`');

    const text = await cli(['apply', '-f', file]);
    expect(text.stdout).toMatch(/^formats\s+1\s+0\s+0\s+0\s+2\s+1 B\s+applied$/m);
    expect(text.stdout).not.toContain('\x1b['); // not a TTY: no colour
  });

  it('duplicate remote FileSet names give a clear one-line error', async () => {
    await fx.be.client.createFileSet({ name: 'twin' });
    await fx.be.client.createFileSet({ name: 'twin' });
    await fx.ws.write('src/a.md', 'a');
    const file = await fx.ws.manifest(manifest('twin'));
    const before = fx.be.emu.stats().mutating;
    const r = await cli(['apply', '-f', file]);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/twin.*\bid\b/);
    expect(r.stdout).toBe('');
    expect(mutatingSince(fx.be.emu, before)).toBe(0);
  });
});

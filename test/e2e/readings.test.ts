/**
 * The CLI as a child process under readings of the API that differ from the emulator's default: a server
 * that answers an upload with another path than the one requested, a server that refuses to delete a
 * FileSet still holding files (409), and a server that keeps the content type an upload declares.
 */
import { join } from 'node:path';
import { startFaultProxy } from '../support/fault-proxy';
import {
  assertBuilt,
  deletedPaths,
  expectOneLineError,
  fileSetsNamed,
  runCli,
  sha256,
  remoteState,
  startScratchBackend,
  writeTree,
  type ScratchBackend,
} from '../support/harness';

jest.setTimeout(60_000);
beforeAll(assertBuilt);

let be: ScratchBackend;
afterEach(async () => be?.close());

const UPLOAD = { method: 'POST', path: /^\/api\/files\/v1\/filesets\/[^/]+\/files(\?|$)/ };

test('an upload answered with another path is a failure of that file: its entry prunes nothing, another entry still prunes, exit 1 naming both paths', async () => {
  be = await startScratchBackend();
  const [a, b] = [await be.client.createFileSet({ name: 'mismatch-a' }), await be.client.createFileSet({ name: 'mismatch-b' })];
  await be.client.uploadFile(a.id, { path: 'stale-a.md', source: { content: 'stale a' } });
  await be.client.uploadFile(b.id, { path: 'stale-b.md', source: { content: 'stale b' } });
  writeTree(be.dir, {
    'a/x.md': 'x',
    'b/y.md': 'y',
    'manifest.yaml': [
      'version: 1',
      'filesets:',
      '  - name: mismatch-a',
      '    source: ./a',
      '    maxDeletePercent: 100',
      '  - name: mismatch-b',
      '    source: ./b',
      '    maxDeletePercent: 100',
      '',
    ].join('\n'),
  });
  // The server stores x.md where it was asked to, but says it stored it elsewhere.
  const proxy = await startFaultProxy(be.emu.url, [
    {
      fault: 'rewrite',
      match: UPLOAD,
      rewrite: (json) => {
        const f = json as { path?: unknown };
        return f.path === 'x.md' ? { ...f, path: 'elsewhere/x.md' } : f;
      },
    },
  ]);
  try {
    const logStart = be.emu.requestLog().length;
    const r = await runCli(['apply', '-f', join(be.dir, 'manifest.yaml')], { env: { ...be.env, DOMO_BASE_URL: proxy.url }, cwd: be.dir });
    expect(r.code).toBe(1);
    const line = expectOneLineError(r.stderr);
    expect(line).toContain('1 file operation failed (FileSet "mismatch-a")');
    expect(line).toContain('"x.md"');
    expect(line).toContain('"elsewhere/x.md"');
    // The entry whose upload failed kept its stale file; the other entry uploaded and pruned.
    expect(deletedPaths(be.emu.requestLog().slice(logStart))).toEqual(['stale-b.md']);
    expect(Object.keys(await remoteState(be.client, a.id)).sort()).toEqual(['stale-a.md', 'x.md']);
    expect(await remoteState(be.client, b.id)).toEqual({ 'y.md': sha256('y') });
  } finally {
    await proxy.close();
  }
});

describe('a server that refuses to delete a FileSet that still holds files (409)', () => {
  beforeEach(async () => {
    be = await startScratchBackend({ readings: { cascadeDelete: false } });
  });

  /** A FileSet holding files in a directory and at the root. */
  async function filled(name: string): Promise<string> {
    const fs = await be.client.createFileSet({ name });
    for (const p of ['a.md', 'd/b.md', 'd/e/c.md']) await be.client.uploadFile(fs.id, { path: p, source: { content: p } });
    return fs.id;
  }

  /** The FileSet delete was refused once with 409, then done after its files went. */
  function expectEmptiedThenDeleted(id: string, logStart: number): void {
    const log = be.emu
      .requestLog()
      .slice(logStart)
      .filter((e) => e.fileSetId === id);
    const fileSetDeletes = log.filter((e) => e.operationId === 'deleteFileSet').map((e) => e.status);
    expect(fileSetDeletes[0]).toBe(409);
    expect(fileSetDeletes[fileSetDeletes.length - 1]).toBeLessThan(300);
    expect(deletedPaths(log)).toEqual(expect.arrayContaining(['a.md', 'd/b.md', 'd/e/c.md']));
  }

  test('destroy --yes empties the FileSet, deletes it, exit 0', async () => {
    const id = await filled('refusing');
    writeTree(be.dir, { 'src/keep.md': 'k', 'manifest.yaml': 'version: 1\nfilesets:\n  - name: refusing\n    source: ./src\n' });
    const logStart = be.emu.requestLog().length;
    const r = await runCli(['destroy', '-f', join(be.dir, 'manifest.yaml'), '--yes'], { env: be.env, cwd: be.dir });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(await fileSetsNamed(be.client, 'refusing')).toEqual([]);
    expectEmptiedThenDeleted(id, logStart);
  });

  test('gc --yes empties every matching FileSet, deletes it, exit 0', async () => {
    const ids = [await filled('pr-env-1'), await filled('pr-env-2')];
    await be.client.createFileSet({ name: 'other' });
    const logStart = be.emu.requestLog().length;
    const r = await runCli(['gc', '--name', 'pr-env-*', '--yes'], { env: be.env, cwd: be.dir });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect([...(await fileSetsNamed(be.client, 'pr-env-1')), ...(await fileSetsNamed(be.client, 'pr-env-2'))]).toEqual([]);
    expect(await fileSetsNamed(be.client, 'other')).toHaveLength(1);
    for (const id of ids) expectEmptiedThenDeleted(id, logStart);
  });
});

test('a manifest contentTypes entry is the content type the upload declares (a server that keeps it stores it)', async () => {
  be = await startScratchBackend({ readings: { honourContentType: true } });
  writeTree(be.dir, {
    'src/guide.md': '# guide\n',
    'src/notes.txt': 'notes\n',
    'manifest.yaml': 'version: 1\nfilesets:\n  - name: typed\n    source: ./src\n    contentTypes: {".md": "text/x-custom"}\n',
  });
  const r = await runCli(['apply', '-f', join(be.dir, 'manifest.yaml')], { env: be.env, cwd: be.dir });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  const [id] = await fileSetsNamed(be.client, 'typed');
  expect((await be.client.getFileByPath(id, 'guide.md')).contentType).toBe('text/x-custom');
  // An extension the map does not name keeps the type from its name.
  expect((await be.client.getFileByPath(id, 'notes.txt')).contentType).toMatch(/^text\/plain/);
});

/**
 * Bad local trees, the CLI as a child process: symlink loops and escapes, names that are not valid UTF-8,
 * unreadable files, a file that vanishes (or turns into a directory or a FIFO) between the scan and its upload.
 * Each: one line on stderr, exit 1, and nothing changed beyond what had already succeeded — in particular no
 * delete at all, and every remote file that was there before is still there.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertBuilt,
  expectOneLineError,
  logFigures,
  remoteState,
  runCli,
  sha256,
  startBackend,
  startGateProxy,
  successfulDeletes,
  workspace,
  type Backend,
  type Workspace,
} from '../support/harness';

beforeAll(assertBuilt);

let ws: Workspace;
let be: Backend;
let fsId: string;
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
const tried: string[] = [];

beforeAll(async () => {
  be = await startBackend();
});
afterAll(async () => {
  logFigures('badinput-files', { tried: tried.length, cases: tried });
  await be?.close();
});
beforeEach(async () => {
  ws = await workspace('badfiles');
  // A FileSet already in sync with src/ plus one stale remote file that a successful run would prune.
  for (const f of ['a.md', 'b.md', 'c.md', 'sub/d.md']) await ws.write(`src/${f}`, `content of ${f}`);
  await ws.write('secret.txt', 'outside the source');
  await ws.manifest('version: 1\nfilesets:\n  - name: files-bad\n    source: ./src\n    maxDeletePercent: 100\n');
  const existing = await be.client.findFileSetsByName('files-bad');
  for (const f of existing) await be.client.deleteFileSet(f.id);
  fsId = (await be.client.createFileSet({ name: 'files-bad' })).id;
  for (const f of ['a.md', 'b.md', 'c.md', 'sub/d.md']) await be.client.uploadFile(fsId, { path: f, source: { content: `content of ${f}` } });
  await be.client.uploadFile(fsId, { path: 'stale.md', source: { content: 'stale' } });
});
afterEach(async () => ws?.cleanup());

const BEFORE = (): Record<string, string> => ({
  'a.md': sha256('content of a.md'),
  'b.md': sha256('content of b.md'),
  'c.md': sha256('content of c.md'),
  'sub/d.md': sha256('content of sub/d.md'),
  'stale.md': sha256('stale'),
});

/** Runs plan and apply; both must fail cleanly and apply must change nothing. */
async function expectRefused(label: string, want: RegExp): Promise<void> {
  tried.push(label);
  const before = be.emu.stats().mutating;
  for (const cmd of ['plan', 'apply']) {
    const r = await runCli([cmd, '-f', 'manifest.yaml'], { env: be.env, cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(want);
    expect(r.stderr + r.stdout).not.toContain(be.token);
  }
  expect(be.emu.stats().mutating).toBe(before);
  expect(await remoteState(be.client, fsId)).toEqual(BEFORE());
}

describe('unsafe or unreadable local trees are refused before anything changes', () => {
  it('a symlink loop (a → b → a)', async () => {
    symlinkSync('b', join(ws.dir, 'src', 'a-loop'));
    symlinkSync('a-loop', join(ws.dir, 'src', 'b'));
    await expectRefused('symlink loop', /loop/);
  });

  it('a directory symlink to its own ancestor', async () => {
    symlinkSync('..', join(ws.dir, 'src', 'sub', 'up'));
    await expectRefused('symlink to ancestor', /loop|outside/);
  });

  it('a symlink that escapes the source (relative ../secret.txt)', async () => {
    symlinkSync('../secret.txt', join(ws.dir, 'src', 'innocent.md'));
    await expectRefused('symlink escape relative', /outside source/);
  });

  it('a symlink that escapes the source (absolute /etc/hostname)', async () => {
    symlinkSync('/etc/hostname', join(ws.dir, 'src', 'host.md'));
    await expectRefused('symlink escape absolute', /outside source/);
  });

  it('a dangling symlink', async () => {
    symlinkSync('nowhere.md', join(ws.dir, 'src', 'dangling.md'));
    await expectRefused('dangling symlink', /broken symlink|dangling/);
  });

  // Regression guard (fixed in loader/scan.ts after a reliability request): fast-glob silently returns NO entry for
  // a directory holding a name that is not valid UTF-8, so the scan saw an empty source; the empty-source guard
  // then refused with exit 3 and a misleading "matches no file" (with allowEmpty: true only the delete-time lstat
  // re-check kept the remote files).
  it('a file name that is not valid UTF-8 (arbitrary bytes, created with a Buffer path)', async () => {
    const name = Buffer.concat([Buffer.from(join(ws.dir, 'src') + '/'), Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0x2e, 0x6d, 0x64])]);
    writeFileSync(name, 'bytes');
    await expectRefused('invalid UTF-8 name', /UTF-8/);
  });

  it('a directory of invalid UTF-8 name holding a file', async () => {
    const dir = Buffer.concat([Buffer.from(join(ws.dir, 'src') + '/'), Buffer.from([0xc3, 0x28])]);
    mkdirSync(dir);
    writeFileSync(Buffer.concat([dir, Buffer.from('/x.md')]), 'x');
    await expectRefused('invalid UTF-8 directory', /UTF-8/);
  });

  it('an unreadable file (chmod 000; skipped as root, see the gate tests below for reads that fail for every user)', async () => {
    if (IS_ROOT) {
      // Root bypasses permission bits: chmod 000 cannot make a file unreadable. The unreadable-at-upload cases
      // (a directory or a FIFO where a file was) run below for every user; here the reason is logged.
      logFigures('badinput-files', { skipped: 'chmod 000 does not block reads for root (uid 0)' });
      return;
    }
    chmodSync(join(ws.dir, 'src', 'b.md'), 0o000);
    // the hash cache could answer without reading: make sure the file is new to it
    writeFileSync(join(ws.dir, 'src', 'new.md'), 'new');
    chmodSync(join(ws.dir, 'src', 'new.md'), 0o000);
    await expectRefused('unreadable file (chmod 000)', /EACCES|cannot read/);
  });

  it('a FIFO among the files is not read (it would block): the rest syncs, the FIFO is not uploaded', async () => {
    tried.push('FIFO in the tree');
    execFileSync('mkfifo', [join(ws.dir, 'src', 'pipe.md')]);
    const r = await runCli(['apply', '-f', 'manifest.yaml'], { env: be.env, cwd: ws.dir, timeoutMs: 30_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(0);
    const after = await remoteState(be.client, fsId);
    expect(after['pipe.md']).toBeUndefined();
    expect(after['a.md']).toBe(BEFORE()['a.md']);
  });
});

describe('the tree changes between the scan and the upload', () => {
  /** Runs apply with --concurrency 1 through a proxy that holds the first upload; `change` runs meanwhile. */
  async function applyWithChange(label: string, change: () => void): Promise<{ code: number | null; stderr: string; stdout: string; deletes: number }> {
    tried.push(label);
    // New files so that there is something to upload; the first upload is held while the tree changes.
    await ws.write('src/n1.md', 'new 1');
    await ws.write('src/n2.md', 'new 2');
    await ws.write('src/n3.md', 'new 3');
    const gate = await startGateProxy(be.emu.url, (req) => req.method === 'POST' && /\/filesets\/[^/]+\/files(\?|$)/.test(req.url ?? ''));
    const logStart = be.emu.requestLog().length;
    try {
      const pending = runCli(['apply', '-f', 'manifest.yaml', '--concurrency', '1', '--format', 'json'], {
        env: { DOMO_BASE_URL: gate.url, DOMO_DEVELOPER_TOKEN: be.token },
        cwd: ws.dir,
        timeoutMs: 60_000,
      });
      await gate.arrived;
      change();
      gate.release();
      const r = await pending;
      return { ...r, deletes: successfulDeletes(be.emu.requestLog().slice(logStart)).length };
    } finally {
      await gate.close();
    }
  }

  for (const [label, change, want] of [
    ['a file vanishes', () => execFileSync('rm', [join(ws.dir, 'src', 'n3.md')]), /n3\.md/],
    [
      'a file becomes a directory',
      () => {
        execFileSync('rm', [join(ws.dir, 'src', 'n3.md')]);
        mkdirSync(join(ws.dir, 'src', 'n3.md'));
      },
      /n3\.md/,
    ],
    [
      'a file becomes a FIFO (would block a reader forever)',
      () => {
        execFileSync('rm', [join(ws.dir, 'src', 'n3.md')]);
        execFileSync('mkfifo', [join(ws.dir, 'src', 'n3.md')]);
      },
      /n3\.md/,
    ],
  ] as const) {
    it(`${label}: exit 1, one line naming it, the other uploads kept, no delete`, async () => {
      const r = await applyWithChange(label, change);
      expect(r.code).toBe(1);
      expect(expectOneLineError(r.stderr)).toMatch(want);
      expect(r.deletes).toBe(0);
      const after = await remoteState(be.client, fsId);
      // What had already succeeded stays; nothing that was there is lost; the stale file waits for a clean run.
      expect(after).toMatchObject(BEFORE());
      expect(after['n1.md']).toBe(sha256('new 1'));
      expect(after['n3.md']).toBeUndefined();
    });
  }
});

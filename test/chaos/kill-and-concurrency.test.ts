/**
 * The loader killed with SIGKILL mid-apply (during uploads, and during the prune), then re-run: it converges and
 * nothing is lost. Two applies of the same manifest at once: both end and the final state is exact.
 */
import { join } from 'node:path';
import type { RequestLogEntry } from '../../emulator';
import {
  assertBuilt,
  fileSetsNamed,
  localState,
  logFigures,
  remoteState,
  runCli,
  sha256,
  spawnCli,
  startBackend,
  startBarrierProxy,
  successfulDeletes,
  workspace,
  type Backend,
  type Workspace,
} from '../support/harness';

const FULL = process.env.CHAOS === 'full';
const FILES = FULL ? 2000 : 300;

jest.setTimeout(FULL ? 15 * 60_000 : 3 * 60_000);
beforeAll(assertBuilt);

let ws: Workspace;
let be: Backend;
beforeEach(async () => {
  ws = await workspace('kill');
});
afterEach(async () => {
  await be?.close();
  await ws?.cleanup();
});

/** Small split uploads and a short grace period after Ctrl-C for the CLI child (see the fixture). */
const SMALL_SPLITS = join(__dirname, '..', 'support', 'fixtures', 'small-splits.cjs');
const MANIFEST = 'version: 1\nfilesets:\n  - name: killed\n    source: ./src\n    maxDeletePercent: 100\n';

function tick(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls the in-process emulator's log (bounded) until `enough` holds or the child has exited. */
async function waitFor(log: () => RequestLogEntry[], enough: (l: RequestLogEntry[]) => boolean, exited: () => boolean): Promise<boolean> {
  for (let i = 0; i < 30_000; i += 1) {
    if (enough(log())) return true;
    if (exited()) return false;
    await tick(2);
  }
  return false;
}

async function seedTree(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await ws.write(`src/d${i % 9}/f-${i}.md`, `file ${i}\n`);
}

describe('SIGKILL mid-apply, then re-run', () => {
  for (const phase of ['upload', 'delete'] as const) {
    it(`killed during the ${phase}s: nothing lost, the re-run converges to remote == local`, async () => {
      // Slow responses on a share of requests keep the apply running long enough to be killed in the phase.
      be = await startBackend({ faults: { rate: 0.5, kinds: ['slow'], seed: 11 }, slowMs: 15 });
      await seedTree(FILES);
      // Remote before: a third of the files already there, plus stale files the prune must remove.
      const fsId = (await be.client.createFileSet({ name: 'killed' })).id;
      const staleCount = phase === 'delete' ? 60 : 10;
      for (let i = 0; i < FILES; i += 3) await be.client.uploadFile(fsId, { path: `d${i % 9}/f-${i}.md`, source: { content: `file ${i}\n` } });
      for (let i = 0; i < staleCount; i += 1) await be.client.uploadFile(fsId, { path: `stale/s${i}.md`, source: { content: `stale ${i}` } });
      const local = await localState(join(ws.dir, 'src'));
      const file = await ws.manifest(MANIFEST);

      const logStart = be.emu.requestLog().length;
      const slice = (): RequestLogEntry[] => be.emu.requestLog().slice(logStart);
      const run = spawnCli(['apply', '-f', file, '--concurrency', '2'], { env: be.env, cwd: ws.dir });
      let exited = false;
      void run.done.then(() => (exited = true));
      const trigger =
        phase === 'upload'
          ? (l: RequestLogEntry[]) => l.filter((e) => e.operationId === 'createFile' && e.status === 201).length >= 20
          : (l: RequestLogEntry[]) => successfulDeletes(l).length >= 3;
      const hit = await waitFor(slice, trigger, () => exited);
      expect(hit).toBe(true);
      run.child.kill('SIGKILL');
      const killed = await run.done;
      expect(killed.signal).toBe('SIGKILL');

      const afterKill = await remoteState(be.client, fsId);
      const uploadsBeforeKill = slice().filter((e) => e.operationId === 'createFile' && e.status === 201).length;
      const deletesBeforeKill = successfulDeletes(slice()).length;
      // Nothing lost: every local file that was on the remote before is still there, and deletes (if any)
      // touched only stale paths, never a local one.
      for (let i = 0; i < FILES; i += 3) expect(afterKill[`d${i % 9}/f-${i}.md`]).toBe(sha256(`file ${i}\n`));
      // (A request cut off by the kill is logged with status 0, so it is not among the successful deletes.)
      for (const d of successfulDeletes(slice())) expect(d.path).toMatch(/^stale(\/|$)/);
      if (phase === 'upload') expect(successfulDeletes(slice())).toEqual([]);

      const rerun = await runCli(['apply', '-f', file], { env: be.env, cwd: ws.dir });
      expect(rerun.stderr).not.toMatch(/error/i);
      expect(rerun.code).toBe(0);
      expect(await fileSetsNamed(be.client, 'killed')).toEqual([fsId]);
      expect(await remoteState(be.client, fsId)).toEqual(local);
      // And a third run is a no-op: nothing left half-done.
      const mutBefore = be.emu.stats().mutating;
      expect((await runCli(['apply', '-f', file], { env: be.env, cwd: ws.dir })).code).toBe(0);
      expect(be.emu.stats().mutating).toBe(mutBefore);
      logFigures(`sigkill-${phase}`, { files: FILES, uploadsBeforeKill, deletesBeforeKill, runsToConverge: 1 });
    });
  }
});

describe('SIGINT / SIGTERM mid-apply', () => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig}: stops starting work, lets running requests settle, prints what was done, exits ${sig === 'SIGINT' ? 130 : 143}; the re-run converges`, async () => {
      be = await startBackend({ faults: { rate: 0.5, kinds: ['slow'], seed: 3 }, slowMs: 15 });
      await seedTree(120);
      const fsId = (await be.client.createFileSet({ name: 'killed' })).id;
      for (let i = 0; i < 10; i += 1) await be.client.uploadFile(fsId, { path: `stale/s${i}.md`, source: { content: `stale ${i}` } });
      const local = await localState(join(ws.dir, 'src'));
      const file = await ws.manifest(MANIFEST);
      const logStart = be.emu.requestLog().length;
      const slice = (): RequestLogEntry[] => be.emu.requestLog().slice(logStart);
      const run = spawnCli(['apply', '-f', file, '--concurrency', '2', '--format', 'json'], { env: be.env, cwd: ws.dir });
      let exited = false;
      void run.done.then(() => (exited = true));
      expect(
        await waitFor(
          slice,
          (l) => l.filter((e) => e.operationId === 'createFile' && e.status === 201).length >= 10,
          () => exited,
        ),
      ).toBe(true);
      run.child.kill(sig);
      const r = await run.done;
      expect(r.code).toBe(sig === 'SIGINT' ? 130 : 143);
      const report = JSON.parse(r.stdout) as { interrupted?: { signal: string }; filesets: { result: { uploaded: number }; skipped?: unknown[] }[] };
      expect(report.interrupted).toEqual({ signal: sig });
      expect(report.filesets[0].result.uploaded).toBeGreaterThanOrEqual(10);
      expect(report.filesets[0].skipped?.length).toBeGreaterThan(0);
      expect(r.stderr).toMatch(new RegExp(`domo-filesets: error: apply interrupted by ${sig}`));
      // no prune after an interruption, and no request left running once it exited
      expect(successfulDeletes(slice())).toEqual([]);
      expect(slice().filter((e) => e.status === 0)).toEqual([]);
      const rerun = await runCli(['apply', '-f', file], { env: be.env, cwd: ws.dir });
      expect(rerun.code).toBe(0);
      expect(await remoteState(be.client, fsId)).toEqual(local);
    });
  }

  it('Ctrl-C during a split upload that replaces a file: the path is never left empty, a new file’s split upload is aborted, none stays open, exit 130', async () => {
    // Every request takes 40 ms and each file goes in 48 parts, 3 at a time: both uploads are still sending
    // parts when the grace period (300 ms here) ends and the running requests are cancelled.
    be = await startBackend({ latencyMs: 20 });
    const fsId = (await be.client.createFileSet({ name: 'killed' })).id;
    await be.client.uploadFile(fsId, { path: 'big.bin', source: { content: 'the old content' } });
    const replacement = Buffer.alloc(48 * 256, 1);
    await ws.write('src/big.bin', replacement);
    await ws.write('src/new.bin', Buffer.alloc(48 * 256, 2));
    const file = await ws.manifest(MANIFEST);
    const logStart = be.emu.requestLog().length;
    const slice = (): RequestLogEntry[] => be.emu.requestLog().slice(logStart);
    const ok = (op: string, path: string): number => slice().filter((e) => e.operationId === op && e.path === path && e.status >= 200 && e.status < 300).length;
    const run = spawnCli(['apply', '-f', file, '--format', 'json'], { env: { ...be.env, NODE_OPTIONS: `--require ${SMALL_SPLITS}` }, cwd: ws.dir });
    let exited = false;
    void run.done.then(() => (exited = true));
    // The split upload cannot overwrite: the old big.bin is deleted first. Interrupt once both send parts.
    const sending = (): boolean =>
      ok('deleteFileByPath', 'big.bin') === 1 && ok('uploadSplitFilePart', 'big.bin') > 0 && ok('uploadSplitFilePart', 'new.bin') > 0;
    expect(await waitFor(slice, sending, () => exited)).toBe(true);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    const report = JSON.parse(r.stdout) as { interrupted?: { signal: string }; filesets: { result: { uploaded: number; replaced: number; failed: number } }[] };
    expect(report.interrupted).toEqual({ signal: 'SIGINT' });
    expect(report.filesets[0].result).toMatchObject({ uploaded: 0, replaced: 1, failed: 1 });
    // Aborting the replacement would have left big.bin missing: it was finished instead. The new file was aborted.
    expect(await remoteState(be.client, fsId)).toEqual({ 'big.bin': sha256(replacement) });
    expect([ok('finalizeSplitFileUpload', 'big.bin'), ok('abortSplitFileUpload', 'big.bin')]).toEqual([1, 0]);
    expect([ok('finalizeSplitFileUpload', 'new.bin'), ok('abortSplitFileUpload', 'new.bin')]).toEqual([0, 1]);
    for (const p of ['big.bin', 'new.bin']) expect(ok('initiateSplitFileUpload', p)).toBe(1);
    const rerun = await runCli(['apply', '-f', file], { env: be.env, cwd: ws.dir });
    expect(rerun.code).toBe(0);
    expect(await remoteState(be.client, fsId)).toEqual(await localState(join(ws.dir, 'src')));
  });

  it('a second Ctrl-C exits at once', async () => {
    be = await startBackend({ faults: { rate: 1, kinds: ['slow'], seed: 3 }, slowMs: 2_000 });
    await seedTree(20);
    const file = await ws.manifest(MANIFEST);
    const run = spawnCli(['apply', '-f', file, '--concurrency', '2'], { env: be.env, cwd: ws.dir });
    let exited = false;
    void run.done.then(() => (exited = true));
    let stderr = '';
    run.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    // Every request takes 2 s: the first signal lands while the FileSet lookup is still running.
    expect(
      await waitFor(
        () => be.emu.requestLog(),
        () => be.emu.stats().total > 0,
        () => exited,
      ),
    ).toBe(true);
    run.child.kill('SIGINT');
    for (let i = 0; i < 5_000 && !stderr.includes('starting nothing new') && !exited; i += 1) await tick(2);
    expect(exited).toBe(false);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/SIGINT again: exiting now/);
  });
});

describe('two applies of the same manifest at once', () => {
  it('FileSet exists: both end with exit 0 and the final state is exact', async () => {
    be = await startBackend({ faults: { rate: 0.3, kinds: ['slow'], seed: 5 }, slowMs: 5 });
    await seedTree(FULL ? 1000 : 200);
    const fsId = (await be.client.createFileSet({ name: 'killed' })).id;
    for (let i = 0; i < 20; i += 1) await be.client.uploadFile(fsId, { path: `stale/s${i}.md`, source: { content: `stale ${i}` } });
    const file = await ws.manifest(MANIFEST);
    const logStart = be.emu.requestLog().length;
    const [a, b] = await Promise.all([
      runCli(['apply', '-f', file, '--format', 'json'], { env: be.env, cwd: ws.dir }),
      runCli(['apply', '-f', file, '--format', 'json'], { env: be.env, cwd: ws.dir }),
    ]);
    // Observed behaviour (documented in docs/safety.md): there is no lock; both runs plan against the same listing,
    // upload the same bytes to the same paths (an overwrite with identical content) and both prune the stale
    // paths; the loser of each delete gets 404, which the loader counts as deleted.
    expect(a.stderr + b.stderr).not.toMatch(/error/i);
    expect([a.code, b.code]).toEqual([0, 0]);
    const local = await localState(join(ws.dir, 'src'));
    expect(await fileSetsNamed(be.client, 'killed')).toEqual([fsId]);
    expect(await remoteState(be.client, fsId)).toEqual(local);
    for (const d of successfulDeletes(be.emu.requestLog().slice(logStart))) expect(d.path).toMatch(/^stale(\/|$)/);
    logFigures('concurrent-existing', {
      uploads: be.emu
        .requestLog()
        .slice(logStart)
        .filter((e) => e.operationId === 'createFile').length,
      files: Object.keys(local).length,
    });
  });

  it('FileSet missing, both look it up before either creates it: both end and one exact FileSet remains', async () => {
    be = await startBackend();
    await seedTree(50);
    const file = await ws.manifest(MANIFEST);
    // Hold both runs' FileSet lookups until both have asked, so both see "no FileSet named killed".
    const proxy = await startBarrierProxy(be.emu.url, 2, (req) => req.method === 'POST' && (req.url ?? '').startsWith('/api/files/v1/filesets/search'));
    const env = { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: be.token };
    try {
      const [a, b] = await Promise.all([runCli(['apply', '-f', file], { env, cwd: ws.dir }), runCli(['apply', '-f', file], { env, cwd: ws.dir })]);
      expect(a.signal).toBeNull();
      expect(b.signal).toBeNull();
      const idsAfterRace = await fileSetsNamed(be.client, 'killed');
      const third = await runCli(['apply', '-f', file], { env: be.env, cwd: ws.dir });
      const ids = await fileSetsNamed(be.client, 'killed');
      logFigures('concurrent-missing', {
        codes: [a.code, b.code],
        fileSetsAfterRace: idsAfterRace.length,
        thirdRun: third.code,
        thirdStderr: third.stderr.trim().split('\n').pop(),
      });
      // Before the loader settled create races (loader/apply.ts settleCreateRace, from a reliability request) both
      // runs created a FileSet named "killed" and every later run refused the name as ambiguous (exit 1).
      // What must hold: both end, one FileSet of that name remains, and it equals the local tree.
      expect(ids).toHaveLength(1);
      expect(third.code).toBe(0);
      expect(await remoteState(be.client, ids[0])).toEqual(await localState(join(ws.dir, 'src')));
    } finally {
      await proxy.close();
    }
  });
});

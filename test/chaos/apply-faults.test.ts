/**
 * Apply with prune under the fault mix (10% 500, 5% 429 + Retry-After, 3% resets mid-body, 2% slow) at
 * fixed seeds, the CLI as a child process. 2,000 files with CHAOS=full (`npm run test:chaos`), 300 otherwise.
 *
 * Must hold on every run: exit 0 or 1 (one-line error); no successful delete of a path that exists locally, is
 * excluded, or lies outside the entry's directoryPath (checked in the emulator's request log); after a failed
 * run nothing it should not have deleted is gone. Re-runs converge within 3 runs to remote == local exactly
 * (paths and hashes), with no duplicate paths and exactly one FileSet per name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Report } from '../../loader/types';
import {
  FAULT_MIX,
  assertBuilt,
  expectOneLineError,
  faultTotal,
  faulted,
  fileSetsNamed,
  localState,
  logFigures,
  remoteState,
  retriedAfterFault,
  runCli,
  sha256,
  startBackend,
  successfulDeletes,
  workspace,
  type Backend,
  type Workspace,
} from '../support/harness';

const FULL = process.env.CHAOS === 'full';
const FILES = FULL ? 2000 : 300;
const MAX_RUNS = 3;
/** Fixed seeds; on a `cold` seed the remote holds none of the local files yet (a first sync under faults). */
const SEEDS: { seed: number; cold: boolean }[] = FULL
  ? [
      { seed: 1, cold: false },
      { seed: 2, cold: true },
      { seed: 3, cold: false },
    ]
  : [
      { seed: 7, cold: false },
      { seed: 8, cold: true },
    ];

jest.setTimeout(FULL ? 30 * 60_000 : 6 * 60_000);
beforeAll(assertBuilt);

/** Content of local file i; `v` changes it (for files that the remote holds in an older version). */
function content(i: number, v = 0): string {
  return `# file ${i} v${v}\n${'lorem ipsum '.repeat(i % 13)}\n`;
}

function rel(i: number): string {
  const names = ['notes', 'a b', 'café', 'x#y', '100%', 'q?', 'plus+and&'];
  return `d${i % 17}/s${i % 5}/${names[i % names.length]}-${i}.md`;
}

describe(`apply ${FILES} files with prune under faults`, () => {
  for (const { seed, cold } of SEEDS) {
    it(`seed ${seed}${cold ? ' (cold)' : ''}: every run succeeds or deletes nothing it should not; converges within ${MAX_RUNS} runs; exact, no duplicates`, async () => {
      const ws: Workspace = await workspace('chaos');
      const dataDir = await mkdtemp(join(tmpdir(), 'domo-filesets-chaos-data-'));
      let be: Backend | undefined;
      try {
        // Local tree: FILES files under src/, plus a small second source whose FileSet does not exist yet.
        for (let i = 0; i < FILES; i += 1) await ws.write(`src/${rel(i)}`, content(i));
        for (let i = 0; i < 20; i += 1) await ws.write(`fresh/f${i}.txt`, `fresh ${i}`);
        const local = await localState(join(ws.dir, 'src'), 'kb');
        const localFresh = await localState(join(ws.dir, 'fresh'));

        // Seed the remote without faults (disk store): 60% of the files (a tenth of them stale content), stale
        // files under kb/ to prune, excluded *.keep files under kb/ and files outside kb/ that must survive.
        const stale: string[] = [];
        const survivors: Record<string, string> = {};
        {
          const seedEmu = await startBackend({ dataDir });
          const fsId = (await seedEmu.client.createFileSet({ name: 'chaos-kb' })).id;
          for (let i = 0; i < FILES; i += 1) {
            if (cold || i % 10 >= 6) continue;
            await seedEmu.client.uploadFile(fsId, { path: `kb/${rel(i)}`, source: { content: content(i, i % 10 === 0 ? 1 : 0) } });
          }
          for (let i = 0; i < Math.ceil(FILES / 20); i += 1) {
            const p = `kb/gone/old-${i}.md`;
            stale.push(p);
            await seedEmu.client.uploadFile(fsId, { path: p, source: { content: `old ${i}` } });
          }
          for (const p of ['kb/keep/pinned.keep', 'kb/d1/s1/x.keep', 'outside/readme.md', 'other/a.txt']) {
            survivors[p] = sha256(`survivor ${p}`);
            await seedEmu.client.uploadFile(fsId, { path: p, source: { content: `survivor ${p}` } });
          }
          await seedEmu.close();
        }

        be = await startBackend({ dataDir, faults: { ...FAULT_MIX, seed }, slowMs: 25, retryAfterSeconds: 1 });
        const [kbId] = await fileSetsNamed(be.client, 'chaos-kb');
        const file = await ws.manifest(
          [
            'version: 1',
            'filesets:',
            '  - name: chaos-kb',
            '    source: ./src',
            '    directoryPath: kb',
            '    exclude: ["**/*.keep"]',
            '    maxDeletePercent: 100',
            '  - name: chaos-fresh',
            '    source: ./fresh',
            '',
          ].join('\n'),
        );

        let runs = 0;
        let converged = false;
        let failedRuns = 0;
        while (runs < MAX_RUNS && !converged) {
          runs += 1;
          const logStart = be.emu.requestLog().length;
          const r = await runCli(['apply', '-f', file, '--format', 'json'], { env: be.env, cwd: ws.dir, timeoutMs: FULL ? 15 * 60_000 : 5 * 60_000 });
          const log = be.emu.requestLog().slice(logStart);
          expect(r.signal).toBeNull();
          expect([0, 1]).toContain(r.code);
          expect(r.stdout + r.stderr).not.toContain(be.token);
          // No delete of a local path, an excluded path, or anything outside kb/ — in any run.
          for (const d of successfulDeletes(log)) {
            expect(d.fileSetId).toBe(kbId);
            expect(d.path).not.toBeNull();
            // the stale files, and their directory once the plan leaves it empty
            expect([...stale, 'kb/gone']).toContain(d.path);
            expect(local[d.path as string]).toBeUndefined();
          }
          if (r.code === 0) {
            converged = true;
          } else {
            failedRuns += 1;
            expectOneLineError(r.stderr);
            const report = JSON.parse(r.stdout) as Report;
            // A FileSet whose uploads failed deletes nothing in that run (a failed upload may be a renamed file's
            // new path); the other FileSets of the manifest still prune.
            const failedIds = report.filesets.filter((f) => (f.result?.failed ?? 0) > 0 && /^(upload|create)/.test(f.error?.message ?? '')).map((f) => f.id);
            expect(successfulDeletes(log).filter((d) => failedIds.includes(d.fileSetId))).toEqual([]);
          }
        }
        const log = be.emu.requestLog();
        const figures = {
          seed,
          cold,
          files: FILES,
          runs,
          failedRuns,
          requests: be.emu.stats().total,
          faults: be.emu.stats().faults,
          faultsInjected: faultTotal(be.emu),
          faultedInLog: faulted(log).length,
          retriedAfterFault: retriedAfterFault(log),
          deletes: successfulDeletes(log).length,
        };
        logFigures('apply-faults', figures);
        expect(converged).toBe(true);
        expect(figures.faultsInjected).toBeGreaterThan(FILES / 10);
        expect(figures.retriedAfterFault).toBeGreaterThan(0);

        // Exact: kb/ == local (excluded *.keep survive), the rest of the FileSet untouched, no duplicates.
        expect(await fileSetsNamed(be.client, 'chaos-kb')).toEqual([kbId]);
        const freshIds = await fileSetsNamed(be.client, 'chaos-fresh');
        expect(freshIds).toHaveLength(1);
        const remote = await remoteState(be.client, kbId);
        const expected: Record<string, string | null> = { ...local, ...survivors };
        expect(Object.keys(remote).sort()).toEqual(Object.keys(expected).sort());
        expect(remote).toEqual(expected);
        expect(await remoteState(be.client, freshIds[0])).toEqual(localFresh);
        for (const p of stale) expect(remote[p]).toBeUndefined();
      } finally {
        await be?.close();
        await ws.cleanup();
        await rm(dataDir, { recursive: true, force: true });
      }
    });
  }
});

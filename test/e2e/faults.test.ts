import type { Report } from '../../loader/types';
import {
  TOKEN,
  assertBuilt,
  startHeaderFaultProxy,
  fileSetId,
  localState,
  expectOneLineError,
  remoteState,
  runCli,
  startBackend,
  workspace,
  type Backend,
  type Workspace,
} from '../support/harness';
import { join } from 'node:path';

let ws: Workspace;

beforeAll(assertBuilt);
beforeEach(async () => {
  ws = await workspace();
});
afterEach(async () => ws?.cleanup());

const UPLOAD = /^\/api\/files\/v1\/filesets\/[^/]+\/files\/?(\?.*)?$/;

describe('faults mid-apply', () => {
  it('uploads failing after the first few: exit 1, no deletes at all, and a clean re-run converges', async () => {
    const be: Backend = await startBackend();
    try {
      for (let i = 0; i < 6; i += 1) await ws.write(`src/keep${i}.md`, `keep ${i}`);
      await ws.write('src/old.md', 'to be removed');
      const file = await ws.manifest('version: 1\nfilesets:\n  - name: faulty\n    source: ./src\n    maxDeletePercent: 100\n');
      expect((await runCli(['apply', '-f', file], { env: be.env, cwd: ws.dir })).code).toBe(0);
      const id = await fileSetId(be.client, 'faulty');

      // Next change: 6 new files and one delete. The proxy lets two uploads through, then fails every upload.
      await ws.remove('src/old.md');
      for (let i = 0; i < 6; i += 1) await ws.write(`src/new${i}.md`, `new ${i}`);
      let uploads = 0;
      const proxy = await startHeaderFaultProxy(be.emu.url, '500', (req) => req.method === 'POST' && UPLOAD.test(req.url ?? '') && ++uploads > 2);
      const logStart = be.emu.requestLog().length;
      try {
        const r = await runCli(['apply', '-f', file, '--format', 'json', '--concurrency', '1'], {
          env: { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: TOKEN },
          cwd: ws.dir,
          timeoutMs: 120_000,
        });
        expect(r.code).toBe(1);
        expect(proxy.faulted()).toBeGreaterThan(0);
        const report = JSON.parse(r.stdout) as Report;
        expect(report.filesets[0].result?.failed).toBeGreaterThan(0);
        expect(report.filesets[0].result?.deleted).toBe(0);
        expect(expectOneLineError(r.stderr)).toMatch(/apply failed: \d+ file operations? failed/);
        expect(r.stderr + r.stdout).not.toContain(TOKEN);
      } finally {
        await proxy.close();
      }
      const log = be.emu.requestLog().slice(logStart);
      expect(log.filter((e) => e.operationId.startsWith('deleteFile'))).toEqual([]);
      expect(Object.keys(await remoteState(be.client, id))).toContain('old.md');

      const rerun = await runCli(['apply', '-f', file], { env: be.env, cwd: ws.dir });
      expect(rerun.code).toBe(0);
      expect(await remoteState(be.client, id)).toEqual(await localState(join(ws.dir, 'src')));
    } finally {
      await be.close();
    }
  });

  it('random emulator faults (500s, connection resets): each run succeeds or deletes nothing; re-runs converge', async () => {
    const be: Backend = await startBackend({ faults: { rate: 0.2, kinds: ['500', 'reset'], seed: 42 } });
    try {
      for (let i = 0; i < 30; i += 1) await ws.write(`src/d${i % 3}/f${i}.md`, `content ${i}`);
      await ws.write('src/stale.md', 'stale');
      const file = await ws.manifest('version: 1\nfilesets:\n  - name: chaos\n    source: ./src\n    maxDeletePercent: 100\n');
      let converged = false;
      // First get everything up, then remove a file and converge again.
      for (const phase of ['seed', 'prune'] as const) {
        if (phase === 'prune') await ws.remove('src/stale.md');
        converged = false;
        for (let run = 0; run < 5 && !converged; run += 1) {
          const logStart = be.emu.requestLog().length;
          const r = await runCli(['apply', '-f', file], { env: be.env, cwd: ws.dir, timeoutMs: 120_000 });
          expect([0, 1]).toContain(r.code);
          if (r.code === 1) {
            expect(expectOneLineError(r.stderr)).toMatch(/^domo-filesets: error: /);
            const deletes = be.emu
              .requestLog()
              .slice(logStart)
              .filter((e) => e.operationId.startsWith('deleteFile') && e.status < 300);
            expect(deletes).toEqual([]);
          } else {
            converged = true;
          }
        }
        expect(converged).toBe(true);
        expect(await be.client.findFileSetsByName('chaos')).toHaveLength(1);
      }
      const id = await fileSetId(be.client, 'chaos');
      expect(await remoteState(be.client, id)).toEqual(await localState(join(ws.dir, 'src')));
      const injected = Object.values(be.emu.stats().faults).reduce((a, b) => a + b, 0);
      expect(injected).toBeGreaterThan(0);
    } finally {
      await be.close();
    }
  });
});

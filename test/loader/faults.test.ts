/**
 * Injected faults mid-apply (the emulator's seeded faults): a run with any failure reports it and deletes
 * nothing; re-runs converge to remote == local; no file that exists locally is ever deleted.
 */
import { existsSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { applyManifest, type Report } from '../../loader';
import { testClient } from '../support/harness';
import { manifestOf, remoteListing, startEnv, writeTree, type Env } from './helpers';

let env: Env;
afterEach(async () => env.close());

test('faults mid-apply: failures reported, no deletes in that run, a re-run converges', async () => {
  // The seeded faults land on the uploads for the request sequence under the `seed` profile's readings; a
  // server with a listing maximum of 100 (the spec's) adds a 400 and a second listing request, and shifts
  // them onto the listing.
  env = await startEnv({ profile: 'seed', faults: { rate: 0.15, kinds: ['500', 'reset'], seed: 42 } });
  const src = path.join(env.dir, 'docs');
  const steady = testClient(env.emu.url, env.token, { retry: { attempts: 10, baseDelayMs: 1, maxDelayMs: 5 } });
  const flaky = testClient(env.emu.url, env.token, { retry: { attempts: 1 } });
  try {
    writeTree(src, Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.md`, `file ${i}`])));
    const m = await manifestOf(env.dir, 'version: 1\nfilesets:\n  - name: chaos\n    source: ./docs\n');
    // the client retries an upload only so often; the setup converges like any run does
    for (let i = 0; i < 5 && (await applyManifest(m, { client: steady })).filesets[0].error; i += 1);
    const [fs] = await steady.findFileSetsByName('chaos');

    // rename 5 files (upload new + delete old) and add 25
    for (let i = 0; i < 5; i += 1) renameSync(path.join(src, `f${i}.md`), path.join(src, `renamed-${i}.md`));
    writeTree(src, Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`new/n${i}.md`, `new ${i}`])));

    // without retries, some requests fail; a failed lookup or listing throws before anything changes
    let failedRun: Report | undefined;
    for (let i = 0; i < 30 && !failedRun; i += 1) {
      const from = env.emu.requestLog().length;
      let report: Report | undefined;
      try {
        report = await applyManifest(m, { client: flaky });
      } catch {
        report = undefined;
      }
      const deletes = env.emu
        .requestLog()
        .slice(from)
        .filter((e) => e.operationId.startsWith('deleteFile'));
      if (report && report.filesets[0].result!.failed > 0) {
        failedRun = report;
        expect(deletes).toEqual([]);
      } else if (!report) {
        expect(deletes).toEqual([]);
      }
    }
    expect(failedRun).toBeDefined();
    const fr = failedRun!.filesets[0];
    expect(fr.result!.deleted).toBe(0);
    expect(fr.error!.count).toBe(fr.result!.failed);
    expect(fr.error!.message).toMatch(/^upload /);
    const faults = env.emu.stats().faults;
    expect((faults['500'] ?? 0) + (faults.reset ?? 0)).toBeGreaterThan(0);

    // re-runs with retries converge
    let runs = 0;
    for (; runs < 3; runs += 1) {
      const r = await applyManifest(m, { client: steady });
      if (r.filesets[0].result!.failed === 0) break;
    }
    expect(runs).toBeLessThan(3);
    const local = [
      ...Array.from({ length: 5 }, (_, i) => `renamed-${i}.md`),
      ...Array.from({ length: 15 }, (_, i) => `f${i + 5}.md`),
      ...Array.from({ length: 25 }, (_, i) => `new/n${i}.md`),
    ].sort();
    expect((await remoteListing(steady, fs.id)).map(([p]) => p)).toEqual(local);
    // no path that exists locally was ever deleted
    for (const e of env.emu.requestLog()) {
      if (e.operationId.startsWith('deleteFile') && e.status < 300 && e.path) expect(existsSync(path.join(src, e.path))).toBe(false);
    }
  } finally {
    await steady.close();
    await flaky.close();
  }
});

/**
 * Property: the loader under any combination of the documented readings of the Files API (a fresh emulator
 * per combination, every switch drawn at random) with random local edits and applies. An apply the CLI would
 * exit 0 on leaves remote == local exactly and an empty re-plan; any other apply deleted nothing the plan
 * did not show. Nothing fails on purpose here, so under a documented reading (a listing maximum of 100 or more,
 * or none) every apply must exit 0. READINGS_RUNS raises the number of combinations (default 12),
 * READINGS_SEED picks them.
 */
import * as path from 'node:path';
import fc from 'fast-check';
import type { Readings } from '../../emulator';
import { EditSession, editOp } from '../support/edits';
import { logFigures, startScratchBackend } from '../support/harness';

jest.setTimeout(600_000);
const RUNS = Number(process.env.READINGS_RUNS ?? 12);

/**
 * The values each switch can take. Listing maxima: none, above the loader's page size, the spec's 100, and
 * one below it (a server the loader cannot list: every apply must fail without changing anything).
 */
const VALUES: { [K in keyof Readings]: readonly Readings[K][] } = {
  uploadField: ['createFileRequest', 'directoryPath', 'both'],
  deleteStatus: [200, 204],
  maxLimit: [null, 1000, 100, 20],
  implicitDirs: [true, false],
  missingStatus: [404, 403],
  honourContentType: [true, false],
  cascadeDelete: [true, false],
  hashes: [true, false],
  fileSetPage: ['union', 'spec'],
  query: ['union', 'spec'],
  forbiddenBody: ['json', 'text'],
};

const readings: fc.Arbitrary<Readings> = fc.record(
  Object.fromEntries(Object.entries(VALUES).map(([k, v]) => [k, fc.constantFrom(...(v as unknown[]))])) as { [K in keyof Readings]: fc.Arbitrary<Readings[K]> },
);

test('any readings: exit 0 ⇒ remote == local and an empty re-plan; otherwise nothing deleted that the plan did not show', async () => {
  const figures = { combinations: 0, applies: 0, clean: 0, deletes: 0, unlistable: 0 };
  await fc.assert(
    fc.asyncProperty(readings, fc.array(editOp, { minLength: 6, maxLength: 14 }), async (r, ops) => {
      figures.combinations += 1;
      const documented = r.maxLimit === null || r.maxLimit >= 100;
      if (!documented) figures.unlistable += 1;
      const be = await startScratchBackend({ readings: r });
      try {
        const session = new EditSession({ client: be.client, emu: be.emu, dir: path.join(be.dir, 'session'), name: 'readings' });
        // at least two applies: the second one meets what the first one left on this server
        const half = Math.floor(ops.length / 2);
        for (const o of [...ops.slice(0, half), { kind: 'apply' as const }, ...ops.slice(half), { kind: 'apply' as const }]) {
          if (o.kind !== 'apply') {
            session.edit(o);
            continue;
          }
          const res = await session.apply();
          figures.applies += 1;
          figures.deletes += res.deleted;
          if (res.clean) figures.clean += 1;
          if (documented) expect({ clean: res.clean, report: res.clean ? null : res.report }).toEqual({ clean: true, report: null });
        }
      } finally {
        await be.close();
      }
    }),
    { numRuns: RUNS, seed: Number(process.env.READINGS_SEED ?? 20240611) },
  );
  logFigures('readings-property', figures);
  // vacuous if no combination ever applied cleanly or pruned
  expect(figures.clean).toBeGreaterThan(RUNS);
  expect(figures.deletes).toBeGreaterThan(0);
});

/**
 * Property: random local edits (create, modify, delete, rename, file↔directory swap, include/exclude changes)
 * interleaved with applies against the real emulator. After every apply the CLI would exit 0 on, remote ==
 * local for every entry and the next plan is empty; after every apply, whatever its outcome, nothing was
 * deleted that its report did not show (from the emulator's request log). RANDOM_EDITS_RUNS raises the count.
 */
import * as path from 'node:path';
import fc from 'fast-check';
import { EditSession, editOp } from '../support/edits';
import { startEnv, type Env } from './helpers';

jest.setTimeout(300_000);
const RUNS = Number(process.env.RANDOM_EDITS_RUNS ?? 20);

describe('random edits interleaved with applies', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env?.close());

  test('success ⇒ remote == local for every entry and an empty re-plan; never a delete the report did not show', async () => {
    let round = 0;
    const figures = { applies: 0, clean: 0, deletes: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(editOp, { minLength: 3, maxLength: 14 }), async (ops) => {
        round += 1;
        const session = new EditSession({ client: env.client, emu: env.emu, dir: path.join(env.dir, `round-${round}`), name: `edits-${round}` });
        for (const o of [...ops, { kind: 'apply' as const }]) {
          if (o.kind !== 'apply') {
            session.edit(o);
            continue;
          }
          const r = await session.apply();
          figures.applies += 1;
          figures.deletes += r.deleted;
          if (r.clean) figures.clean += 1;
        }
      }),
      { numRuns: RUNS, seed: Number(process.env.RANDOM_EDITS_SEED ?? 424242) },
    );
    // the property is vacuous if nothing ever applied cleanly or deleted
    expect(figures.clean).toBeGreaterThan(RUNS);
    expect(figures.deletes).toBeGreaterThan(0);
  });
});

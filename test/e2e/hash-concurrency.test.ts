/**
 * `--concurrency N` bounds the local work of a plan too: at most N files are hashed at once, across every
 * entry of the manifest. Observed in the CLI child itself: a preloaded hook counts the source files open at
 * once through the descriptor the hash reads a large file with (fixtures/count-open-files.cjs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuilt, runCli, startScratchBackend, writeTree, type RunResult, type ScratchBackend } from '../support/harness';

jest.setTimeout(60_000);
beforeAll(assertBuilt);

const PRELOAD = join(__dirname, '..', 'support', 'fixtures', 'count-open-files.cjs');
/** Larger than the loader reads in one synchronous call, so each is hashed through an open descriptor. */
const LARGE = 300 * 1024;

let be: ScratchBackend;
afterEach(async () => be?.close());

/**
 * Three FileSets of four large files each; runs `command` with `--concurrency n` in a CLI child that counts
 * the source files open at once. Returns the run and that count.
 */
async function countOpen(command: 'plan' | 'apply', n: number): Promise<{ r: RunResult; most: number }> {
  be = await startScratchBackend();
  const files: Record<string, Buffer> = {};
  for (const e of ['a', 'b', 'c']) for (let i = 0; i < 4; i += 1) files[`src/${e}/f${i}.bin`] = Buffer.alloc(LARGE, `${e}${i}`);
  writeTree(be.dir, files);
  const manifest = join(be.dir, 'manifest.yaml');
  writeTree(be.dir, {
    'manifest.yaml': ['version: 1', 'filesets:', ...['a', 'b', 'c'].map((e) => `  - name: counted-${e}\n    source: ./src/${e}`), ''].join('\n'),
  });
  const out = join(be.dir, 'open.json');
  const r = await runCli([command, '-f', manifest, '--concurrency', String(n)], {
    env: { ...be.env, NODE_OPTIONS: `--require ${PRELOAD}`, COUNT_OPEN_UNDER: join(be.dir, 'src'), COUNT_OPEN_OUT: out },
    cwd: be.dir,
  });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  return { r, most: (JSON.parse(readFileSync(out, 'utf8')) as { most: number }).most };
}

test.each([1, 2])('plan --concurrency %i hashes at most that many files at once, over three entries of four large files', async (n) => {
  expect((await countOpen('plan', n)).most).toBe(n);
});

test('apply --concurrency 2 works on at most 2 files at once over three FileSets (hashing and uploading)', async () => {
  const { r, most } = await countOpen('apply', 2);
  expect(r.stdout).toMatch(/Apply: 3 FileSets created, 12 uploaded/);
  expect(most).toBe(2);
});

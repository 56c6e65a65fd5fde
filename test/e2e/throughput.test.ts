/**
 * Throughput where the server is remote: the CLI as a child process against an emulator that delays every
 * request (latency) or limits each token's rate (429 + Retry-After). What is checked is what the server saw —
 * its stats count requests in flight at once and requests it refused — and that every run ends exact.
 */
import { join } from 'node:path';
import { assertBuilt, fileSetId, localState, remoteState, runCli, startScratchBackend, writeTree, type ScratchBackend } from '../support/harness';

jest.setTimeout(120_000);
beforeAll(assertBuilt);

let be: ScratchBackend;
afterEach(async () => be?.close());

/** Writes `n` small files under `<dir>/<name>/src` and a manifest syncing them into FileSet `name`. */
function corpus(dir: string, name: string, n: number): { manifest: string; src: string } {
  const root = join(dir, name);
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i += 1) files[`src/d${i % 7}/f-${i}.md`] = `file ${i} of ${name}\n`;
  writeTree(root, { ...files, 'manifest.yaml': `version: 1\nfilesets:\n  - name: ${name}\n    source: ./src\n` });
  return { manifest: join(root, 'manifest.yaml'), src: join(root, 'src') };
}

/** Applies the corpus with `flags`; expects exit 0 and the FileSet equal to the local tree, SHA-256 by SHA-256. */
async function applyExact(name: string, n: number, flags: string[]): Promise<void> {
  const { manifest, src } = corpus(be.dir, name, n);
  const r = await runCli(['apply', '-f', manifest, ...flags], { env: be.env, cwd: be.dir });
  expect(r.stderr).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  expect(await remoteState(be.client, await fileSetId(be.client, name))).toEqual(await localState(src));
}

test('a rate-limited server (20 requests/s, burst 5): apply exits 0 in one run with every file exact, and the limit was hit', async () => {
  be = await startScratchBackend({ rateLimit: { rate: 20, burst: 5 } });
  await applyExact('limited', 60, []);
  // The run met the limit (otherwise this proves nothing) and still finished in one go.
  expect(be.emu.stats().limited).toBeGreaterThan(0);
});

test('--concurrency 64, pinned (--no-adaptive): 64 requests in flight at the emulator, never more', async () => {
  // Pinned, so the count does not depend on how fast the adaptive window grows on a busy machine (its growth
  // from 8 is tested on the client's own: test/client/throughput.test.ts). 200 ms per request keeps every
  // upload in flight until the 64th has arrived.
  be = await startScratchBackend({ latencyMs: 100 });
  await applyExact('wide', 200, ['--concurrency', '64', '--no-adaptive']);
  expect(be.emu.stats().peakInFlight).toBe(64);
});

test('--no-adaptive pins it: --concurrency 16 puts 16 requests in flight from the first upload; adaptive stays below', async () => {
  be = await startScratchBackend({ latencyMs: 100 });
  await applyExact('pinned', 16, ['--concurrency', '16', '--no-adaptive']);
  expect(be.emu.stats().peakInFlight).toBe(16);
  await be.emu.reset();
  // Adaptive, the window starts at 8 and grows by 4 after its first 8 answers (the lookups before the uploads
  // count among them); growing again takes 12 more answers than this run of 16 uploads has left.
  await applyExact('adaptive', 16, ['--concurrency', '16']);
  expect(be.emu.stats().peakInFlight).toBeGreaterThanOrEqual(8);
  expect(be.emu.stats().peakInFlight).toBeLessThanOrEqual(12);
});

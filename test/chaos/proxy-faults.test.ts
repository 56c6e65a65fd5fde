/**
 * The CLI as a child process behind the fault-injecting proxy (test/support/fault-proxy.ts) in front of the
 * emulator. For each answer a misbehaving network or server gives — an HTML page with 200 (a captive portal),
 * truncated JSON, an empty body, a cursor that never ends, a body that drips, a listing entry that is a
 * directory in another shape hiding its children, a name the server refuses every time — on each operation
 * it can hit, every run:
 * - exits 0 only with remote == local for the entry and an empty next plan;
 * - otherwise exits 1 with one clear error line, and changed nothing beyond what had succeeded: no delete the
 *   plan did not show, no upload of a path it did not show, no second FileSet;
 * - converges once the fault is gone.
 * `destroy` never calls a FileSet that exists "absent". The child's client waits are shortened
 * (fixtures/short-waits.cjs); its attempts and deadlines work as in production.
 */
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { applyManifest, loadManifest, planManifest } from '../../loader';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy';
import {
  assertBuilt,
  deletedPaths,
  expectOneLineError,
  fileSetsNamed,
  localState,
  logFigures,
  remoteState,
  runCli,
  sha256,
  startScratchBackend,
  successfulMutations,
  writeTree,
  type RunResult,
  type ScratchBackend,
} from '../support/harness';

jest.setTimeout(120_000);

const API = '/api/files/v1';
const SEARCH = { method: 'POST', path: new RegExp(`^${API}/filesets/search`) };
const LISTING = { method: 'POST', path: new RegExp(`^${API}/filesets/[^/]+/files/search`) };
const UPLOAD = { method: 'POST', path: new RegExp(`^${API}/filesets/[^/]+/files(\\?|$)`) };
const DELETE = { method: 'DELETE', path: new RegExp(`^${API}/filesets/[^/]+/(files/|path)`) };
const GET_FILESET = { method: 'GET', path: new RegExp(`^${API}/filesets/[^/?]+(\\?|$)`) };
const PRELOAD = path.join(__dirname, '..', 'support', 'fixtures', 'short-waits.cjs');

let be: ScratchBackend;
let proxy: FaultProxy;
let n = 0;
const figures = { runs: 0, exit0: 0, exit1: 0 };

beforeAll(async () => {
  assertBuilt();
  // Directories listed as entries of their own: the case of a directory in another shape needs one.
  be = await startScratchBackend({ readings: { implicitDirs: true } });
  proxy = await startFaultProxy(be.emu.url);
});
afterEach(() => proxy.clearRules());
afterAll(async () => {
  logFigures('proxy-faults', figures);
  await proxy?.close();
  await be?.close();
});

/** A FileSet synced once, then changed locally: the next plan uploads, replaces and deletes. */
interface Scene {
  name: string;
  id: string;
  src: string;
  manifest: string;
  /** What the plan shows, as taken from the emulator directly (no proxy). */
  shown: { deletes: string[]; writes: string[] };
}

async function scene(): Promise<Scene> {
  n += 1;
  const name = `proxy-faults-${n}`;
  const dir = path.join(be.dir, `scene-${n}`);
  const src = path.join(dir, 'src');
  writeTree(src, { 'keep/a.md': 'a', 'keep/b.md': 'b', 'sub/c.md': 'c', 'old.md': 'old', 'mod.md': 'v1' });
  const manifest = path.join(dir, 'manifest.yaml');
  writeFileSync(manifest, `version: 1\nfilesets:\n  - name: ${name}\n    source: ./src\n    exclude: ["**/*.tmp"]\n    maxDeletePercent: 100\n`);
  const m = await loadManifest(manifest, {});
  await applyManifest(m, { client: be.client });
  const [id] = await fileSetsNamed(be.client, name);
  // excluded: never uploaded, never pruned — and the reason the directory sub stays after sub/c.md goes
  await be.client.uploadFile(id, { path: 'sub/keep.tmp', source: { content: 'excluded' } });
  rmSync(path.join(src, 'old.md'));
  rmSync(path.join(src, 'sub'), { recursive: true });
  writeTree(src, { 'mod.md': 'v2', 'new.md': 'new' });
  const plan = await planManifest(m, { client: be.client });
  const actions = plan.filesets.flatMap((f) => f.actions);
  const shown = {
    deletes: actions.flatMap((a) => (a.op === 'delete' ? [a.path] : [])),
    writes: actions.flatMap((a) => (a.op === 'upload' || a.op === 'replace' ? [a.path] : [])),
  };
  expect(shown).toEqual({ deletes: ['old.md', 'sub/c.md'], writes: ['mod.md', 'new.md'] });
  return { name, id, src, manifest, shown };
}

/** Runs the CLI child through the proxy. */
async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<RunResult> {
  const r = await runCli(args, {
    env: { DOMO_BASE_URL: proxy.url, DOMO_DEVELOPER_TOKEN: be.token, NODE_OPTIONS: `--require ${PRELOAD}`, ...extraEnv },
    timeoutMs: 90_000,
  });
  figures.runs += 1;
  expect(r.signal).toBeNull();
  expect(r.stdout + r.stderr).not.toContain(be.token);
  return r;
}

async function expectConverged(s: Scene): Promise<void> {
  expect(await remoteState(be.client, s.id)).toEqual({ ...(await localState(s.src)), 'sub/keep.tmp': sha256('excluded') });
  const again = await planManifest(await loadManifest(s.manifest, {}), { client: be.client });
  expect(again.filesets.flatMap((f) => f.actions)).toEqual([]);
}

/**
 * Applies the scene through the faulty proxy and checks the invariant; then, with the fault gone, a clean
 * apply converges. Returns the faulty run.
 */
async function applyThrough(s: Scene, rules: FaultRule[], env: Record<string, string> = {}): Promise<RunResult> {
  for (const r of rules) proxy.addRule(r);
  const from = be.emu.requestLog().length;
  const r = await cli(['apply', '-f', s.manifest], env);
  proxy.clearRules();
  const log = be.emu.requestLog().slice(from);
  expect([0, 1]).toContain(r.code);
  for (const p of deletedPaths(log)) expect(s.shown.deletes).toContain(p);
  for (const e of successfulMutations(log)) {
    expect(e.fileSetId).toBe(s.id);
    if (e.operationId === 'createFile') expect(s.shown.writes).toContain(e.path);
  }
  expect(await fileSetsNamed(be.client, s.name)).toEqual([s.id]);
  expect(await remoteState(be.client, s.id)).toMatchObject({ 'keep/a.md': sha256('a'), 'keep/b.md': sha256('b'), 'sub/keep.tmp': sha256('excluded') });
  if (r.code === 0) {
    figures.exit0 += 1;
    await expectConverged(s);
  } else {
    figures.exit1 += 1;
    expectOneLineError(r.stderr);
  }
  await heal(s);
  return r;
}

/** With the fault gone, an apply (in process: the child adds nothing here) converges. */
async function heal(s: Scene): Promise<void> {
  const healed = await applyManifest(await loadManifest(s.manifest, {}), { client: be.client });
  expect(healed.filesets.every((f) => !f.error && !f.problems && !f.refused)).toBe(true);
  await expectConverged(s);
}

/** Asserts the faulty run failed with this error and changed nothing at all. */
async function expectRefusedUnchanged(s: Scene, rules: FaultRule[], error: RegExp, args: string[] = []): Promise<void> {
  const before = await remoteState(be.client, s.id);
  const mutating = be.emu.stats().mutating;
  for (const r of rules) proxy.addRule(r);
  const r = await cli(['apply', '-f', s.manifest, ...args]);
  proxy.clearRules();
  expect(r.code).toBe(1);
  expect(expectOneLineError(r.stderr)).toMatch(error);
  expect(be.emu.stats().mutating).toBe(mutating);
  expect(await remoteState(be.client, s.id)).toEqual(before);
  figures.exit1 += 1;
  await heal(s);
}

describe('answers a read cannot be trusted with: apply stops before any change, with one clear line', () => {
  const reads = [
    ['the FileSet search', SEARCH, 'listFileSets'],
    ['the file listing', LISTING, 'listFilesForFileset'],
  ] as const;
  for (const [what, match, operation] of reads) {
    test(`an HTML page with 200 (a captive portal) for ${what}`, async () => {
      await expectRefusedUnchanged(await scene(), [{ fault: 'html200', match }], new RegExp(`${operation}.*200 \\(text/html`));
    });
    test(`truncated JSON for ${what}`, async () => {
      await expectRefusedUnchanged(await scene(), [{ fault: 'truncatedJson', match }], new RegExp(`${operation}.*not valid JSON`));
    });
    test(`an empty 200 for ${what}`, async () => {
      await expectRefusedUnchanged(await scene(), [{ fault: 'empty200', match }], new RegExp(`${operation}.*200`));
    });
  }

  test('a listing whose every page hands out a new cursor', async () => {
    await expectRefusedUnchanged(await scene(), [{ fault: 'endlessCursor', match: LISTING }], /listing of FileSet .* does not end/);
  });

  test('a listing whose body drips one byte at a time ends at the deadline --request-timeout sets', async () => {
    await expectRefusedUnchanged(
      await scene(),
      [{ fault: 'drip', match: LISTING, dripMs: 200 }],
      /files\/search.*DEADLINE no complete response within the 1000 ms deadline/,
      ['--request-timeout', '1s'],
    );
  });

  test('a directory listed in another shape (no fileType, size and hash null) with its children hidden is never deleted', async () => {
    const s = await scene();
    const before = await remoteState(be.client, s.id);
    const hide = (json: unknown): unknown => {
      const page = json as { files?: Record<string, unknown>[] };
      if (!Array.isArray(page.files)) return json;
      const files = page.files
        .filter((f) => !String(f.path).startsWith('sub/'))
        .map((f) => (f.path === 'sub' ? { ...f, fileType: undefined, size: null, hash: null, hashAlgorithm: null } : f));
      return { ...page, files };
    };
    proxy.addRule({ fault: 'rewrite', match: LISTING, rewrite: hide });
    const from = be.emu.requestLog().length;
    const r = await cli(['apply', '-f', s.manifest]);
    proxy.clearRules();
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/remote entry 'sub' .* is neither a file nor a directory/);
    expect(deletedPaths(be.emu.requestLog().slice(from))).toEqual([]);
    expect(await remoteState(be.client, s.id)).toEqual(before);
    await heal(s);
  });
});

describe('answers to changes: what succeeded stays, nothing else changes, and the next run converges', () => {
  const cases: [string, FaultRule[]][] = [
    ['an HTML page with 200 for every upload (never forwarded)', [{ fault: 'html200', match: UPLOAD }]],
    ['an HTML page with 200 for every upload the server did make', [{ fault: 'html200', match: UPLOAD, forward: true }]],
    ['truncated JSON for every upload the server did make', [{ fault: 'truncatedJson', match: UPLOAD }]],
    ['an empty 200 for the first upload (never forwarded)', [{ fault: 'empty200', match: UPLOAD, times: 1 }]],
    ['an HTML page with 200 for every delete (never forwarded)', [{ fault: 'html200', match: DELETE }]],
    ['an HTML page with 200 for every delete the server did make', [{ fault: 'html200', match: DELETE, forward: true }]],
    ['truncated JSON for the first delete the server did make', [{ fault: 'truncatedJson', match: DELETE, times: 1 }]],
  ];
  for (const [what, rules] of cases) {
    test(what, async () => {
      await applyThrough(await scene(), rules);
    });
  }

  // Both documents' delete answers are accepted (204 without a body, 200 with one — and 200 without one), so
  // an answer alone cannot tell a delete done: the loader looks again, and a path still there fails the run.
  test('an empty 200 for a delete the server never saw is not read as done', async () => {
    const s = await scene();
    const r = await applyThrough(s, [{ fault: 'empty200', match: DELETE }]);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/the server answered success, but it is still there when looked at again; it was not deleted/);
  });
});

test('a name the server refuses every time: an error naming the path; that entry prunes nothing; the other entries still prune; it does not wedge later runs', async () => {
  n += 1;
  const dir = path.join(be.dir, `refused-${n}`);
  writeTree(dir, { 'a/ok.md': 'ok', 'a/stale.md': 'stale', 'b/ok.md': 'ok', 'b/stale.md': 'stale' });
  const manifest = path.join(dir, 'manifest.yaml');
  const names = { a: `refused-a-${n}`, b: `refused-b-${n}` };
  writeFileSync(
    manifest,
    `version: 1\nfilesets:\n  - name: ${names.a}\n    source: ./a\n    maxDeletePercent: 100\n  - name: ${names.b}\n    source: ./b\n    maxDeletePercent: 100\n`,
  );
  await applyManifest(await loadManifest(manifest, {}), { client: be.client });
  const [aId] = await fileSetsNamed(be.client, names.a);
  const [bId] = await fileSetsNamed(be.client, names.b);
  rmSync(path.join(dir, 'a', 'stale.md'));
  rmSync(path.join(dir, 'b', 'stale.md'));
  writeTree(dir, { 'a/refused name.md': 'the server never takes this one', 'b/new.md': 'new' });
  proxy.addRule({
    fault: 'status',
    status: 400,
    match: (req) => req.method === 'POST' && UPLOAD.path.test(req.url) && req.body.includes('filename="refused name.md"'),
  });
  for (let run = 1; run <= 2; run += 1) {
    const from = be.emu.requestLog().length;
    const r = await cli(['apply', '-f', manifest]);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/refused name\.md/);
    const deleted = be.emu
      .requestLog()
      .slice(from)
      .filter((e) => deletedPaths([e]).length > 0);
    expect(deleted.filter((e) => e.fileSetId === aId)).toEqual([]);
    expect(await remoteState(be.client, aId)).toEqual({ 'ok.md': sha256('ok'), 'stale.md': sha256('stale') });
    expect(await remoteState(be.client, bId)).toEqual({ 'ok.md': sha256('ok'), 'new.md': sha256('new') });
    if (run === 1) expect(deletedPaths(deleted)).toEqual(['stale.md']);
  }
  proxy.clearRules();
});

describe('destroy never calls a FileSet that exists "absent"', () => {
  const faults: [string, FaultRule, boolean][] = [
    ['an HTML page with 200 for the FileSet search', { fault: 'html200', match: SEARCH }, false],
    ['truncated JSON for the FileSet search', { fault: 'truncatedJson', match: SEARCH }, false],
    ['an empty 200 for the FileSet search', { fault: 'empty200', match: SEARCH }, false],
    ['an HTML page with 200 for the FileSet by id', { fault: 'html200', match: GET_FILESET }, true],
    ['an empty 200 for the FileSet by id', { fault: 'empty200', match: GET_FILESET }, true],
  ];
  for (const [what, rule, byId] of faults) {
    test(what, async () => {
      const s = await scene();
      if (byId) writeFileSync(s.manifest, `version: 1\nfilesets:\n  - name: ${s.name}\n    id: ${s.id}\n    source: ./src\n`);
      proxy.addRule(rule);
      const r = await cli(['destroy', '-f', s.manifest, '--yes']);
      proxy.clearRules();
      expect(await fileSetsNamed(be.client, s.name)).toEqual([s.id]);
      expect(r.code).toBe(1);
      expectOneLineError(r.stderr);
      expect(r.stdout).not.toMatch(/absent|deleted/);
    });
  }

  test('an empty 200 for a FileSet delete the server never saw: the FileSet is still there, so destroy exits 1 and does not say deleted', async () => {
    const s = await scene();
    proxy.addRule({ fault: 'empty200', match: { method: 'DELETE', path: GET_FILESET.path } });
    const r = await cli(['destroy', '-f', s.manifest, '--yes']);
    proxy.clearRules();
    expect(await fileSetsNamed(be.client, s.name)).toEqual([s.id]);
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/answered success, but the FileSet is still there when looked up again; it was not deleted/);
    expect(r.stdout).not.toMatch(/- deleted FileSet/);
  });

  test('an HTML page with 200 for a FileSet delete the server did make: the retry finds it gone, and it is reported deleted, not "absent"', async () => {
    const s = await scene();
    proxy.addRule({ fault: 'html200', match: { method: 'DELETE', path: GET_FILESET.path }, forward: true, times: 1 });
    const r = await cli(['destroy', '-f', s.manifest, '--yes']);
    proxy.clearRules();
    expect(await fileSetsNamed(be.client, s.name)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/- deleted FileSet proxy-faults-\d+ \(/);
    expect(r.stdout).toMatch(/Destroy: 1 FileSet deleted, 0 already absent\./);
  });
});

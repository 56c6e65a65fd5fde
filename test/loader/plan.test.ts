/** The planner as a pure function: scenarios by name, then properties over generated trees on both sides. */
import fc from 'fast-check';
import { actionsOf, planEntry, summarize, type PlanOptions, type PlanRemote } from '../../loader/plan';
import { joinRemote, relativeToPrefix } from '../../loader/prefix';
import type { LocalFile } from '../../loader/scan';
import { normalizeSelection, selectorOf } from '../../loader/selector';
import type { EntryPlan } from '../../loader/types';

const H = (c: string): string => c.repeat(64).slice(0, 64);
const local = (path: string, h = 'a', size = 1): LocalFile => ({ path, hash: H(h), size, abs: `/src/${path}`, dev: 1, ino: 1, mtimeMs: 0 });
const rf = (path: string, h: string | null = 'a', size = 1): PlanRemote => ({ path, id: `id-${path}`, kind: 'file', hash: h === null ? null : H(h), size });
const rd = (path: string): PlanRemote => ({ path, id: `dir-${path}`, kind: 'directory', hash: null, size: 0 });
const unknown = (path: string): PlanRemote => ({ path, id: `u-${path}`, kind: 'unknown', hash: null, size: 0, shape: 'fileType null, size null' });
const opts = (o: Partial<PlanOptions> & { exclude?: string[] } = {}): PlanOptions => {
  const { exclude, ...rest } = o;
  return {
    line: 1,
    source: '/src',
    directoryPath: '',
    selection: normalizeSelection({ exclude: exclude ?? [] }),
    prune: true,
    maxDeletePercent: 50,
    allowEmpty: false,
    ...rest,
  };
};
const ops = (p: EntryPlan): string[] => actionsOf([p]).map((a) => `${a.op} ${a.path}${a.kind === 'directory' ? '/' : ''}`);
const phase = (p: EntryPlan, path: string): string | undefined => p.deletes.find((d) => d.path === path)?.phase;

describe('planner scenarios', () => {
  test('first sync: every local file is an upload under the prefix', () => {
    const p = planEntry([local('b.md', 'b'), local('a/x.pdf', 'x', 10)], [], opts({ directoryPath: 'docs' }));
    expect(ops(p)).toEqual(['upload docs/a/x.pdf', 'upload docs/b.md']);
    expect(summarize([p])).toEqual({ upload: 2, replace: 0, delete: 0, unchanged: 0, bytes: 11 });
    expect(p.refused).toBeUndefined();
  });

  test('no change: everything unchanged, no actions; directories that hold files are kept', () => {
    const p = planEntry([local('a.md'), local('d/b.md')], [rf('a.md'), rd('d'), rf('d/b.md')], opts());
    expect(ops(p)).toEqual([]);
    expect(p.unchanged).toBe(2);
  });

  test('modify: a hash difference is a replace carrying the remote file it replaces; an unknown remote hash is a replace too', () => {
    const p = planEntry([local('a.md', 'b'), local('b.md')], [rf('a.md', 'a'), rf('b.md', null)], opts());
    expect(ops(p)).toEqual(['replace a.md', 'replace b.md']);
    expect(p.uploads[0].remote).toEqual({ id: 'id-a.md', size: 1, hash: H('a') });
  });

  test('a remote hash recorded at upload (server gave none) compares, and counts as unverified', () => {
    const p = planEntry([local('a.md')], [{ ...rf('a.md'), hashFrom: 'recorded' }], opts());
    expect(ops(p)).toEqual([]);
    expect(p.unverified).toBe(1);
  });

  test('delete: a remote file gone locally is deleted when prune is on, kept when off', () => {
    const l = [local('a.md'), local('b.md'), local('c.md')];
    const r = [rf('a.md'), rf('b.md'), rf('c.md'), rf('gone.md')];
    expect(ops(planEntry(l, r, opts()))).toEqual(['delete gone.md']);
    expect(ops(planEntry(l, r, opts({ prune: false })))).toEqual([]);
  });

  test('rename: upload of the new path and delete of the old, after the uploads', () => {
    const p = planEntry([local('new.md', 'x'), local('keep.md')], [rf('old.md', 'x'), rf('keep.md')], opts());
    expect(ops(p)).toEqual(['upload new.md', 'delete old.md']);
    expect(phase(p, 'old.md')).toBe('after');
  });

  test('a directory left empty by the plan is deleted after its files; an excluded one stays', () => {
    const p = planEntry(
      [local('keep.md')],
      [rf('keep.md'), rd('old'), rf('old/a.md'), rd('old/deep'), rf('old/deep/b.md'), rd('tmp'), rd('empty')],
      opts({ exclude: ['tmp'], maxDeletePercent: 100 }),
    );
    expect(ops(p)).toEqual(['delete empty/', 'delete old/', 'delete old/a.md', 'delete old/deep/', 'delete old/deep/b.md']);
    expect(p.deletes.every((d) => d.phase === 'after')).toBe(true);
  });

  test('file → directory: the remote file in the way is deleted before the upload under it', () => {
    const p = planEntry([local('a/b.md')], [rf('a'), rf('other.md')], opts({ maxDeletePercent: 100 }));
    expect(ops(p)).toEqual(['delete a', 'upload a/b.md', 'delete other.md']);
    expect(phase(p, 'a')).toBe('before');
    expect(phase(p, 'other.md')).toBe('after');
    expect(p.problems).toEqual([]);
  });

  test('directory → file: the remote directory and its files are deleted before the upload of the file', () => {
    const p = planEntry([local('a')], [rd('a'), rf('a/x.md'), rd('a/sub'), rf('a/sub/y.md')], opts({ maxDeletePercent: 100 }));
    expect(ops(p)).toEqual(['upload a', 'delete a/', 'delete a/sub/', 'delete a/sub/y.md', 'delete a/x.md']);
    expect(p.deletes.every((d) => d.phase === 'before')).toBe(true);
    // a server without directory entries: only the files are in the way
    const q = planEntry([local('a')], [rf('a/x.md')], opts({ maxDeletePercent: 100 }));
    expect(ops(q)).toEqual(['upload a', 'delete a/x.md']);
    expect(phase(q, 'a/x.md')).toBe('before');
  });

  test('a swap that would lose a file the entry may not delete is a problem, never a silent overwrite', () => {
    expect(planEntry([local('a/b.md')], [rf('a')], opts({ prune: false })).problems[0]).toMatch(/'a' is a file remotely .* \(prune is off\)/);
    expect(planEntry([local('a')], [rd('a'), rf('a/keep.tmp')], opts({ exclude: ['**/*.tmp'] })).problems[0]).toMatch(
      /holding 'a\/keep.tmp' .* \(it is excluded\)/,
    );
  });

  test('an entry of unknown shape is a problem unless excluded, and is never deleted', () => {
    const p = planEntry([local('a.md')], [rf('a.md'), unknown('odd')], opts());
    expect(p.problems[0]).toMatch(/remote entry 'odd' \(id u-odd\) is neither a file nor a directory/);
    expect(p.deletes).toEqual([]);
    expect(planEntry([local('a.md')], [rf('a.md'), unknown('odd')], opts({ exclude: ['odd'] })).problems).toEqual([]);
  });

  test('excluded paths survive a prune (exclude written with "./" or "//" too); files outside the prefix are not considered', () => {
    const p = planEntry(
      [local('a.md')],
      [rf('docs/a.md'), rf('docs/tmp/x.tmp'), rf('docs/build/out.bin'), rf('docs/a/b/c.md'), rf('other/z.md'), rf('docsx/y.md')],
      opts({ directoryPath: 'docs', exclude: ['**/*.tmp', './build', 'a//b'], maxDeletePercent: 100 }),
    );
    expect(ops(p)).toEqual([]);
    expect(p.remoteCount).toBe(4);
  });

  test('guards: maxDeletes refuses the whole entry, keeping the actions for display; directories do not count', () => {
    const r = Array.from({ length: 10 }, (_, i) => rf(`f${i}.md`));
    const p = planEntry(
      r.slice(0, 7).map((f) => local(f.path)),
      r,
      opts({ maxDeletes: 2 }),
    );
    expect(p.refused?.guard).toBe('maxDeletes');
    expect(p.deletes).toHaveLength(3);
    expect(
      planEntry(
        r.slice(0, 8).map((f) => local(f.path)),
        [...r, rd('empty1'), rd('empty2')],
        opts({ maxDeletes: 2 }),
      ).refused,
    ).toBeUndefined();
  });

  test('guards: maxDeletePercent counts the share of remote files under the prefix', () => {
    const r = Array.from({ length: 10 }, (_, i) => rf(`f${i}.md`));
    expect(
      planEntry(
        r.slice(0, 5).map((f) => local(f.path)),
        r,
        opts(),
      ).refused,
    ).toBeUndefined(); // exactly 50%
    expect(
      planEntry(
        r.slice(0, 4).map((f) => local(f.path)),
        r,
        opts(),
      ).refused?.guard,
    ).toBe('maxDeletePercent');
    expect(
      planEntry(
        r.slice(0, 4).map((f) => local(f.path)),
        r,
        opts({ maxDeletePercent: 60 }),
      ).refused,
    ).toBeUndefined();
    expect(planEntry([local('f0.md')], r, opts({ maxDeletePercent: 0 })).refused?.guard).toBe('maxDeletePercent');
  });

  test('empty source: refuses any delete unless allowEmpty', () => {
    const r = [rf('a.md'), rf('b.md')];
    expect(planEntry([], r, opts({ maxDeletePercent: 100 })).refused?.guard).toBe('emptySource');
    expect(planEntry([], r, opts({ maxDeletePercent: 100, allowEmpty: true })).refused).toBeUndefined();
    expect(planEntry([], [], opts()).refused).toBeUndefined();
  });

  test('content types from the entry map by lower-case extension', () => {
    const p = planEntry([local('a.MD'), local('b.txt'), local('noext')], [], opts({ contentTypes: { '.md': 'text/markdown' } }));
    expect(p.uploads.map((u) => u.contentType)).toEqual(['text/markdown', undefined, undefined]);
  });

  test('state digests change with either side', () => {
    const a = planEntry([local('a.md')], [rf('a.md')], opts());
    expect(planEntry([local('a.md', 'b')], [rf('a.md')], opts()).state.local).not.toBe(a.state.local);
    expect(planEntry([local('a.md')], [rf('a.md', 'c')], opts()).state.remote).not.toBe(a.state.remote);
    expect(planEntry([local('a.md')], [rf('a.md')], opts()).state).toEqual(a.state);
  });
});

/**
 * A model of the server: files and directories by path. Uploads create missing parent directories (when
 * `implicitDirs`) and fail when a parent is a file or the path is a directory; deleting a directory removes
 * everything under it. It records every path it deleted.
 */
class ModelServer {
  readonly entries = new Map<string, PlanRemote>();
  readonly deleted: string[] = [];
  constructor(private readonly implicitDirs: boolean) {}
  upload(path: string, hash: string): void {
    const segs = path.split('/');
    for (let k = 1; k < segs.length; k += 1) {
      const dir = segs.slice(0, k).join('/');
      const e = this.entries.get(dir);
      if (e && e.kind !== 'directory') throw new Error(`parent ${dir} of ${path} is a file`);
      if (!e && this.implicitDirs) this.entries.set(dir, rd(dir));
    }
    if (this.entries.get(path)?.kind === 'directory') throw new Error(`${path} is a directory`);
    this.entries.set(path, { ...rf(path), hash });
  }
  delete(path: string): void {
    for (const p of [...this.entries.keys()]) {
      if (p === path || p.startsWith(`${path}/`)) {
        this.entries.delete(p);
        this.deleted.push(p);
      }
    }
  }
  apply(plan: EntryPlan): void {
    const del = (phase: string): void => {
      const steps = plan.deletes.filter((d) => d.phase === phase);
      for (const d of steps.filter((x) => x.kind === 'file')) this.delete(d.path);
      for (const d of steps.filter((x) => x.kind === 'directory').sort((a, b) => b.path.length - a.path.length)) this.delete(d.path);
    };
    del('before');
    for (const u of plan.uploads) this.upload(u.path, u.hash as string);
    del('after');
  }
  files(): Map<string, string | null> {
    return new Map([...this.entries.values()].filter((e) => e.kind === 'file').map((e) => [e.path, e.hash]));
  }
}

describe('planner properties', () => {
  const seg = fc.constantFrom('a', 'b', 'c', 'd.md', 'e f', 'é', '#x', 'tmp', 'x.tmp');
  const rel = fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
  const hash = fc.constantFrom('1', '2', '3');
  // a path cannot be both a file and a directory on one side
  const treeArb = fc
    .uniqueArray(fc.tuple(rel, hash), { selector: (t) => t[0], maxLength: 20 })
    .map((fsx) => fsx.filter(([p]) => !fsx.some(([q]) => q.startsWith(`${p}/`))));
  const setup = fc.record({
    localFiles: treeArb,
    remoteFiles: treeArb,
    outside: treeArb,
    prefix: fc.constantFrom('', 'docs', 'docs/sub'),
    exclude: fc.constantFrom<string[]>([], ['**/*.tmp'], ['tmp'], ['**/e f/**', '*.md']),
    prune: fc.boolean(),
    implicitDirs: fc.boolean(),
    maxDeletes: fc.option(fc.nat(10), { nil: undefined }),
    pct: fc.integer({ min: 0, max: 100 }),
    allowEmpty: fc.boolean(),
  });

  test('an unrefused, unblocked plan applied to a model server gives local + protected remote files, deletes only what it shows, and re-plans empty', () => {
    fc.assert(
      fc.property(setup, (s) => {
        const server = new ModelServer(s.implicitDirs);
        for (const [p, h] of s.remoteFiles) server.upload(joinRemote(s.prefix, p), H(h));
        for (const [p, h] of s.outside) server.upload(`outside/${p}`, H(h));
        const loc = s.localFiles.map(([p, h]) => local(p, h));
        const o = opts({
          directoryPath: s.prefix,
          exclude: s.exclude,
          prune: s.prune,
          maxDeletePercent: s.pct,
          allowEmpty: s.allowEmpty,
          ...(s.maxDeletes !== undefined ? { maxDeletes: s.maxDeletes } : {}),
        });
        const excludes = selectorOf(normalizeSelection({ exclude: s.exclude })).excludes;
        const before = new Map(server.entries);
        const plan = planEntry(loc, [...server.entries.values()], o);

        // every action stays under the prefix; a local path or an excluded one is never deleted
        const localFull = new Set(loc.map((f) => joinRemote(s.prefix, f.path)));
        for (const a of actionsOf([plan])) expect(relativeToPrefix(s.prefix, a.path)).not.toBeNull();
        for (const d of plan.deletes) {
          if (d.kind === 'file') expect(localFull.has(d.path)).toBe(false);
          expect(excludes(d.rel)).toBe(false);
        }
        if (!s.prune) expect(plan.deletes).toHaveLength(0);
        const fileDeletes = plan.deletes.filter((d) => d.kind === 'file').length;
        if (plan.refused === undefined && fileDeletes > 0) {
          if (s.maxDeletes !== undefined) expect(fileDeletes).toBeLessThanOrEqual(s.maxDeletes);
          expect(fileDeletes * 100).toBeLessThanOrEqual(s.pct * plan.remoteCount);
          if (!s.allowEmpty) expect(loc.length).toBeGreaterThan(0);
        }
        if (plan.refused || plan.problems.length > 0) return;

        server.apply(plan);
        // nothing was deleted that the plan did not show (a replaced path is rewritten, not deleted)
        const shown = new Set(plan.deletes.map((d) => d.path));
        for (const p of server.deleted) expect(shown.has(p)).toBe(true);
        // remote == local under the prefix, plus what the entry may not delete
        const expected = new Map<string, string | null>(loc.map((f) => [joinRemote(s.prefix, f.path), f.hash]));
        for (const [p, e] of before) {
          if (e.kind !== 'file' || expected.has(p)) continue;
          const r = relativeToPrefix(s.prefix, p);
          if (r === null || !s.prune || excludes(r)) expected.set(p, e.hash);
        }
        expect(new Map([...server.files()].sort())).toEqual(new Map([...expected].sort()));
        // and the next plan is empty
        const again = planEntry(loc, [...server.entries.values()], o);
        expect(ops(again)).toEqual([]);
      }),
      { numRuns: 400 },
    );
  });
});

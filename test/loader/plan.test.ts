/** The planner as a pure function: scenarios by name, then properties over generated listings. */
import fc from 'fast-check';
import { actionsOf, planEntry, summarize, type PlanLocalFile, type PlanOptions, type PlanRemoteFile } from '../../loader/plan';
import { excludeMatcher, joinRemote } from '../../loader/patterns';

const H = (c: string): string => c.repeat(64).slice(0, 64);
const local = (path: string, h = 'a', size = 1): PlanLocalFile => ({ path, hash: H(h), size });
const remote = (path: string, h: string | null = 'a', size = 1): PlanRemoteFile => ({ path, id: `id-${path}`, hash: h === null ? null : H(h), size });
const opts = (o: Partial<PlanOptions> = {}): PlanOptions => ({ directoryPath: '', exclude: [], prune: true, maxDeletePercent: 50, allowEmpty: false, ...o });
const ops = (p: ReturnType<typeof planEntry>): string[] => actionsOf([p]).map((a) => `${a.op} ${a.path}`);

describe('planner scenarios', () => {
  test('first sync: every local file is an upload under the prefix', () => {
    const p = planEntry([local('b.md', 'b'), local('a/x.pdf', 'x', 10)], [], opts({ directoryPath: 'docs' }));
    expect(ops(p)).toEqual(['upload docs/a/x.pdf', 'upload docs/b.md']);
    expect(summarize([p])).toEqual({ upload: 2, replace: 0, delete: 0, unchanged: 0, bytes: 11 });
    expect(p.refused).toBeUndefined();
  });

  test('no change: everything unchanged, no actions', () => {
    const p = planEntry([local('a.md'), local('b.md')], [remote('a.md'), remote('b.md')], opts());
    expect(ops(p)).toEqual([]);
    expect(p.unchanged).toBe(2);
  });

  test('modify: a hash difference is a replace; an unknown remote hash is a replace too', () => {
    const p = planEntry([local('a.md', 'b'), local('b.md')], [remote('a.md', 'a'), remote('b.md', null)], opts());
    expect(ops(p)).toEqual(['replace a.md', 'replace b.md']);
  });

  test('delete: a remote file gone locally is deleted when prune is on, kept when off', () => {
    const l = [local('a.md'), local('b.md'), local('c.md')];
    const r = [remote('a.md'), remote('b.md'), remote('c.md'), remote('gone.md')];
    expect(ops(planEntry(l, r, opts()))).toEqual(['delete gone.md']);
    expect(ops(planEntry(l, r, opts({ prune: false })))).toEqual([]);
  });

  test('rename: upload of the new path and delete of the old', () => {
    const p = planEntry([local('new.md', 'x'), local('keep.md')], [remote('old.md', 'x'), remote('keep.md')], opts());
    expect(ops(p)).toEqual(['upload new.md', 'delete old.md']);
    expect(p.refused).toBeUndefined();
  });

  test('excluded paths survive a prune; files outside the prefix are not considered', () => {
    const p = planEntry([local('a.md')], [remote('docs/a.md'), remote('docs/tmp/x.tmp'), remote('docs/build/out.bin'), remote('other/z.md'), remote('docsx/y.md')],
      opts({ directoryPath: 'docs', exclude: ['**/*.tmp', 'build'], maxDeletePercent: 100 }));
    expect(ops(p)).toEqual([]);
    expect(p.remoteCount).toBe(3);
  });

  test('guards: maxDeletes refuses the whole entry, keeping the actions for display', () => {
    const r = Array.from({ length: 10 }, (_, i) => remote(`f${i}.md`));
    const p = planEntry(r.slice(0, 7).map((f) => local(f.path)), r, opts({ maxDeletes: 2 }));
    expect(p.refused?.guard).toBe('maxDeletes');
    expect(p.deletes).toHaveLength(3);
    expect(planEntry(r.slice(0, 8).map((f) => local(f.path)), r, opts({ maxDeletes: 2 })).refused).toBeUndefined();
  });

  test('guards: maxDeletePercent counts the share of remote files under the prefix', () => {
    const r = Array.from({ length: 10 }, (_, i) => remote(`f${i}.md`));
    expect(planEntry(r.slice(0, 5).map((f) => local(f.path)), r, opts()).refused).toBeUndefined(); // exactly 50%
    expect(planEntry(r.slice(0, 4).map((f) => local(f.path)), r, opts()).refused?.guard).toBe('maxDeletePercent');
    expect(planEntry(r.slice(0, 4).map((f) => local(f.path)), r, opts({ maxDeletePercent: 60 })).refused).toBeUndefined();
    expect(planEntry([local('f0.md')], r, opts({ maxDeletePercent: 0 })).refused?.guard).toBe('maxDeletePercent');
  });

  test('empty source: refuses any delete unless allowEmpty', () => {
    const r = [remote('a.md'), remote('b.md')];
    const p = planEntry([], r, opts({ maxDeletePercent: 100 }));
    expect(p.refused?.guard).toBe('emptySource');
    expect(planEntry([], r, opts({ maxDeletePercent: 100, allowEmpty: true })).refused).toBeUndefined();
    expect(planEntry([], [], opts()).refused).toBeUndefined();
  });

  test('actions are sorted by path across ops', () => {
    const p = planEntry([local('c'), local('a', 'z')], [remote('a'), remote('b'), remote('d'), remote('e'), remote('f')], opts({ maxDeletePercent: 100 }));
    expect(actionsOf([p]).map((a) => a.path)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });
});

describe('planner properties', () => {
  const seg = fc.constantFrom('a', 'b', 'c', 'd.md', 'e f', 'é', '#x', 'tmp', 'x.tmp');
  const rel = fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
  const hash = fc.constantFrom('1', '2', '3');
  const filesArb = fc.uniqueArray(fc.tuple(rel, hash), { selector: (t) => t[0], maxLength: 25 })
    // a path cannot be both a file and a directory
    .map((fsx) => fsx.filter(([p]) => !fsx.some(([q]) => q.startsWith(`${p}/`))));
  const prefixArb = fc.constantFrom('', 'docs', 'docs/sub');
  const excludeArb = fc.constantFrom<string[]>([], ['**/*.tmp'], ['tmp'], ['**/e f/**', '*.md']);

  const setup = fc.record({
    localFiles: filesArb,
    remoteIn: filesArb,
    remoteOut: fc.uniqueArray(rel, { maxLength: 5 }),
    prefix: prefixArb,
    exclude: excludeArb,
    prune: fc.boolean(),
    maxDeletes: fc.option(fc.nat(10), { nil: undefined }),
    pct: fc.integer({ min: 0, max: 100 }),
    allowEmpty: fc.boolean(),
  });

  test('applying an unrefused plan yields the local set plus the excluded remote files under the prefix; nothing outside is touched', () => {
    fc.assert(fc.property(setup, (s) => {
      const isExcluded = excludeMatcher(s.exclude);
      const loc = s.localFiles.map(([p, h]) => local(p, h));
      const rem = [
        ...s.remoteIn.map(([p, h]) => remote(joinRemote(s.prefix, p), h)),
        ...s.remoteOut.map((p) => remote(`outside/${p}`)),
      ];
      const o = opts({ directoryPath: s.prefix, exclude: s.exclude, prune: s.prune, maxDeletePercent: s.pct, allowEmpty: s.allowEmpty, ...(s.maxDeletes !== undefined ? { maxDeletes: s.maxDeletes } : {}) });
      const plan = planEntry(loc, rem, o);
      // every action stays under the prefix
      for (const a of actionsOf([plan])) expect(a.path.startsWith(s.prefix === '' ? '' : `${s.prefix}/`)).toBe(true);
      // a local path is never deleted, an excluded one neither
      const localFull = new Set(loc.map((f) => joinRemote(s.prefix, f.path)));
      for (const d of plan.deletes) {
        expect(localFull.has(d.path)).toBe(false);
        expect(isExcluded(d.rel)).toBe(false);
      }
      if (!s.prune) expect(plan.deletes).toHaveLength(0);
      // guards hold
      if (plan.refused === undefined && plan.deletes.length > 0) {
        if (s.maxDeletes !== undefined) expect(plan.deletes.length).toBeLessThanOrEqual(s.maxDeletes);
        expect(plan.deletes.length * 100).toBeLessThanOrEqual(s.pct * plan.remoteCount);
        if (!s.allowEmpty) expect(loc.length).toBeGreaterThan(0);
      }
      if (plan.refused) return;
      // apply to the remote listing
      const state = new Map(rem.map((r) => [r.path, r.hash]));
      for (const u of plan.uploads) state.set(u.path, u.hash);
      for (const d of plan.deletes) state.delete(d.path);
      const expected = new Map<string, string | null>(loc.map((f) => [joinRemote(s.prefix, f.path), f.hash]));
      for (const r of rem) {
        const under = s.prefix === '' || r.path.startsWith(`${s.prefix}/`);
        const relp = s.prefix === '' ? r.path : r.path.slice(s.prefix.length + 1);
        if (expected.has(r.path)) continue;
        if (!under || !s.prune || isExcluded(relp)) expected.set(r.path, r.hash);
      }
      expect(new Map([...state].sort())).toEqual(new Map([...expected].sort()));
      // and the plan is then a no-op
      const after = [...state].map(([p, h]) => ({ path: p, id: p, hash: h, size: 1 }));
      const again = planEntry(loc, after, o);
      expect(again.uploads).toHaveLength(0);
      expect(again.deletes).toHaveLength(0);
    }), { numRuns: 300 });
  });
});

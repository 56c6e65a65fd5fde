/** gc: the pattern rule, selection as a pure function (properties over names), and the CLI against the emulator. */
import fc from 'fast-check';
import type { FileSet } from '../../client';
import { gcCandidates, gcMatcher, gcPatternProblem, parseDuration } from '../../loader/gc';
import { runCli } from '../cli/helpers';
import { startEnv, type Env } from './helpers';

const fileSet = (name: string, updated: string | null = '2026-01-01T00:00:00.000Z'): FileSet => ({
  id: `id-${name}`,
  name,
  description: null,
  aiEnabled: null,
  indexStatus: null,
  batchType: null,
  connector: null,
  created: updated,
  createdBy: null,
  updated,
  updatedBy: null,
  owner: null,
  accountId: null,
  connectorContext: null,
  permission: null,
  size: null,
  fileCount: null,
});

/** An oracle independent of the matcher: the pattern as an escaped regular expression. */
function oracle(pattern: string): (name: string) => boolean {
  const re = new RegExp(
    `^${[...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`,
    'u',
  );
  return (name) => re.test(name);
}

describe('gc selection', () => {
  test('a pattern must begin with a literal prefix', () => {
    expect(gcPatternProblem('*')).toMatch(/starts with a wildcard/);
    expect(gcPatternProblem('?ocs')).toMatch(/starts with a wildcard/);
    expect(gcPatternProblem('')).toMatch(/empty/);
    expect(gcPatternProblem('docs-pr-*')).toBeNull();
    expect(() => gcMatcher('*-pr-*')).toThrow(/literal prefix/);
  });

  test('a wildcard in the pattern stays a wildcard where the name holds the same character', () => {
    // Found by the property below: 'p*' did not match 'p*d' (the * was matched literally, then nothing was left for d).
    expect(gcMatcher('p*')('p*d')).toBe(true);
    expect(gcMatcher('docs-*-x')('docs-*-y-x')).toBe(true);
    expect(gcMatcher('docs-?')('docs-?')).toBe(true);
    expect(gcMatcher('docs-*')('doc-*')).toBe(false);
  });

  test('durations', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(() => parseDuration('soon')).toThrow(/--older-than must be a duration like 30m, 12h, 7d or 2w \(got 'soon'\)/);
  });

  const chars = fc.constantFrom('d', 'o', 'c', 's', '-', 'p', 'r', '1', '2', '*', '?', '.', '[', '(', '\\', '%', 'é', ' ');
  const name = fc.array(chars, { maxLength: 12 }).map((a) => a.join(''));
  const pattern = fc
    .tuple(fc.array(fc.constantFrom('d', 'o', 'c', '-', 'p', '.', '('), { minLength: 1, maxLength: 5 }), fc.array(chars, { maxLength: 6 }))
    .map(([lit, rest]) => lit.join('') + rest.join(''));

  test('property: a name is selected exactly when the pattern matches it (independent oracle) and it is not kept', () => {
    fc.assert(
      fc.property(pattern, fc.uniqueArray(name, { maxLength: 15 }), fc.array(name, { maxLength: 3 }), (p, names, keep) => {
        const selected = new Set(
          gcCandidates(
            names.map((n) => fileSet(n)),
            { pattern: p, keep },
          ).map((c) => c.name),
        );
        const matches = oracle(p);
        for (const n of names) expect(selected.has(n)).toBe(matches(n) && !keep.includes(n));
      }),
      { numRuns: 2000 },
    );
  });

  test('property: a name that does not start with the literal prefix is never selected', () => {
    fc.assert(
      fc.property(pattern, name, (p, n) => {
        const prefix = p.slice(0, p.search(/[*?]|$/));
        fc.pre(!n.startsWith(prefix));
        expect(gcCandidates([fileSet(n)], { pattern: p })).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  test('--older-than judges the last change; a FileSet without a timestamp is never old enough', () => {
    const now = Date.parse('2026-02-01T00:00:00.000Z');
    const all = [fileSet('docs-pr-1', '2026-01-01T00:00:00.000Z'), fileSet('docs-pr-2', '2026-01-31T00:00:00.000Z'), fileSet('docs-pr-3', null)];
    expect(gcCandidates(all, { pattern: 'docs-pr-*', olderThanMs: 7 * 86_400_000, nowMs: now }).map((c) => c.name)).toEqual(['docs-pr-1']);
    expect(gcCandidates(all, { pattern: 'docs-pr-*', nowMs: now }).map((c) => c.name)).toEqual(['docs-pr-1', 'docs-pr-2', 'docs-pr-3']);
  });
});

describe('gc command', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env?.close());

  test('lists without --yes (exit 2), deletes with --yes only the matching, unkept FileSets (files and all)', async () => {
    const names = ['docs-pr-1', 'docs-pr-2', 'docs-pr-keep', 'docs-main', 'other-docs-pr-3', 'docs-pr'];
    for (const n of names) {
      const fs = await env.client.createFileSet({ name: n });
      await env.client.uploadFile(fs.id, { path: 'a.md', source: { content: n } });
    }
    const cliEnv = { DOMO_BASE_URL: env.emu.url, DOMO_DEVELOPER_TOKEN: env.token };
    const m0 = env.emu.stats().mutating;
    const list = await runCli(['gc', '--name', 'docs-pr-*', '--keep', 'docs-pr-keep', '--format', 'json'], cliEnv);
    expect(list.code).toBe(2);
    expect((JSON.parse(list.stdout) as { wouldDelete: { name: string }[] }).wouldDelete.map((c) => c.name)).toEqual(['docs-pr-1', 'docs-pr-2']);
    expect(env.emu.stats().mutating).toBe(m0);
    const done = await runCli(['gc', '--name', 'docs-pr-*', '--keep', 'docs-pr-keep', '--yes'], cliEnv);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('gc: 2 FileSets deleted.');
    const left: string[] = [];
    for await (const fs of env.client.searchFileSets({})) left.push(fs.name);
    expect(left.sort()).toEqual(['docs-main', 'docs-pr', 'docs-pr-keep', 'other-docs-pr-3']);
    const none = await runCli(['gc', '--name', 'docs-pr-*', '--keep', 'docs-pr-keep'], cliEnv);
    expect(none.code).toBe(0);
    const bare = await runCli(['gc', '--name', '*', '--yes'], cliEnv);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/starts with a wildcard; it must begin with a literal prefix/);
  });
});

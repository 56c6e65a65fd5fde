/**
 * Property: random local edits (create, modify, delete, rename, file↔directory swap, include/exclude changes)
 * interleaved with applies against the real emulator. After every apply that reports success, remote ==
 * local for every entry and the next plan is empty; after every apply, whatever its outcome, nothing was
 * deleted that its report did not show (from the emulator's request log). RANDOM_EDITS_RUNS raises the count.
 */
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { applyManifest, planManifest, type Report } from '../../loader';
import { relativeToPrefix } from '../../loader/prefix';
import { remoteState, sha256 } from '../support/fs-state';
import { manifestOf, startEnv, type Env } from './helpers';

jest.setTimeout(300_000);
const RUNS = Number(process.env.RANDOM_EDITS_RUNS ?? 20);

/**
 * Patterns whose meaning the test computes on its own (an oracle independent of the loader's matcher). An
 * exclude that names a directory excludes everything under it, as fast-glob's ignore does.
 */
const anyTmp = (p: string): boolean => p.split('/').some((s) => s.endsWith('.tmp'));
const PATTERNS = [
  { yaml: '', selects: (_p: string) => true, protects: (_p: string) => false },
  { yaml: '    include: ["**/*.md"]\n', selects: (p: string) => p.endsWith('.md'), protects: (_p: string) => false },
  { yaml: '    exclude: ["**/*.tmp"]\n', selects: (p: string) => !anyTmp(p), protects: anyTmp },
  { yaml: '    exclude: ["a"]\n', selects: (p: string) => !(p === 'a' || p.startsWith('a/')), protects: (p: string) => p === 'a' || p.startsWith('a/') },
] as const;

type Op =
  | { kind: 'write'; src: number; path: string; content: string }
  | { kind: 'delete'; src: number; pick: number }
  | { kind: 'rename'; src: number; pick: number; to: string }
  | { kind: 'swap'; src: number; pick: number }
  | { kind: 'patterns'; src: number; choice: number }
  | { kind: 'apply' };

const seg = fc.constantFrom('a', 'b', 'c');
const name = fc.tuple(fc.constantFrom('x', 'y', 'a', 'b'), fc.constantFrom('.md', '.tmp', '.txt', '')).map(([n, e]) => n + e);
const relPath = fc.tuple(fc.array(seg, { maxLength: 2 }), name).map(([dirs, n]) => [...dirs, n].join('/'));
const src = fc.integer({ min: 0, max: 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('write' as const), src, path: relPath, content: fc.constantFrom('1', '2', '3', '') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), src, pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), src, pick: fc.nat(), to: relPath }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('swap' as const), src, pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('patterns' as const), src, choice: fc.nat(PATTERNS.length - 1) }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'apply' as const }) },
);

/** Every regular file under `root` as POSIX relative paths. */
function filesUnder(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...filesUnder(root, p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

/** Writes a file, replacing whatever stands in the way (a file where a directory must go, or vice versa). */
function put(root: string, rel: string, content: string): void {
  const segs = rel.split('/');
  for (let k = 1; k < segs.length; k += 1) {
    const dir = path.join(root, ...segs.slice(0, k));
    try {
      if (!statSync(dir).isDirectory()) rmSync(dir);
    } catch {
      // absent: mkdir below
    }
  }
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  rmSync(path.join(root, rel), { recursive: true, force: true });
  writeFileSync(path.join(root, rel), content);
}

describe('random edits interleaved with applies', () => {
  let env: Env;
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => env?.close());

  test('success ⇒ remote == local for every entry and an empty re-plan; never a delete the report did not show', async () => {
    let round = 0;
    const figures = { applies: 0, clean: 0, deletes: 0 };
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 14 }), async (ops) => {
      round += 1;
      const dir = path.join(env.dir, `round-${round}`);
      const roots = [path.join(dir, 's0'), path.join(dir, 's1')];
      for (const r of roots) mkdirSync(r, { recursive: true });
      const patterns = [0, 0];
      const name = `edits-${round}`;
      const writeManifest = () => manifestOf(dir, [
        'version: 1', 'filesets:',
        ...roots.map((_, i) => `  - name: ${name}\n    source: ./s${i}\n    directoryPath: p${i}\n    maxDeletePercent: 100\n    allowEmpty: true\n${PATTERNS[patterns[i]].yaml}`),
      ].join('\n'));

      const apply = async (): Promise<void> => {
        const m = await writeManifest();
        const from = env.emu.requestLog().length;
        const report: Report = await applyManifest(m, { client: env.client });
        figures.applies += 1;
        const shown = new Set(report.filesets.flatMap((f) => f.actions.flatMap((a) => (a.op === 'delete' ? [a.path] : []))));
        const deleted = env.emu.requestLog().slice(from)
          .filter((e) => (e.operationId === 'deleteFile' || e.operationId === 'deleteFileByPath') && e.status >= 200 && e.status < 300)
          .flatMap((e) => (e as { removed?: string[] }).removed ?? (e.path ? [e.path] : []));
        for (const p of deleted) expect(shown.has(p) || [...shown].some((d) => p.startsWith(`${d}/`))).toBe(true);
        figures.deletes += deleted.length;
        const ok = report.filesets.every((f) => !f.error && !f.skipped && !f.problems && !f.refused);
        if (!ok) return;
        figures.clean += 1;
        const [fs] = await env.client.findFileSetsByName(name);
        const remote = await remoteState(env.client, fs.id);
        roots.forEach((root, i) => {
          const pat = PATTERNS[patterns[i]];
          const prefix = `p${i}`;
          const under = Object.keys(remote).map((p) => [p, relativeToPrefix(prefix, p)] as const).filter(([, r]) => r !== null) as [string, string][];
          const expected: Record<string, string> = {};
          for (const f of filesUnder(root)) if (pat.selects(f)) expected[`${prefix}/${f}`] = sha256(require('node:fs').readFileSync(path.join(root, f)));
          for (const [full, rel] of under) if (!pat.selects(rel) && pat.protects(rel)) expected[full] = remote[full] as string;
          const actual = Object.fromEntries(under.filter(([, rel]) => pat.selects(rel) || pat.protects(rel)).map(([full]) => [full, remote[full]]));
          expect(actual).toEqual(expected);
          // nothing else under the prefix: an unselected, unprotected remote file would have been pruned
          for (const [, rel] of under) expect(pat.selects(rel) || pat.protects(rel)).toBe(true);
        });
        const again = await planManifest(m, { client: env.client });
        expect(again.filesets.flatMap((f) => f.actions)).toEqual([]);
      };

      for (const o of ops) {
        if (o.kind === 'apply') {
          await apply();
          continue;
        }
        const root = roots[o.src];
        const existing = filesUnder(root);
        if (o.kind === 'write') put(root, o.path, o.content);
        else if (o.kind === 'patterns') patterns[o.src] = o.choice;
        else if (existing.length > 0) {
          const f = existing[o.pick % existing.length];
          if (o.kind === 'delete') rmSync(path.join(root, f));
          else if (o.kind === 'rename') {
            const content = require('node:fs').readFileSync(path.join(root, f), 'utf8') as string;
            rmSync(path.join(root, f));
            put(root, o.to, content);
          } else {
            // file → directory: the file's path becomes a directory holding a file; a parent directory → a file
            const parent = path.dirname(f);
            if (parent !== '.' && o.pick % 2 === 0) {
              rmSync(path.join(root, parent), { recursive: true });
              put(root, parent, 'was a directory');
            } else {
              rmSync(path.join(root, f));
              put(root, `${f}/inner.md`, 'was a file');
            }
          }
        }
      }
      await apply();
    }), { numRuns: RUNS, seed: Number(process.env.RANDOM_EDITS_SEED ?? 424242) });
    // the property is vacuous if nothing ever applied cleanly or deleted
    expect(figures.clean).toBeGreaterThan(RUNS);
    expect(figures.deletes).toBeGreaterThan(0);
  });
});

/**
 * The documentation stays true to the code: docs/cli.md is exactly what the command definitions render; every
 * flag the CLI defines is in it, and every flag README.md and docs/*.md mention exists; the manifest reference
 * lists exactly the keys the loader accepts; every relative link resolves, anchors included.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { allFlags, renderCliReference } from '../../cli/reference';
import { MANIFEST_KEYS } from '../../loader/manifest';
import { anchors, longFlags, relativeLinks, tableNames } from './markdown';

const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** README.md and every document under docs/, as paths relative to the repository. */
const DOCUMENTS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
/** Also checked for links: the other top-level documents link into docs/. */
const LINKED = [...DOCUMENTS, 'CONTRIBUTING.md', 'CHANGELOG.md'];

/**
 * Flags of other programs that the documents mention, each allowed only on a line that names its program, so
 * a mistyped flag of ours is still caught.
 */
const OTHER_PROGRAMS: { program: RegExp; flags: string[] }[] = [
  { program: /pulumi/i, flags: ['--secret'] }, // pulumi config set --secret
  { program: /\brclone\b/, flags: ['--checksum', '--transfers'] }, // the rclone baseline of the benchmarks
  { program: /\bnode --cpu-prof\b/, flags: ['--cpu-prof'] }, // Node's CPU profiler
  { program: /\btsc\b/, flags: ['--noEmit'] }, // the TypeScript compiler
  { program: /\bprettier\b/, flags: ['--check', '--write'] }, // the formatter
];

/** The flags of `npm run bench`, read from its argument parser (bench/ is a script, not part of the CLI). */
function benchFlags(): Set<string> {
  return new Set([...read('bench/run.ts').matchAll(/\ba === '(--[a-z-]+)'/g)].map((m) => m[1]));
}

describe('docs/cli.md', () => {
  test('is what renderCliReference() renders from the command definitions', () => {
    const onDisk = read('docs/cli.md');
    const rendered = renderCliReference();
    if (onDisk !== rendered) {
      const a = onDisk.split('\n');
      const b = rendered.split('\n');
      const line = a.findIndex((l, i) => l !== b[i]);
      throw new Error(`docs/cli.md is stale: run npm run docs:cli (first difference on line ${(line < 0 ? a.length : line) + 1})`);
    }
  });

  test('mentions every flag the CLI defines', () => {
    const documented = new Set(longFlags(read('docs/cli.md')).map((f) => f.flag));
    const missing = [...allFlags()].filter((f) => !documented.has(f));
    expect(missing).toEqual([]);
  });
});

describe('flags in README.md and docs/*.md', () => {
  test('every --flag mentioned is one the CLI defines (or belongs to the program named on its line)', () => {
    // commander's help option is not in Command.options; the reference documents it once, for every command.
    const ours = new Set([...allFlags(), '--help']);
    const bench = benchFlags();
    expect(bench.has('--quick')).toBe(true); // the parser was found
    const unknown: string[] = [];
    for (const doc of DOCUMENTS) {
      for (const { flag, line } of longFlags(read(doc))) {
        if (ours.has(flag)) continue;
        if (bench.has(flag) && (doc === 'docs/benchmarks.md' || line.includes('npm run bench'))) continue;
        if (OTHER_PROGRAMS.some((o) => o.flags.includes(flag) && o.program.test(line))) continue;
        unknown.push(`${doc}: ${flag} in "${line.trim().slice(0, 120)}"`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe('docs/manifest.md', () => {
  const documented = tableNames(read('docs/manifest.md'), 'Keys');
  const accepted = [...MANIFEST_KEYS.root, ...MANIFEST_KEYS.entry, ...MANIFEST_KEYS.grant];

  test('documents every key the loader accepts', () => {
    expect(accepted.filter((k) => !documented.includes(k))).toEqual([]);
  });

  test('documents only keys the loader accepts', () => {
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((k) => !(accepted as readonly string[]).includes(k))).toEqual([]);
  });
});

describe('relative links', () => {
  test.each(LINKED)('%s: every relative link points to an existing file, and every #anchor to a heading', (doc) => {
    const broken: string[] = [];
    for (const link of relativeLinks(read(doc))) {
      const target = link.path === '' ? join(ROOT, doc) : resolve(ROOT, dirname(doc), decodeURI(link.path));
      const shown = `${doc}:${link.line}: ${link.path}${link.anchor ? `#${link.anchor}` : ''}`;
      if (!target.startsWith(ROOT) || !existsSync(target)) {
        broken.push(`${shown} (no such file)`);
      } else if (link.anchor && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(link.anchor)) {
        broken.push(`${shown} (no heading with that anchor in ${relative(ROOT, target)})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

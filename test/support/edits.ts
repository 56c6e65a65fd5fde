/**
 * Random local edits interleaved with applies, and the invariant every apply is checked against: an apply
 * the CLI would exit 0 on leaves remote == local for every entry and an empty next plan; any apply, whatever
 * its outcome, deletes nothing its report did not show (read from the emulator's request log).
 *
 * A session is two sources feeding one FileSet under the prefixes p0 and p1; the edits create, modify,
 * delete, rename, swap a file and a directory, and change include/exclude patterns.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { reportStatus } from '../../cli/status';
import type { DomoFilesClient } from '../../client';
import type { EmulatorHandle } from '../../emulator';
import { applyManifest, loadManifest, planManifest, type Manifest, type Report } from '../../loader';
import { relativeToPrefix } from '../../loader/prefix';
import { sha256 } from './fs-state';
import { deletedPaths } from './request-log';

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

/** One step of a session: a local edit in source `src`, or an apply. */
export type EditOp =
  | { kind: 'write'; src: number; path: string; content: string }
  | { kind: 'delete'; src: number; pick: number }
  | { kind: 'rename'; src: number; pick: number; to: string }
  | { kind: 'swap'; src: number; pick: number }
  | { kind: 'patterns'; src: number; choice: number }
  | { kind: 'apply' };

const seg = fc.constantFrom('a', 'b', 'c');
const fileName = fc.tuple(fc.constantFrom('x', 'y', 'a', 'b'), fc.constantFrom('.md', '.tmp', '.txt', '')).map(([n, e]) => n + e);
const relPath = fc.tuple(fc.array(seg, { maxLength: 2 }), fileName).map(([dirs, n]) => [...dirs, n].join('/'));
const src = fc.integer({ min: 0, max: 1 });

/** One random step; applies are a fifth of the steps or so. */
export const editOp: fc.Arbitrary<EditOp> = fc.oneof(
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

/** What one checked apply came to. */
export interface ApplyCheck {
  /** The CLI would have exited 0. */
  clean: boolean;
  /** Paths the emulator removed during the apply. */
  deleted: number;
  /** The report, or the error the whole run stopped on (the CLI prints it as its one error line, exit 1). */
  report: Report | Error;
}

/** Where a session runs. */
export interface SessionTarget {
  client: DomoFilesClient;
  emu: EmulatorHandle;
  /** A directory of its own (the sources and the manifest go here). */
  dir: string;
  /** The FileSet's name. */
  name: string;
}

/**
 * The remote content of a FileSet as path → SHA-256: the listing's hash where the server gives one, else the
 * downloaded bytes' (a server without hashes must still hold exactly the local content).
 */
async function remoteContent(client: DomoFilesClient, fileSetId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const f of client.listFiles(fileSetId, { filesOnly: true })) {
    if (f.path in out) throw new Error(`duplicate remote file ${JSON.stringify(f.path)}`);
    if (f.hash) out[f.path] = f.hash;
    else {
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      out[f.path] = (await client.downloadFile(fileSetId, { fileId: f.id }, { stream: sink })).sha256;
    }
  }
  return out;
}

/** Two sources under p0 and p1 of one FileSet, edited at random and applied; every apply checked. */
export class EditSession {
  readonly roots: string[];
  private readonly patterns = [0, 0];

  constructor(private readonly t: SessionTarget) {
    this.roots = [path.join(t.dir, 's0'), path.join(t.dir, 's1')];
    for (const r of this.roots) mkdirSync(r, { recursive: true });
  }

  /** Writes the manifest of the current patterns and loads it. */
  async manifest(): Promise<Manifest> {
    const file = path.join(this.t.dir, 'manifest.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'filesets:',
        ...this.roots.map(
          (_, i) =>
            `  - name: ${this.t.name}\n    source: ./s${i}\n    directoryPath: p${i}\n    maxDeletePercent: 100\n    allowEmpty: true\n${PATTERNS[this.patterns[i]].yaml}`,
        ),
      ].join('\n'),
    );
    return loadManifest(file, {});
  }

  /** Makes one local edit (an `apply` op does nothing here: the caller applies). */
  edit(o: EditOp): void {
    if (o.kind === 'apply') return;
    const root = this.roots[o.src];
    const existing = filesUnder(root);
    if (o.kind === 'write') put(root, o.path, o.content);
    else if (o.kind === 'patterns') this.patterns[o.src] = o.choice;
    else if (existing.length > 0) {
      const f = existing[o.pick % existing.length];
      if (o.kind === 'delete') rmSync(path.join(root, f));
      else if (o.kind === 'rename') {
        const content = readFileSync(path.join(root, f), 'utf8');
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

  /** Applies the manifest and checks the invariant; returns what happened. */
  async apply(client: DomoFilesClient = this.t.client): Promise<ApplyCheck> {
    const m = await this.manifest();
    const from = this.t.emu.requestLog().length;
    const report = await applyManifest(m, { client }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    const shown = report instanceof Error ? [] : report.filesets.flatMap((f) => f.actions.flatMap((a) => (a.op === 'delete' ? [a.path] : [])));
    const deleted = deletedPaths(this.t.emu.requestLog().slice(from));
    for (const p of deleted) expect({ deleted: p, shown: shown.some((d) => p === d || p.startsWith(`${d}/`)) }).toEqual({ deleted: p, shown: true });
    const clean = !(report instanceof Error) && reportStatus(report, { apply: true }) === undefined;
    if (clean) await this.expectConverged(m);
    return { clean, deleted: deleted.length, report };
  }

  /** remote == local for every entry (the patterns' oracle), and an empty next plan. */
  private async expectConverged(m: Manifest): Promise<void> {
    const [fs] = await this.t.client.findFileSetsByName(this.t.name);
    const remote = fs ? await remoteContent(this.t.client, fs.id) : {};
    this.roots.forEach((root, i) => {
      const pat = PATTERNS[this.patterns[i]];
      const prefix = `p${i}`;
      const under = Object.keys(remote)
        .map((p) => [p, relativeToPrefix(prefix, p)] as const)
        .filter((x): x is [string, string] => x[1] !== null);
      const expected: Record<string, string> = {};
      for (const f of filesUnder(root)) if (pat.selects(f)) expected[`${prefix}/${f}`] = sha256(readFileSync(path.join(root, f)));
      for (const [full, rel] of under) if (!pat.selects(rel) && pat.protects(rel)) expected[full] = remote[full];
      const actual = Object.fromEntries(under.filter(([, rel]) => pat.selects(rel) || pat.protects(rel)).map(([full]) => [full, remote[full]]));
      expect(actual).toEqual(expected);
      // nothing else under the prefix: an unselected, unprotected remote file would have been pruned
      for (const [full, rel] of under) expect({ full, kept: pat.selects(rel) || pat.protects(rel) }).toEqual({ full, kept: true });
    });
    const again = await planManifest(m, { client: this.t.client });
    expect(again.filesets.flatMap((f) => f.actions)).toEqual([]);
  }
}

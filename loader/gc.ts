/**
 * Garbage collection of FileSets by name pattern: PR environments whose close job failed or never ran.
 * Only names matching the pattern are ever touched, and the pattern must begin with a literal prefix (a bare
 * `*` could match every FileSet of the instance). Selection is a pure function, apart from the listing and
 * the deletes.
 */
import type { DomoFilesClient, FileSet } from '../client';
import { LoaderError } from './errors';
import { isNotFound } from './remote';
import { compareUtf16 } from './order';

/** What gc selects. */
export interface GcOptions {
  /** Name pattern: `*` matches any run of characters, `?` one character; everything else is literal. */
  pattern: string;
  /** Only FileSets whose last change (updated, else created) is at least this old. */
  olderThanMs?: number;
  /** Names never deleted, whatever the pattern says. */
  keep?: readonly string[];
  /** "Now", for tests. */
  nowMs?: number;
}

/** A FileSet gc would delete, and why it qualifies. */
export interface GcCandidate {
  id: string;
  name: string;
  /** ISO time of the last change gc judged by, or null when the server gave none. */
  lastChange: string | null;
}

/** Why a gc pattern is refused, or null. */
export function gcPatternProblem(pattern: string): string | null {
  if (pattern.trim() === '') return 'the --name pattern is empty';
  const firstWildcard = pattern.search(/[*?]/);
  if (firstWildcard === 0) return `the --name pattern '${pattern}' starts with a wildcard; it must begin with a literal prefix such as 'docs-pr-'`;
  return null;
}

/** A matcher for a gc pattern: whole-name match, `*` and `?` wildcards, no other special characters. */
export function gcMatcher(pattern: string): (name: string) => boolean {
  const problem = gcPatternProblem(pattern);
  if (problem) throw new LoaderError(problem);
  // Linear-time wildcard match (greedy with one backtrack point): no regular expression built from input.
  return (name: string): boolean => {
    let p = 0;
    let n = 0;
    let star = -1;
    let mark = 0;
    while (n < name.length) {
      // A `*` in the pattern is a wildcard even where the name has a `*` too: tested before the literal match.
      if (p < pattern.length && pattern[p] === '*') {
        star = p;
        mark = n;
        p += 1;
      } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
        p += 1;
        n += 1;
      } else if (star >= 0) {
        p = star + 1;
        mark += 1;
        n = mark;
      } else {
        return false;
      }
    }
    while (p < pattern.length && pattern[p] === '*') p += 1;
    return p === pattern.length;
  };
}

/** Parses "7d", "12h", "30m", "45s", "2w" into milliseconds; LoaderError naming the flag otherwise. */
export function parseDuration(text: string, flag = '--older-than'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/i.exec(text);
  if (!m) throw new LoaderError(`${flag} must be a duration like 30m, 12h, 7d or 2w (got '${text}')`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2].toLowerCase() as 's' | 'm' | 'h' | 'd' | 'w'];
  return Math.round(Number(m[1]) * unit);
}

/** The FileSets of `all` that gc would delete under `opts` (pure). */
export function gcCandidates(all: readonly FileSet[], opts: GcOptions): GcCandidate[] {
  const matches = gcMatcher(opts.pattern);
  const keep = new Set(opts.keep ?? []);
  const now = opts.nowMs ?? Date.now();
  const out: GcCandidate[] = [];
  for (const fs of all) {
    if (!matches(fs.name) || keep.has(fs.name)) continue;
    const lastChange = latest(fs.updated, fs.created);
    if (opts.olderThanMs !== undefined) {
      // Without a timestamp the age is unknown: never old enough.
      if (lastChange === null || now - Date.parse(lastChange) < opts.olderThanMs) continue;
    }
    out.push({ id: fs.id, name: fs.name, lastChange });
  }
  return out.sort((a, b) => compareUtf16(a.name, b.name) || compareUtf16(a.id, b.id));
}

function latest(a: string | null, b: string | null): string | null {
  const ta = a === null ? NaN : Date.parse(a);
  const tb = b === null ? NaN : Date.parse(b);
  if (Number.isNaN(ta)) return Number.isNaN(tb) ? null : (b as string);
  if (Number.isNaN(tb)) return a as string;
  return ta >= tb ? (a as string) : (b as string);
}

/** Lists every FileSet the token can see and selects the gc candidates. */
export async function findGarbage(client: DomoFilesClient, opts: GcOptions): Promise<GcCandidate[]> {
  gcMatcher(opts.pattern);
  const all: FileSet[] = [];
  for await (const fs of client.searchFileSets({})) all.push(fs);
  return gcCandidates(all, opts);
}

/** Deletes the candidates (files and all); returns which went and which failed. A 404 counts as gone. */
export async function deleteGarbage(
  client: DomoFilesClient,
  candidates: readonly GcCandidate[],
): Promise<{ deleted: GcCandidate[]; failed: { candidate: GcCandidate; message: string }[] }> {
  const deleted: GcCandidate[] = [];
  const failed: { candidate: GcCandidate; message: string }[] = [];
  for (const c of candidates) {
    try {
      await client.deleteFileSet(c.id, { force: true, name: c.name });
      deleted.push(c);
    } catch (e) {
      if (isNotFound(e)) deleted.push(c);
      else failed.push({ candidate: c, message: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
    }
  }
  return { deleted, failed };
}

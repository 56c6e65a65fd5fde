/**
 * Local scan: walk the source (fast-glob's synchronous walker: one lstat per entry, no thread-pool round
 * trips), keep what the entry's selector selects, and hash each file once (hash cache first) with bounded
 * parallelism. Paths are POSIX, relative to the source, in Unicode NFC, and must obey the remote path rule;
 * nothing that resolves outside the source is read, and the tool's own state directories are never part of
 * a source. Returns new values: nothing a caller passed in is modified (the cache aside, which the run owns).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import fg from 'fast-glob';
import { remotePathProblem } from '../client/remote-path';
import { LoaderError } from './errors';
import type { CleanBlobs } from './git-index';
import type { HashCache } from './hash-cache';
import { hashFile, SMALL_READ_BYTES } from './hash';
import { assertScannableNames } from './names';
import { forEachPooled, type Slots } from './pool';
import { normalizeSelection, selectorOf, type Selection } from './selector';
import type { LocalIdentity, ProgressCallback } from './types';
import { compareUtf16 } from './order';

/** One local file, as the planner sees it. */
export interface LocalFile extends LocalIdentity {
  /** POSIX path relative to the source, NFC (the remote name under the prefix). */
  path: string;
  size: number;
  /**
   * SHA-256 hex; null only with `deferHash` for a small file the cache did not know (hashed later: by
   * hashPending when the remote side has the path, else while it is uploaded).
   */
  hash: string | null;
}

/** What to scan. */
export interface ScanOptions {
  source: string;
  /** fast-glob patterns relative to the source (default every file); normalized here (NFC, no "./" or "//"). */
  include?: readonly string[];
  exclude?: readonly string[];
  /** Include dotfiles (default false). */
  dot?: boolean;
  /** Absolute directories never scanned (the tool's state: hash cache, embedded emulator data). */
  ignoreDirs?: readonly string[];
  /** Hash cache to consult and fill (default: none). */
  cache?: HashCache;
  /** Blob ids of the files git reports clean (absolute path → blob): hashes learnt by blob id apply. */
  blobs?: CleanBlobs;
  /** Files hashed at once (default 16). */
  concurrency?: number;
  /** Slots shared with the other scans of a run: every file hashed takes one, so the run's total is bounded too. */
  hashing?: Slots;
  /**
   * Leave small files the cache does not know unhashed (hash null): apply hashes them only where needed,
   * from the one read that also uploads them. Larger files are hashed as usual: their upload streams them, so
   * deferring would not save a read.
   */
  deferHash?: boolean;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/** A file to hash, with the identity the walk saw. */
interface Candidate extends LocalIdentity {
  rel: string;
  size: number;
}

/** Scans and hashes the source; files sorted by path. Throws LoaderError for unsafe or unreadable input. */
export async function scanSource(opts: ScanOptions): Promise<LocalFile[]> {
  const source = path.resolve(opts.source);
  let realSource: string;
  try {
    const st = await fsp.stat(source);
    if (!st.isDirectory()) throw new LoaderError(`source ${source} is not a directory`);
    realSource = await fsp.realpath(source);
  } catch (e) {
    if (e instanceof LoaderError) throw e;
    throw new LoaderError(`source ${source} cannot be read (${errCode(e)})`);
  }
  const selection = normalizeSelection(opts, source);
  await assertScannableNames(source, selection.dot);
  const ignore = await ignoredUnder(source, realSource, opts.ignoreDirs ?? []);
  const walked = walk(source, selection, ignore);
  const selector = selectorOf(selection);

  const byName = new Map<string, Candidate>();
  for (const w of walked) {
    const key = w.rel.split(path.sep).join('/').normalize('NFC');
    // The walk may list a superset (patterns matched against an NFD spelling on disk): the selector decides.
    if (!selector.selects(key)) continue;
    const c = w.symlink ? await resolveSymlink(w, realSource) : w;
    if (!c) continue;
    const problem = remotePathProblem(key);
    if (problem) throw new LoaderError(`${c.abs}: file name ${problem}; rename it or exclude it`);
    const other = byName.get(key);
    if (other) throw new LoaderError(`${other.abs} and ${c.abs} have the same name after Unicode NFC normalization; rename one of them`);
    byName.set(key, c);
  }

  const names = [...byName.keys()].sort(compareUtf16);
  const totalBytes = names.reduce((s, k) => s + byName.get(k)!.size, 0);
  const cache = opts.cache;
  let doneFiles = 0;
  let doneBytes = 0;
  const report = (): void => {
    try {
      opts.onProgress?.({ phase: 'scan', files: doneFiles, totalFiles: names.length, bytes: doneBytes, totalBytes });
    } catch {
      // a progress renderer must never break a scan
    }
  };
  const out: LocalFile[] = new Array<LocalFile>(names.length);
  let lastYield = Date.now();
  await forEachPooled(
    names,
    opts.concurrency ?? 16,
    async (name, i) => {
      // Small files hash synchronously: let network replies and timers run now and then.
      if (Date.now() - lastYield > 20) {
        await yieldToLoop();
        lastYield = Date.now();
      }
      const c = byName.get(name)!;
      const blob = opts.blobs?.get(c.abs);
      const cached = cache?.get(c.abs, c) ?? (blob !== undefined ? cache?.getBlob(blob, c.size) : undefined);
      let file: LocalFile;
      if (cached !== undefined) file = { ...identity(c), path: name, size: c.size, hash: cached };
      else if (opts.deferHash && c.size <= SMALL_READ_BYTES) file = { ...identity(c), path: name, size: c.size, hash: null };
      else {
        file = await inSlot(opts.hashing, () => hashCandidate(name, c, cache));
        if (blob !== undefined && file.size === c.size) cache?.setBlob(blob, file.size, file.hash as string);
      }
      doneFiles += 1;
      doneBytes += file.size;
      report();
      out[i] = file;
    },
    opts.signal,
  );
  if (!opts.signal?.aborted) cache?.markScanned(source);
  return out;
}

/** New values for the files of a deferred scan that `needed` selects and that have no hash yet. */
export async function hashPending(
  files: readonly LocalFile[],
  needed: (f: LocalFile) => boolean,
  opts: { cache?: HashCache; concurrency?: number; hashing?: Slots; signal?: AbortSignal },
): Promise<LocalFile[]> {
  const out = [...files];
  const todo = out.map((f, i) => ({ f, i })).filter(({ f }) => f.hash === null && needed(f));
  await forEachPooled(
    todo,
    opts.concurrency ?? 16,
    async ({ f, i }) => {
      out[i] = await inSlot(opts.hashing, () => hashCandidate(f.path, { ...f, rel: f.path }, opts.cache));
    },
    opts.signal,
  );
  return out;
}

/** `fn` in one of `slots` when given, else at once. */
function inSlot<T>(slots: Slots | undefined, fn: () => Promise<T>): Promise<T> {
  return slots ? slots.run(fn) : fn();
}

function identity(c: LocalIdentity): LocalIdentity {
  return { abs: c.abs, dev: c.dev, ino: c.ino, mtimeMs: c.mtimeMs };
}

/** Hashes one file; the identity and size are what was actually read (fstat of the hashed descriptor). */
async function hashCandidate(name: string, c: Candidate, cache: HashCache | undefined): Promise<LocalFile> {
  const startedAt = Date.now();
  let r;
  try {
    r = await hashFile(c.abs);
  } catch (e) {
    throw new LoaderError(`cannot read ${c.abs} (${errCode(e)})`);
  }
  cache?.set(c.abs, { size: r.bytes, mtimeMs: r.mtimeMs, ino: r.ino }, r.hash, startedAt);
  return { path: name, abs: c.abs, dev: r.dev, ino: r.ino, mtimeMs: r.mtimeMs, size: r.bytes, hash: r.hash };
}

/** An entry of the walk: a regular file or a symlink (resolved later). */
interface Walked extends Candidate {
  symlink: boolean;
}

/**
 * Walks the source with the selection's patterns. The walk is a superset filter only (it matches the names
 * as the disk spells them, which may be NFD); the selector over NFC names decides what is kept.
 */
function walk(source: string, selection: Selection, ignore: string[]): Walked[] {
  const withNfd = (list: string[]): string[] => [...new Set(list.flatMap((p) => [p, p.normalize('NFD')]))];
  let entries: fg.Entry[];
  try {
    entries = fg.sync(withNfd(selection.include), {
      cwd: source,
      ignore: [...withNfd(selection.exclude), ...ignore],
      dot: selection.dot,
      onlyFiles: false,
      followSymbolicLinks: false,
      stats: true,
      objectMode: true,
      unique: true,
      suppressErrors: false,
    });
  } catch (e) {
    throw new LoaderError(`cannot scan ${source}: ${errCode(e)} ${(e as { path?: string }).path ?? ''}`.trim());
  }
  const out: Walked[] = [];
  for (const e of entries) {
    const st = e.stats;
    if (!st) continue;
    const abs = path.join(source, e.path);
    const base = { rel: e.path, abs, size: st.size, dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs };
    if (st.isFile()) out.push({ ...base, symlink: false });
    else if (st.isSymbolicLink()) out.push({ ...base, symlink: true });
    // directories are walked by fast-glob; sockets, FIFOs and devices are not files to upload
  }
  return out;
}

/** fast-glob ignore patterns for the state directories that lie inside the source. */
async function ignoredUnder(source: string, realSource: string, dirs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const d of dirs) {
    const real = await fsp.realpath(d).catch(() => path.resolve(d));
    for (const [base, target] of [
      [source, path.resolve(d)],
      [realSource, real],
    ]) {
      const rel = path.relative(base, target);
      if (rel === '') throw new LoaderError(`source ${source} is the tool's own state directory; choose another source`);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) out.push(`${fg.escapePath(rel.split(path.sep).join('/'))}/**`);
    }
  }
  return [...new Set(out)];
}

/** Follows a symlink: a file inside the source is scanned (at its target); one that escapes, loops or dangles is refused. */
async function resolveSymlink(link: Walked, realSource: string): Promise<Candidate | null> {
  let target: string;
  try {
    target = await fsp.realpath(link.abs);
  } catch (e) {
    const code = errCode(e);
    if (code === 'ELOOP') throw new LoaderError(`${link.abs}: symlink loop`);
    throw new LoaderError(`${link.abs}: broken symlink (${code})`);
  }
  if (target !== realSource && !target.startsWith(realSource + path.sep)) {
    throw new LoaderError(`${link.abs}: symlink points outside source (to ${target}); refusing to read it`);
  }
  const st = await fsp.stat(target);
  if (st.isFile()) return { rel: link.rel, abs: target, size: st.size, dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs };
  if (st.isDirectory()) {
    const linkDir = await fsp.realpath(path.dirname(link.abs));
    if (linkDir === target || linkDir.startsWith(target + path.sep)) {
      throw new LoaderError(`${link.abs}: symlink loop (points to its own ancestor ${target})`);
    }
  }
  // symlinked directories inside the source are not followed: their files are scanned at their real path
  return null;
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Local scan: fast-glob over the source (files only, include/exclude, dotfiles on request), POSIX paths
 * relative to the source in Unicode NFC, nothing that resolves outside the source, each file hashed once
 * (hash cache first) with bounded parallelism. One lstat per file, all asynchronous.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import fg from 'fast-glob';
import { LoaderError } from './errors';
import { HashCache } from './hash-cache';
import { sha256File, SMALL_FILE_BYTES } from './hash';
import { assertUtf8Names } from './names';
import { patternProblem } from './patterns';
import { forEachPooled } from './pool';
import type { ProgressCallback } from './types';

/** One local file, as the planner sees it. */
export interface LocalFile {
  /** POSIX path relative to the source, NFC-normalized (the remote name under the prefix). */
  path: string;
  /** Absolute path on disk (as the filesystem spells it). */
  abs: string;
  size: number;
  /**
   * SHA-256 hex; null only with `deferHash` for a small file the cache did not know (hashed later: by
   * hashPending when the remote side has the path, else while it is uploaded).
   */
  hash: string | null;
  /** The stat fields the hash cache keys on, as the scan saw them. */
  mtimeMs: number;
  ino: number;
}

/** What to scan. */
export interface ScanOptions {
  source: string;
  include?: readonly string[];
  exclude?: readonly string[];
  dot?: boolean;
  /** Hash cache to consult and fill (default: none). */
  cache?: HashCache;
  /** Files hashed at once (default 16). */
  concurrency?: number;
  /**
   * Leave small files (≤ SMALL_FILE_BYTES) the cache does not know unhashed (hash null): apply hashes them
   * only where needed, from the one read that also uploads them. Larger files are hashed as usual: their
   * upload streams them, so deferring would not save a read.
   */
  deferHash?: boolean;
  onProgress?: ProgressCallback;
}

/** A file to hash. Only the stat fields the cache keys on are kept, not fs.Stats (tens of thousands of them add up). */
interface Candidate {
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

/** Scans and hashes the source; files sorted by path. Throws LoaderError for unsafe or unreadable input. */
export async function scanSource(opts: ScanOptions): Promise<LocalFile[]> {
  const source = path.resolve(opts.source);
  const include = opts.include && opts.include.length > 0 ? [...opts.include] : ['**/*'];
  const exclude = [...(opts.exclude ?? [])];
  for (const p of [...include, ...exclude]) {
    const problem = patternProblem(p);
    if (problem) throw new LoaderError(`${source}: ${problem}`);
  }
  let realSource: string;
  try {
    const st = await fsp.stat(source);
    if (!st.isDirectory()) throw new LoaderError(`source ${source} is not a directory`);
    realSource = await fsp.realpath(source);
  } catch (e) {
    if (e instanceof LoaderError) throw e;
    throw new LoaderError(`source ${source} cannot be read (${errCode(e)})`);
  }

  await assertUtf8Names(source, opts.dot ?? false);
  const { candidates, symlinks } = await globCandidates(source, include, exclude, opts.dot ?? false);
  for (const link of symlinks) {
    const resolved = await resolveSymlink(link, realSource);
    if (resolved) candidates.push(resolved);
  }

  const byName = new Map<string, Candidate>();
  for (const c of candidates) {
    if (c.rel.includes('\uFFFD')) {
      // Node decodes invalid UTF-8 names lossily; such a name cannot be opened again nor sent to Domo
      const ok = await fsp.lstat(c.abs).then(() => true, () => false);
      if (!ok) throw new LoaderError(`${c.abs}: file name is not valid UTF-8; rename it`);
    }
    const key = c.rel.split(path.sep).join('/').normalize('NFC');
    const other = byName.get(key);
    if (other) {
      throw new LoaderError(`${other.abs} and ${c.abs} have the same name after Unicode NFC normalization; rename one of them`);
    }
    byName.set(key, c);
  }

  const names = [...byName.keys()].sort(compareUtf16);
  const totalBytes = names.reduce((s, k) => s + byName.get(k)!.size, 0);
  const cache = opts.cache;
  let doneFiles = 0;
  let doneBytes = 0;
  const report = (): void => {
    if (!opts.onProgress) return;
    try {
      opts.onProgress({ phase: 'scan', files: doneFiles, totalFiles: names.length, bytes: doneBytes, totalBytes });
    } catch {
      // a progress renderer must never break a scan
    }
  };
  const out: LocalFile[] = new Array<LocalFile>(names.length);
  let lastYield = Date.now();
  await forEachPooled(names, opts.concurrency ?? 16, async (name, i) => {
    // Small files hash synchronously: let network replies and timers run now and then.
    if (Date.now() - lastYield > 20) {
      await yieldToLoop();
      lastYield = Date.now();
    }
    const c = byName.get(name)!;
    const key = { size: c.size, mtimeMs: c.mtimeMs, ino: c.ino };
    let hash: string | null | undefined = cache?.get(c.abs, key);
    let size = c.size;
    if (hash === undefined && opts.deferHash && c.size <= SMALL_FILE_BYTES) {
      hash = null;
    } else if (hash === undefined) {
      const startedAt = Date.now();
      let r: { hash: string; bytes: number };
      try {
        r = await sha256File(c.abs, c.size);
      } catch (e) {
        throw new LoaderError(`cannot read ${c.abs} (${errCode(e)})`);
      }
      hash = r.hash;
      if (r.bytes === size) cache?.set(c.abs, key, hash, startedAt);
      size = r.bytes;
    }
    doneFiles += 1;
    doneBytes += size;
    report();
    out[i] = { path: name, abs: c.abs, size, hash, mtimeMs: c.mtimeMs, ino: c.ino };
  });
  return out;
}

/**
 * Hashes, in place, the files of a deferred scan that `needed` selects and that have no hash yet, at most
 * `concurrency` at a time; the cache learns each hash as the scan would have taught it.
 */
export async function hashPending(files: LocalFile[], needed: (f: LocalFile) => boolean, opts: { cache?: HashCache; concurrency?: number }): Promise<void> {
  const todo = files.filter((f) => f.hash === null && needed(f));
  await forEachPooled(todo, opts.concurrency ?? 16, async (f) => {
    const startedAt = Date.now();
    let r: { hash: string; bytes: number };
    try {
      r = await sha256File(f.abs, f.size);
    } catch (e) {
      throw new LoaderError(`cannot read ${f.abs} (${errCode(e)})`);
    }
    if (r.bytes === f.size) opts.cache?.set(f.abs, { size: f.size, mtimeMs: f.mtimeMs, ino: f.ino }, r.hash, startedAt);
    f.hash = r.hash;
    f.size = r.bytes;
  });
}

/**
 * Globs the source and keeps regular files and symlinks as slim candidates; fast-glob's entries (with a
 * full fs.Stats each) go out of scope when this returns, before the hashing starts.
 */
async function globCandidates(source: string, include: string[], exclude: string[], dot: boolean): Promise<{ candidates: Candidate[]; symlinks: Candidate[] }> {
  let entries: fg.Entry[];
  try {
    // The synchronous walk: one lstat per entry on the main thread (a few µs) instead of a thread-pool
    // round trip each; same options, so the same entries. The event loop waits for it (tens of ms per
    // 10,000 files), as it would for the async walk's callbacks.
    entries = fg.sync(include, {
      cwd: source, ignore: exclude, dot, onlyFiles: false, followSymbolicLinks: false,
      stats: true, objectMode: true, unique: true, suppressErrors: false,
    });
  } catch (e) {
    throw new LoaderError(`cannot scan ${source}: ${errCode(e)} ${(e as { path?: string }).path ?? ''}`.trim());
  }
  const candidates: Candidate[] = [];
  const symlinks: Candidate[] = [];
  for (const e of entries) {
    const abs = path.join(source, e.path);
    const st = e.stats;
    if (!st) continue;
    if (st.isFile()) candidates.push({ rel: e.path, abs, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
    else if (st.isSymbolicLink()) symlinks.push({ rel: e.path, abs, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
    // directories are walked by fast-glob; sockets, FIFOs and devices are not files to upload
  }
  return { candidates, symlinks };
}

/** Follows a symlink: a file inside the source is scanned; one that escapes, loops or dangles is refused. */
async function resolveSymlink(link: Candidate, realSource: string): Promise<Candidate | null> {
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
  if (st.isFile()) return { rel: link.rel, abs: link.abs, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  if (st.isDirectory()) {
    const linkDir = await fsp.realpath(path.dirname(link.abs));
    if (linkDir === target || linkDir.startsWith(target + path.sep)) {
      throw new LoaderError(`${link.abs}: symlink loop (points to its own ancestor ${target})`);
    }
  }
  // symlinked directories inside the source are not followed: their files are scanned at their real path
  return null;
}

/** Code-unit order, the same on every platform and locale (the planner sorts with it too). */
export function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errCode(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * The hash cache: SHA-256 of local files keyed by (absolute path, size, mtimeMs, inode), kept in
 * `<stateDir>/hash-cache.json`, so a re-plan of an unchanged tree reads no file contents; and by git blob id
 * (see git-index.ts), so a fresh checkout of an unchanged tree reads none either. It is only an
 * optimization (see state-file.ts for how it is read and written), and it stays bounded: entries not seen for MAX_AGE_DAYS go, files of
 * a scanned source that the scan no longer saw go, and beyond MAX_ENTRIES the least recently seen go.
 */
import * as path from 'node:path';
import { readStateFile, writeStateFile } from './state-file';

/** The stat fields an entry is keyed on. */
export interface StatKey {
  size: number;
  mtimeMs: number;
  ino: number;
}

/** [size, mtimeMs, ino, sha256, day last seen (days since the epoch)] */
type Entry = [size: number, mtimeMs: number, ino: number, hash: string, seenDay: number];
/** By git blob id: [size of the working file, sha256 of the working file, day last seen]. */
type BlobEntry = [size: number, hash: string, seenDay: number];

const FILE = 'hash-cache.json';
const VERSION = 2;
/** A cache file larger than this is ignored (and replaced by the next save). */
export const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** Most entries kept; the least recently seen beyond it are dropped on save. */
const MAX_ENTRIES = 200_000;
/** Entries not seen by any run for this long are dropped on save. */
export const MAX_AGE_DAYS = 30;

function today(nowMs = Date.now()): number {
  return Math.floor(nowMs / 86_400_000);
}

/** In-memory view of one cache file. The run that loads it owns it; scans consult and fill it. */
export class HashCache {
  private dirty = false;
  private readonly seen = new Set<string>();
  private readonly scannedRoots = new Set<string>();
  private readonly day = today();

  private constructor(
    private readonly file: string | null,
    private readonly entries: Map<string, Entry>,
    private readonly blobs: Map<string, BlobEntry> = new Map(),
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  /**
   * Loads `<dir>/hash-cache.json`; anything unusable gives an empty cache. `null` dir = memory only.
   * `maxEntries` (default MAX_ENTRIES) is the most entries of each kind a save keeps.
   */
  static async load(dir: string | null, maxEntries = MAX_ENTRIES): Promise<HashCache> {
    if (dir === null) return new HashCache(null, new Map());
    const file = path.join(dir, FILE);
    const entries = new Map<string, Entry>();
    const blobs = new Map<string, BlobEntry>();
    const text = await readStateFile(file, MAX_CACHE_BYTES);
    try {
      const doc = text === null ? null : (JSON.parse(text) as { version?: unknown; entries?: unknown; blobs?: unknown });
      // Every entry is read (MAX_CACHE_BYTES bounds how many there can be); save drops the least recently
      // seen beyond the cap. A cut here would keep the file's first entries, not its most recent ones.
      if (doc && doc.version === VERSION && doc.entries && typeof doc.entries === 'object') {
        for (const [k, v] of Object.entries(doc.entries as Record<string, unknown>)) if (isEntry(v)) entries.set(k, v);
        for (const [k, v] of Object.entries((doc.blobs ?? {}) as Record<string, unknown>)) {
          if (/^[0-9a-f]{40,64}$/.test(k) && isBlobEntry(v)) blobs.set(k, v);
        }
      }
    } catch {
      // corrupt: start empty; the next save replaces it
    }
    return new HashCache(file, entries, blobs, maxEntries);
  }

  /** The cached hash when the file's stat still matches, else undefined. */
  get(absPath: string, st: StatKey): string | undefined {
    this.seen.add(absPath);
    const e = this.entries.get(absPath);
    if (e && e[0] === st.size && e[1] === st.mtimeMs && e[2] === st.ino) {
      if (e[4] !== this.day) {
        e[4] = this.day;
        this.dirty = true;
      }
      return e[3];
    }
    return undefined;
  }

  /**
   * Records a freshly computed hash. A file modified within the filesystem's timestamp granularity of
   * when it was hashed could change again without its mtime moving ("racily clean", as git calls it);
   * such entries are not stored, so they are simply hashed again next time.
   */
  set(absPath: string, st: StatKey, hash: string, hashedAtMs: number): void {
    this.seen.add(absPath);
    const window = st.mtimeMs % 1000 === 0 ? 2000 : 100;
    if (hashedAtMs - st.mtimeMs < window) {
      if (this.entries.delete(absPath)) this.dirty = true;
      return;
    }
    this.entries.set(absPath, [st.size, st.mtimeMs, st.ino, hash, this.day]);
    this.dirty = true;
  }

  /**
   * The SHA-256 of a working file whose content git reports clean at `blob`, when a run anywhere (this
   * checkout or another) hashed a file of that blob and size before.
   */
  getBlob(blob: string, size: number): string | undefined {
    const e = this.blobs.get(blob);
    if (!e || e[0] !== size) return undefined;
    if (e[2] !== this.day) {
      e[2] = this.day;
      this.dirty = true;
    }
    return e[1];
  }

  /** Records the SHA-256 of a clean working file of this blob and size. */
  setBlob(blob: string, size: number, hash: string): void {
    const e = this.blobs.get(blob);
    if (e && e[0] === size && e[1] === hash && e[2] === this.day) return;
    this.blobs.set(blob, [size, hash, this.day]);
    this.dirty = true;
  }

  /** Notes that a scan of `root` completed: on save, entries under it that no scan saw (deleted files) go. */
  markScanned(root: string): void {
    this.scannedRoots.add(root);
  }

  /** Drops entries under `roots` (scanned sources) that the scans of this run did not see: deleted files. */
  forgetUnseenUnder(roots: readonly string[]): void {
    const prefixes = roots.map((r) => (r.endsWith(path.sep) ? r : r + path.sep));
    for (const k of this.entries.keys()) {
      if (!this.seen.has(k) && prefixes.some((p) => k.startsWith(p))) {
        this.entries.delete(k);
        this.dirty = true;
      }
    }
  }

  /** Number of entries (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Writes the cache when it changed (old and excess entries dropped); failures are ignored. */
  async save(): Promise<void> {
    if (!this.file) return;
    this.forgetUnseenUnder([...this.scannedRoots]);
    const oldest = this.day - MAX_AGE_DAYS;
    this.dirty = bound(this.entries, (e) => e[4], oldest, this.maxEntries) || this.dirty;
    this.dirty = bound(this.blobs, (e) => e[2], oldest, this.maxEntries) || this.dirty;
    if (!this.dirty) return;
    const doc = { version: VERSION, entries: Object.fromEntries(this.entries), blobs: Object.fromEntries(this.blobs) };
    if (await writeStateFile(this.file, JSON.stringify(doc))) this.dirty = false;
  }
}

/** Drops entries last seen before `oldest`, then the least recently seen beyond `max`; true when any went. */
function bound<E>(map: Map<string, E>, seen: (e: E) => number, oldest: number, max: number): boolean {
  let changed = false;
  for (const [k, e] of map) {
    if (seen(e) < oldest) {
      map.delete(k);
      changed = true;
    }
  }
  if (map.size > max) {
    const bySeen = [...map].sort((a, b) => seen(b[1]) - seen(a[1]));
    map.clear();
    for (const [k, e] of bySeen.slice(0, max)) map.set(k, e);
    changed = true;
  }
  return changed;
}

function isBlobEntry(v: unknown): v is BlobEntry {
  return Array.isArray(v) && v.length === 3 && typeof v[0] === 'number' && typeof v[1] === 'string' && /^[0-9a-f]{64}$/.test(v[1]) && typeof v[2] === 'number';
}

function isEntry(v: unknown): v is Entry {
  return (
    Array.isArray(v) &&
    v.length === 5 &&
    typeof v[0] === 'number' &&
    typeof v[1] === 'number' &&
    typeof v[2] === 'number' &&
    typeof v[3] === 'string' &&
    /^[0-9a-f]{64}$/.test(v[3]) &&
    typeof v[4] === 'number'
  );
}

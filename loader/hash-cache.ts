/**
 * The hash cache: SHA-256 of local files keyed by (absolute path, size, mtimeMs, inode), kept in
 * `<cacheDir>/hash-cache.json`, so a re-plan of an unchanged tree reads no file contents. It is only an
 * optimization: a corrupt, unreadable or unwritable cache is ignored, and it is written atomically
 * (temp file + rename) so concurrent runs never see half a file.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** The stat fields an entry is keyed on. */
export interface StatKey {
  size: number;
  mtimeMs: number;
  ino: number;
}

type Entry = [size: number, mtimeMs: number, ino: number, hash: string];

const FILE = 'hash-cache.json';
const VERSION = 1;

/** In-memory view of one cache file. */
export class HashCache {
  private dirty = false;
  private readonly seen = new Set<string>();

  private constructor(
    private readonly file: string | null,
    private readonly entries: Map<string, Entry>,
  ) {}

  /** Loads `<dir>/hash-cache.json`; a missing or corrupt file gives an empty cache. `null` dir = memory only. */
  static async load(dir: string | null): Promise<HashCache> {
    if (dir === null) return new HashCache(null, new Map());
    const file = path.join(dir, FILE);
    const entries = new Map<string, Entry>();
    try {
      const doc = JSON.parse(await fsp.readFile(file, 'utf8')) as { version?: unknown; entries?: unknown };
      if (doc && doc.version === VERSION && doc.entries && typeof doc.entries === 'object') {
        for (const [k, v] of Object.entries(doc.entries as Record<string, unknown>)) {
          if (isEntry(v)) entries.set(k, v);
        }
      }
    } catch {
      // missing or corrupt: start empty; the next save replaces it
    }
    return new HashCache(file, entries);
  }

  /** The cached hash when the file's stat still matches, else undefined. */
  get(absPath: string, st: StatKey): string | undefined {
    this.seen.add(absPath);
    const e = this.entries.get(absPath);
    if (e && e[0] === st.size && e[1] === st.mtimeMs && e[2] === st.ino) return e[3];
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
    this.entries.set(absPath, [st.size, st.mtimeMs, st.ino, hash]);
    this.dirty = true;
  }

  /** Drops entries under `roots` that the scans of this run did not see (deleted files). */
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

  /** Writes the cache when it changed; failures are ignored (the cache is an optimization). */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await fsp.mkdir(path.dirname(this.file), { recursive: true });
      await fsp.writeFile(tmp, JSON.stringify({ version: VERSION, entries: Object.fromEntries(this.entries) }));
      await fsp.rename(tmp, this.file);
      this.dirty = false;
    } catch {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
    }
  }
}

function isEntry(v: unknown): v is Entry {
  return Array.isArray(v) && v.length === 4 && typeof v[0] === 'number' && typeof v[1] === 'number'
    && typeof v[2] === 'number' && typeof v[3] === 'string' && /^[0-9a-f]{64}$/.test(v[3]);
}

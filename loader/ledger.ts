/**
 * The upload ledger: the SHA-256 this tool sent for each file it uploaded, by (API origin, FileSet id, file
 * id), in `<stateDir>/upload-ledger.json`. It matters only on a server that reports no SHA-256 for its files:
 * there, a remote file whose id, path and size match what the ledger recorded is taken to hold the recorded
 * bytes (and is reported as "unverified"); without a ledger entry the planner downloads the file and hashes
 * it instead of replacing it on every run. Bounded like the hash cache (age and count).
 */
import * as path from 'node:path';
import { readStateFile, writeStateFile } from './state-file';

/** What was uploaded: [remote path, size, sha256, day recorded]. */
type Entry = [path: string, size: number, hash: string, day: number];

const FILE = 'upload-ledger.json';
const VERSION = 1;
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_ENTRIES = 100_000;
const MAX_AGE_DAYS = 90;

/** One run's view of the ledger. */
export class UploadLedger {
  private dirty = false;
  private readonly day = Math.floor(Date.now() / 86_400_000);

  private constructor(
    private readonly file: string | null,
    private readonly entries: Map<string, Entry>,
  ) {}

  /** Loads the ledger of `dir` (null: memory only); anything unusable gives an empty ledger. */
  static async load(dir: string | null): Promise<UploadLedger> {
    const entries = new Map<string, Entry>();
    const file = dir === null ? null : path.join(dir, FILE);
    const text = file === null ? null : await readStateFile(file, MAX_BYTES);
    try {
      const doc = text === null ? null : (JSON.parse(text) as { version?: unknown; entries?: unknown });
      if (doc && doc.version === VERSION && doc.entries && typeof doc.entries === 'object') {
        for (const [k, v] of Object.entries(doc.entries as Record<string, unknown>)) {
          if (entries.size >= MAX_ENTRIES) break;
          if (
            Array.isArray(v) &&
            v.length === 4 &&
            typeof v[0] === 'string' &&
            typeof v[1] === 'number' &&
            typeof v[2] === 'string' &&
            /^[0-9a-f]{64}$/.test(v[2]) &&
            typeof v[3] === 'number'
          )
            entries.set(k, v as Entry);
        }
      }
    } catch {
      // corrupt: start empty
    }
    return new UploadLedger(file, entries);
  }

  private static key(origin: string, fileSetId: string, fileId: string): string {
    return `${origin} ${fileSetId} ${fileId}`;
  }

  /** The SHA-256 recorded for this file when its path and size still match, else undefined. */
  recall(origin: string, fileSetId: string, file: { id: string; path: string; size: number }): string | undefined {
    const e = this.entries.get(UploadLedger.key(origin, fileSetId, file.id));
    return e && e[0] === file.path && e[1] === file.size ? e[2] : undefined;
  }

  /** Records what was uploaded (or hashed by download) for this file id. */
  record(origin: string, fileSetId: string, file: { id: string; path: string; size: number }, hash: string): void {
    this.entries.set(UploadLedger.key(origin, fileSetId, file.id), [file.path, file.size, hash, this.day]);
    this.dirty = true;
  }

  /** Writes the ledger when it changed; failures are ignored. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const oldest = this.day - MAX_AGE_DAYS;
    const kept = [...this.entries]
      .filter(([, e]) => e[3] >= oldest)
      .sort((a, b) => b[1][3] - a[1][3])
      .slice(0, MAX_ENTRIES);
    if (await writeStateFile(this.file, JSON.stringify({ version: VERSION, entries: Object.fromEntries(kept) }))) this.dirty = false;
  }
}

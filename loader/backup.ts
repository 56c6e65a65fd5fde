/**
 * Backups of what a change would lose (`--backup-dir DIR` on apply and destroy): before a remote file is
 * replaced or deleted, it is downloaded (SHA-256 verified when the server gives one) into
 * `DIR/<FileSet name>/<timestamp>/<path>`, and an index `backup.json` records the FileSet and each file's
 * path, size and hash. A backup that fails means that change is not made. `restore` uploads a backup back.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { DomoFilesClient } from '../client';
import { remotePathProblem } from '../client/remote-path';
import { LoaderError } from './errors';
import { hashFile } from './hash';
import { findFileSet } from './remote';
import { byPath } from './order';

/** Name of the index file in a backup directory. */
export const BACKUP_INDEX = 'backup.json';

/** One backed-up file. */
export interface BackupFile {
  path: string;
  size: number;
  sha256: string;
  /** Why it was backed up. */
  reason: 'replace' | 'delete' | 'destroy';
}

/** The index of one backup directory. */
export interface BackupIndex {
  format: 'domo-filesets-backup';
  version: 1;
  fileSetId: string;
  fileSetName: string;
  /** ISO time the backup started. */
  created: string;
  /** API base URL the files came from. */
  source: string;
  files: BackupFile[];
}

/** A directory name for a FileSet name: characters outside [A-Za-z0-9._ -] become "_", never "." or "..". */
function safeDirName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 120);
  return s === '' || s === '.' || s === '..' ? `_${s}` : s;
}

/** A timestamp usable in a path on every platform: 2026-12-03T11-40-05.123Z. */
function pathStamp(d = new Date()): string {
  return d.toISOString().replace(/:/g, '-');
}

/** A backup of one FileSet, filled as changes are about to be made. */
export class Backup {
  private readonly files: BackupFile[] = [];
  private written = 0;
  private writing: Promise<void> = Promise.resolve();
  readonly dir: string;

  constructor(
    private readonly client: DomoFilesClient,
    root: string,
    private readonly fileSet: { id: string; name: string },
    private readonly started = new Date(),
  ) {
    this.dir = path.join(path.resolve(root), safeDirName(fileSet.name), pathStamp(started));
  }

  /** Downloads one remote file into the backup (hash verified when known); throws when it could not be saved. */
  async save(file: { id: string; path: string; size: number; hash: string | null }, reason: BackupFile['reason']): Promise<void> {
    const problem = remotePathProblem(file.path);
    // A path the rule refuses could climb out of the backup directory: such a file cannot be backed up.
    if (problem) throw new LoaderError(`cannot back up '${file.path}': the path ${problem}`);
    const target = path.join(this.dir, ...file.path.split('/'));
    await fsp.mkdir(path.dirname(target), { recursive: true });
    const r = await this.client.downloadFile(
      this.fileSet.id,
      { fileId: file.id },
      { filePath: target },
      file.hash ? { expectedSha256: file.hash } : { verify: false },
    );
    // Without a SHA-256 from the server the size is what can be checked: a short download is no backup.
    if (!file.hash && r.bytes !== file.size) {
      await fsp.rm(target, { force: true });
      throw new LoaderError(`backup of '${file.path}' is ${r.bytes} bytes where the server lists ${file.size}; the file was not backed up`);
    }
    this.files.push({ path: file.path, size: r.bytes, sha256: r.sha256, reason });
    // The index is rewritten every 100 files (so an interrupted run still indexes most of what it saved) and at the end.
    if (this.files.length - this.written >= 100) await this.flush();
  }

  /** Writes the index of what was saved (nothing when nothing was). Safe to call concurrently. */
  flush(): Promise<void> {
    if (this.files.length === 0 || this.files.length === this.written) return this.writing;
    this.writing = this.writing.then(() => this.writeIndex());
    return this.writing;
  }

  /** Number of files saved so far. */
  get count(): number {
    return this.files.length;
  }

  private async writeIndex(): Promise<void> {
    this.written = this.files.length;
    const index: BackupIndex = {
      format: 'domo-filesets-backup',
      version: 1,
      fileSetId: this.fileSet.id,
      fileSetName: this.fileSet.name,
      created: this.started.toISOString(),
      source: this.client.baseUrl,
      files: [...this.files].sort(byPath),
    };
    const file = path.join(this.dir, BACKUP_INDEX);
    const tmp = `${file}.${process.pid}.tmp`;
    await fsp.writeFile(tmp, `${JSON.stringify(index, null, 2)}\n`);
    await fsp.rename(tmp, file);
  }
}

/** Reads a backup directory's index; LoaderError naming the directory when it is not a backup. */
export async function readBackup(dir: string): Promise<BackupIndex> {
  let doc: Partial<BackupIndex>;
  try {
    doc = JSON.parse(await fsp.readFile(path.join(dir, BACKUP_INDEX), 'utf8')) as Partial<BackupIndex>;
  } catch (e) {
    throw new LoaderError(`${dir} is not a domo-filesets backup (no readable ${BACKUP_INDEX}: ${(e as NodeJS.ErrnoException).code ?? 'not JSON'})`);
  }
  if (
    doc.format !== 'domo-filesets-backup' ||
    doc.version !== 1 ||
    typeof doc.fileSetId !== 'string' ||
    typeof doc.fileSetName !== 'string' ||
    !Array.isArray(doc.files)
  ) {
    throw new LoaderError(`${dir}/${BACKUP_INDEX} is not a domo-filesets backup index (version 1)`);
  }
  for (const f of doc.files) {
    if (!f || typeof f.path !== 'string' || remotePathProblem(f.path) || typeof f.sha256 !== 'string')
      throw new LoaderError(`${dir}/${BACKUP_INDEX}: a file entry is invalid`);
  }
  return doc as BackupIndex;
}

/** What restore did. */
export interface RestoreResult {
  fileSetId: string;
  fileSetName: string;
  /** True when the FileSet was gone and was created again by name. */
  created: boolean;
  restored: string[];
  failed: { path: string; message: string }[];
}

/**
 * Uploads a backup back into its FileSet (by id; when that is gone, the FileSet with its name, created when
 * missing). Each file is read from the backup, checked against the recorded SHA-256, and verified after upload.
 */
export async function restoreBackup(client: DomoFilesClient, dir: string, opts: { fileSetId?: string; signal?: AbortSignal } = {}): Promise<RestoreResult> {
  const index = await readBackup(dir);
  let fs = await findFileSet(client, { name: index.fileSetName, id: opts.fileSetId ?? index.fileSetId });
  let created = false;
  if (!fs && opts.fileSetId === undefined) fs = await findFileSet(client, { name: index.fileSetName });
  if (!fs) {
    if (opts.fileSetId !== undefined) throw new LoaderError(`FileSet ${opts.fileSetId} does not exist`);
    fs = await client.createFileSet({ name: index.fileSetName });
    created = true;
  }
  const out: RestoreResult = { fileSetId: fs.id, fileSetName: fs.name, created, restored: [], failed: [] };
  for (const f of index.files) {
    if (opts.signal?.aborted) break;
    try {
      const saved = await hashFile(path.join(dir, ...f.path.split('/')));
      if (saved.hash !== f.sha256)
        throw new LoaderError(`the backed-up file changed since it was saved (SHA-256 ${saved.hash.slice(0, 12)}…, recorded ${f.sha256.slice(0, 12)}…)`);
      await client.uploadFile(fs.id, { path: f.path, source: { filePath: path.join(dir, ...f.path.split('/')) }, expectedSha256: f.sha256 });
      out.restored.push(f.path);
    } catch (e) {
      out.failed.push({ path: f.path, message: (e instanceof Error ? e.message : String(e)).split('\n')[0] });
    }
  }
  return out;
}

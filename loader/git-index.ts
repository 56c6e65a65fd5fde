/**
 * What git already knows about a source inside a work tree: the blob id of every file the index tracks and
 * that `git diff-files` reports clean (its content is the blob's). A fresh checkout changes every file's
 * mtime and inode, so the stat-keyed hash cache cannot hit there; a blob id can: the cache maps (blob id,
 * size) to the file's SHA-256, learnt once and valid in any clone. Files git does not track, or reports
 * modified, are simply hashed. No git, no work tree, or any git error: nothing is known, nothing breaks.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** Absolute path → blob id, for the clean regular files git tracks under a directory. */
export type CleanBlobs = ReadonlyMap<string, string>;

const NO_BLOBS: CleanBlobs = new Map();

function git(cwd: string, args: string[]): Promise<Buffer | null> {
  return new Promise((resolve) => {
    execFile(
      'git',
      args,
      { cwd, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 60_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } },
      (err, stdout) => {
        resolve(err ? null : stdout);
      },
    );
  });
}

/** Splits NUL-terminated git output into UTF-8 strings. */
function records(out: Buffer): string[] {
  return out
    .toString('utf8')
    .split('\0')
    .filter((s) => s !== '');
}

/**
 * The clean tracked regular files under `dir` with their blob ids (relative paths resolved against `dir`).
 * Read-only: `GIT_OPTIONAL_LOCKS=0` keeps git from refreshing the index on disk.
 */
export async function cleanBlobsUnder(dir: string): Promise<CleanBlobs> {
  const [staged, modified] = await Promise.all([
    git(dir, ['ls-files', '--stage', '-z', '--', '.']),
    git(dir, ['diff-files', '--name-only', '-z', '--relative', '--', '.']),
  ]);
  if (staged === null || modified === null) return NO_BLOBS;
  const dirty = new Set(records(modified));
  const out = new Map<string, string>();
  for (const rec of records(staged)) {
    // "<mode> <blob> <stage>\t<path>"; only regular files (100644, 100755) at stage 0 (no merge conflict)
    const tab = rec.indexOf('\t');
    const [mode, blob, stage] = rec.slice(0, tab).split(' ');
    const rel = rec.slice(tab + 1);
    if ((mode !== '100644' && mode !== '100755') || stage !== '0' || dirty.has(rel)) continue;
    out.set(path.join(dir, ...rel.split('/')), blob);
  }
  return out;
}

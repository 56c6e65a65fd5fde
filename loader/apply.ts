/**
 * Applying plans: create missing FileSets, upload through one bounded pool (each upload verified against
 * the local hash), then — only when nothing in the whole run failed — delete, re-checking each path on
 * disk right before deleting it. Refused FileSets are not touched at all.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import pLimit from 'p-limit';
import type { DomoFilesClient, FileSet } from '../client';
import type { PlannedDelete, PlannedUpload } from './plan';
import type { HashCache } from './hash-cache';
import { readSmallFile, sha256Hex, sha256RegularFile, SMALL_FILE_BYTES } from './hash';
import { forEachPooled } from './pool';
import { isNotFound } from './remote';
import type { TargetPlan } from './gather';
import type { ApplyResult, ProgressCallback } from './types';

/** The outcome of applying one target. */
export interface TargetOutcome {
  /** The FileSet id after apply (null when creation failed or the target was refused before creation). */
  id: string | null;
  created: boolean;
  result: ApplyResult;
  error?: { message: string; count: number };
}

/** Options of executePlans. */
export interface ExecuteOptions {
  concurrency?: number;
  onProgress?: ProgressCallback;
}

interface Work {
  target: TargetPlan;
  outcome: TargetOutcome;
  uploads: { u: PlannedUpload; abs: string }[];
  deletes: { d: PlannedDelete; abs: string }[];
}

/** Applies every non-refused target; outcomes are in the same order as `targets`. */
export async function executePlans(client: DomoFilesClient, targets: readonly TargetPlan[], opts: ExecuteOptions = {}): Promise<TargetOutcome[]> {
  const concurrency = opts.concurrency ?? 8;
  const limit = pLimit(concurrency);
  const work: Work[] = targets.map((target) => ({
    target,
    outcome: { id: target.fileSet?.id ?? null, created: false, result: { uploaded: 0, replaced: 0, deleted: 0, failed: 0 } },
    uploads: target.entries.flatMap((e) => e.plan.uploads.map((u) => ({ u, abs: u.abs ?? path.join(e.spec.source, ...u.rel.split('/')) }))),
    deletes: target.entries.flatMap((e) => e.plan.deletes.map((d) => ({ d, abs: path.join(e.spec.source, ...d.rel.split('/')) }))),
  }));
  const active = work.filter((w) => !w.target.refused);

  await Promise.all(active.map((w) => limit(() => ensureFileSet(client, w))));

  const totalFiles = active.reduce((n, w) => n + (w.outcome.id ? w.uploads.length : 0), 0);
  const totalBytes = active.reduce((n, w) => n + (w.outcome.id ? w.uploads.reduce((b, x) => b + x.u.size, 0) : 0), 0);
  let files = 0;
  let bytes = 0;
  const progress = (phase: 'upload' | 'delete', total: number, tb: number): void => {
    try {
      opts.onProgress?.({ phase, files, totalFiles: total, bytes, totalBytes: tb });
    } catch {
      // a progress renderer must never break an apply
    }
  };
  const uploadJobs: { w: Work; id: string; u: PlannedUpload; abs: string }[] = [];
  for (const w of active) {
    const id = w.outcome.id;
    if (!id) continue;
    for (const { u, abs } of w.uploads) uploadJobs.push({ w, id, u, abs });
  }
  await forEachPooled(uploadJobs, concurrency, async ({ w, id, u, abs }) => {
    try {
      if (u.hash === null) await uploadHashing(client, id, u, abs, w.target.hashCache);
      else await client.uploadFile(id, { path: u.path, source: { filePath: abs }, expectedSha256: u.hash });
      if (u.op === 'upload') w.outcome.result.uploaded += 1;
      else w.outcome.result.replaced += 1;
    } catch (e) {
      fail(w.outcome, `upload ${u.path}: ${message(e)}`);
    }
    files += 1;
    bytes += u.size;
    progress('upload', totalFiles, totalBytes);
  });

  // A deferred hash whose upload did not run (refused FileSet, failed create) or failed is still computed
  // for the report when the file can be read, as the scan would have.
  const unhashed = work.flatMap((w) => w.uploads.filter((x) => x.u.hash === null));
  await forEachPooled(unhashed, concurrency, async ({ u, abs }) => {
    u.hash = await sha256RegularFile(abs).then((r) => r.hash, () => null);
  });
  for (const cache of new Set(work.map((w) => w.target.hashCache))) await cache?.save();

  // Deletes only when nothing failed anywhere in this run: a failed upload may be a renamed file's new
  // path, and deleting its old path would lose it.
  if (work.some((w) => w.outcome.result.failed > 0)) return work.map((w) => w.outcome);
  const deleteTotal = active.reduce((n, w) => n + w.deletes.length, 0);
  files = 0;
  bytes = 0;
  const deleteJobs = active.flatMap((w) => w.deletes.map(({ d, abs }) => ({ w, d, abs })));
  await forEachPooled(deleteJobs, concurrency, async ({ w, d, abs }) => {
    const id = w.outcome.id as string;
    if (await existsLocally(abs)) return; // reappeared since the scan: keep it, the next run uploads it
    try {
      await client.deleteFile(id, d.id);
      w.outcome.result.deleted += 1;
    } catch (e) {
      if (isNotFound(e)) w.outcome.result.deleted += 1;
      else fail(w.outcome, `delete ${d.path}: ${message(e)}`);
    }
    files += 1;
    bytes += d.size;
    progress('delete', deleteTotal, 0);
  });
  return work.map((w) => w.outcome);
}

/**
 * Uploads a file whose hash the scan deferred, hashing the bytes it sends: a small file is read once and
 * that buffer is hashed and uploaded; a larger one is hashed alongside its (streamed) upload and the
 * server's hash is checked afterwards. Either way u.hash is set and the hash cache learns it.
 */
async function uploadHashing(client: DomoFilesClient, id: string, u: PlannedUpload, abs: string, cache: HashCache | undefined): Promise<void> {
  const startedAt = Date.now();
  const remember = (hash: string, bytes: number): void => {
    if (cache && bytes === u.size && u.mtimeMs !== undefined && u.ino !== undefined) {
      cache.set(abs, { size: u.size, mtimeMs: u.mtimeMs, ino: u.ino }, hash, startedAt);
    }
  };
  const small = u.size <= SMALL_FILE_BYTES ? readSmallFile(abs) : null;
  if (small) {
    const hash = sha256Hex(small);
    u.hash = hash;
    await client.uploadFile(id, { path: u.path, source: { content: small }, expectedSha256: hash });
    remember(hash, small.length);
    return;
  }
  // Grew past the small size, or anything unusual (vanished, not a regular file, unreadable): uploadFile
  // fails for the latter exactly as before; the hash is read alongside, refusing anything but a file.
  const hashing = sha256RegularFile(abs);
  hashing.catch(() => undefined);
  const entry = await client.uploadFile(id, { path: u.path, source: { filePath: abs } });
  const r = await hashing;
  u.hash = r.hash;
  await client.verifyUpload(id, u.path, entry, r.hash);
  remember(r.hash, r.bytes);
}

async function ensureFileSet(client: DomoFilesClient, w: Work): Promise<void> {
  const t = w.target;
  try {
    if (!t.fileSet) {
      const fs = await client.createFileSet({ name: t.name, ...(t.description !== undefined ? { description: t.description } : {}) });
      w.outcome.id = await settleCreateRace(client, t.name, fs);
      w.outcome.created = w.outcome.id === fs.id;
    } else if (t.updateDescription && t.description !== undefined) {
      await client.updateFileSet(t.fileSet.id, { description: t.description });
    }
  } catch (e) {
    const what = t.fileSet ? `update FileSet '${t.name}'` : `create FileSet '${t.name}'`;
    // without a FileSet none of its uploads can run: count them as failed so nothing is deleted
    w.outcome.result.failed += Math.max(1, t.fileSet ? 0 : w.uploads.length);
    w.outcome.error = { message: `${what}: ${message(e)}`, count: w.outcome.result.failed };
  }
}

/**
 * Two runs that both found no FileSet may both create one (names are not unique in Domo). Right after
 * creating, look again: every racer picks the same winner (oldest `created`, then smallest id), and a
 * racer whose own FileSet lost deletes it — it was created an instant ago and nothing uploads into a
 * loser — so all runs converge on one FileSet.
 */
async function settleCreateRace(client: DomoFilesClient, name: string, mine: FileSet): Promise<string> {
  const same = await client.findFileSetsByName(name);
  if (same.length < 2) return mine.id;
  const winner = [...same].sort((a, b) => (a.created ?? '').localeCompare(b.created ?? '') || a.id.localeCompare(b.id))[0];
  if (winner.id === mine.id) return mine.id;
  try {
    await client.deleteFileSet(mine.id);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return winner.id;
}

async function existsLocally(abs: string): Promise<boolean> {
  try {
    await fsp.lstat(abs);
    return true;
  } catch (e) {
    // anything but "not there" (EACCES, EIO…) is treated as present: never delete on doubt
    return (e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR';
  }
}

function fail(o: TargetOutcome, msg: string): void {
  o.result.failed += 1;
  if (!o.error) o.error = { message: msg, count: 0 };
  o.error.count = o.result.failed;
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

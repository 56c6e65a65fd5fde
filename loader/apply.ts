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
      await client.uploadFile(id, { path: u.path, source: { filePath: abs }, expectedSha256: u.hash });
      if (u.op === 'upload') w.outcome.result.uploaded += 1;
      else w.outcome.result.replaced += 1;
    } catch (e) {
      fail(w.outcome, `upload ${u.path}: ${message(e)}`);
    }
    files += 1;
    bytes += u.size;
    progress('upload', totalFiles, totalBytes);
  });

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

/**
 * Applying a FileSet's plan. The plan is read, never written: what apply learns (hashes of files it hashed
 * while uploading, what it skipped and why) is returned as the outcome.
 *
 * Order, per FileSet: create it if needed; FileSet-level changes; then per entry: the deletes the uploads
 * depend on ('before'), the uploads (each opening exactly the inode the scan approved and verified against
 * its SHA-256), and — only when nothing of that entry failed — the remaining deletes, each file re-checked
 * on disk right before it goes. With a backup directory, each file about to be replaced or deleted is first
 * downloaded into it; a failed backup fails that change. A FileSet with a guard refusal or a planning problem
 * is not touched at all.
 */
import { lstatSync } from 'node:fs';
import * as path from 'node:path';
import type { DomoFilesClient, FileSet } from '../client';
import { readSmall, sha256Hex, SMALL_READ_BYTES } from './hash';
import { Backup } from './backup';
import { unconfirmedDeletes } from './confirm-deletes';
import { describeChange } from './changes';
import { waitForIndex, type WaitTarget } from './index-wait';
import { forEachPooled } from './pool';
import { isNotFound } from './remote';
import type { Run } from './run';
import { selectorOf } from './selector';
import type { ApplyResult, DeleteStep, EntryPlan, FileSetChange, FileSetPlan, IndexSummary, Skipped, UploadStep } from './types';
import { compareUtf16 } from './order';

/** The outcome of applying one FileSet's plan. */
export interface TargetOutcome {
  /** The FileSet id after apply (null when creation failed or nothing was attempted). */
  id: string | null;
  created: boolean;
  result: ApplyResult;
  /** First error message and how many operations failed. */
  error?: { message: string; count: number };
  /** Planned changes not made, with the reason. */
  skipped: Skipped[];
  /** Files whose upload could be checked by size only (the server reported no SHA-256). */
  unverified: number;
  /** SHA-256 of files the plan left unhashed, learnt while uploading them (remote path → hash). */
  hashes: Map<string, string>;
  /** Where files were backed up before being replaced or deleted, and how many. */
  backup?: { dir: string; files: number };
  /** Remote paths uploaded or replaced successfully. */
  uploadedPaths: string[];
  /** Index state of the uploaded files, when the run waited for indexing. */
  index?: IndexSummary;
}

/** Why a step did not run, when something upstream stopped it. */
const INTERRUPTED = 'interrupted before it ran';

/** Applies one FileSet's plan. */
export async function applyTarget(run: Run, plan: FileSetPlan): Promise<TargetOutcome> {
  const outcome: TargetOutcome = {
    id: plan.id,
    created: false,
    result: { uploaded: 0, replaced: 0, deleted: 0, failed: 0 },
    skipped: [],
    unverified: 0,
    hashes: new Map(),
    uploadedPaths: [],
  };
  if (plan.refused || plan.entries.some((e) => e.problems.length > 0)) return outcome;
  if (run.stopped) {
    skipAll(outcome, plan, INTERRUPTED);
    return outcome;
  }
  if (plan.id === null) {
    try {
      const fs = await run.client.createFileSet(plan.create ?? { name: plan.name });
      outcome.id = await settleCreateRace(run.client, plan.name, fs);
      outcome.created = outcome.id === fs.id;
    } catch (e) {
      // Without a FileSet none of its files can be uploaded: each counts as failed, so nothing is deleted.
      outcome.result.failed += Math.max(
        1,
        plan.entries.reduce((n, en) => n + en.uploads.length, 0),
      );
      outcome.error = { message: `create FileSet '${plan.name}': ${message(e)}`, count: outcome.result.failed };
      return outcome;
    }
  }
  const fileSetId = outcome.id as string;
  const backup = run.backupDir !== undefined ? new Backup(run.client, run.backupDir, { id: fileSetId, name: plan.name }) : undefined;
  // Turning AI on makes Domo index the files already there as well: then the whole FileSet is waited for.
  let aiTurnedOn = false;
  for (const change of plan.changes) {
    if (run.stopped) {
      outcome.skipped.push({ op: change.op, reason: INTERRUPTED });
      continue;
    }
    try {
      await applyChange(run.client, fileSetId, change);
      if (change.op === 'update' && change.field === 'aiEnabled' && change.to === true) aiTurnedOn = true;
    } catch (e) {
      fail(outcome, `${describeChange(change)} of FileSet '${plan.name}': ${message(e)}`);
    }
  }
  try {
    await forEachPooled(plan.entries, plan.entries.length, (entry) => applyEntry(run, fileSetId, entry, outcome, backup));
  } finally {
    await backup?.flush();
  }
  if (backup && backup.count > 0) outcome.backup = { dir: backup.dir, files: backup.count };
  const target: WaitTarget = aiTurnedOn
    ? {
        all: true,
        size: Math.max(
          outcome.uploadedPaths.length,
          plan.entries.reduce((n, e) => n + e.localCount, 0),
        ),
      }
    : new Set(outcome.uploadedPaths);
  if (run.waitIndexed && !run.stopped && target.size > 0) {
    const waited = await waitForIndex(run.client, fileSetId, target, {
      timeoutMs: run.waitIndexed.timeoutMs,
      ...(run.signal ? { signal: run.signal } : {}),
      onProgress: (done, total) => run.progress({ phase: 'index', files: done, totalFiles: total, bytes: 0, totalBytes: 0 }),
    });
    const { polls: _p, requests: _r, timedOut, unsupported, ...summary } = waited;
    outcome.index = { ...summary, ...(timedOut ? { timedOut } : {}), ...(unsupported ? { unsupported } : {}) };
  }
  return outcome;
}

/** Applies one FileSet-level change. */
async function applyChange(client: DomoFilesClient, fileSetId: string, change: FileSetChange): Promise<void> {
  switch (change.op) {
    case 'update':
      await client.updateFileSet(fileSetId, { [change.field]: change.to });
      return;
    case 'grant':
      await client.updateAccess(fileSetId, [{ entityId: change.principal.id, entityType: change.principal.type, permission: change.permission }]);
      return;
    case 'revoke':
      await client.updateAccess(fileSetId, [{ entityId: change.principal.id, entityType: change.principal.type, permission: 'NONE' }]);
      return;
    default:
      await client.transferOwnership(fileSetId, change.to);
  }
}

async function applyEntry(run: Run, fileSetId: string, entry: EntryPlan, outcome: TargetOutcome, backup: Backup | undefined): Promise<void> {
  let failedHere = 0;
  const failed = (msg: string): void => {
    failedHere += 1;
    fail(outcome, msg);
  };
  const before = entry.deletes.filter((d) => d.phase === 'before');
  const after = entry.deletes.filter((d) => d.phase === 'after');
  const deleted: DeleteStep[] = [];
  try {
    await applyEntrySteps(run, fileSetId, entry, outcome, backup, before, after, deleted, failed, () => failedHere);
  } finally {
    if (deleted.length > 0 && !run.stopped) await confirmDeletes(run, fileSetId, entry, deleted, outcome, failed);
  }
}

/** The entry's steps in order: 'before' deletes, uploads, then (only when nothing failed) 'after' deletes. */
async function applyEntrySteps(
  run: Run,
  fileSetId: string,
  entry: EntryPlan,
  outcome: TargetOutcome,
  backup: Backup | undefined,
  before: DeleteStep[],
  after: DeleteStep[],
  deleted: DeleteStep[],
  failed: (msg: string) => void,
  failures: () => number,
): Promise<void> {
  await runDeletes(run, fileSetId, entry, before, outcome, failed, false, backup, deleted);
  if (failures() > 0) {
    // An upload onto a path whose blocker is still there would fail too, and the blocker may be what failed.
    for (const u of entry.uploads) outcome.skipped.push({ op: u.op, path: u.path, reason: 'a delete it depends on failed' });
    for (const d of after) outcome.skipped.push({ op: 'delete', path: d.path, reason: 'an operation of this entry failed' });
    return;
  }
  const bytesTotal = entry.uploads.reduce((n, u) => n + u.size, 0);
  let files = 0;
  let bytes = 0;
  const ran = new Set<UploadStep>();
  await forEachPooled(
    entry.uploads,
    run.concurrency,
    (u) =>
      run.working.run(async () => {
        // A slot may come free after a stop: the upload then does not start.
        if (run.stopped) return;
        ran.add(u);
        try {
          if (u.op === 'replace' && u.remote && backup) await backup.save({ ...u.remote, path: u.path }, 'replace');
          await upload(run, fileSetId, u, outcome);
          outcome.uploadedPaths.push(u.path);
          if (u.op === 'upload') outcome.result.uploaded += 1;
          else outcome.result.replaced += 1;
        } catch (e) {
          failed(`${u.op} ${u.path}: ${message(e)}`);
        }
        files += 1;
        bytes += u.size;
        run.progress({ phase: 'upload', files, totalFiles: entry.uploads.length, bytes, totalBytes: bytesTotal });
      }),
    run.signal,
  );
  for (const u of entry.uploads) if (!ran.has(u)) outcome.skipped.push({ op: u.op, path: u.path, reason: INTERRUPTED });
  if (run.stopped) {
    for (const d of after) outcome.skipped.push({ op: 'delete', path: d.path, reason: INTERRUPTED });
    return;
  }
  // Deletes only when nothing of this entry failed: a failed upload may be a renamed file's new path, and
  // deleting its old path would lose the only remote copy.
  if (failures() > 0) {
    for (const d of after) outcome.skipped.push({ op: 'delete', path: d.path, reason: 'an operation of this entry failed, so nothing of it is pruned' });
    return;
  }
  await runDeletes(run, fileSetId, entry, after, outcome, failed, entry.recheckDeletes, backup, deleted);
}

/** Looks again at what the entry deleted; a delete answered as done whose entry is still there fails. */
async function confirmDeletes(
  run: Run,
  fileSetId: string,
  entry: EntryPlan,
  deleted: DeleteStep[],
  outcome: TargetOutcome,
  failed: (msg: string) => void,
): Promise<void> {
  const scope = {
    client: run.client,
    fileSetId,
    directoryPath: entry.directoryPath,
    remaining: Math.max(0, entry.remoteCount - deleted.length),
    concurrency: run.concurrency,
    ...(run.signal ? { signal: run.signal } : {}),
  };
  try {
    for (const d of await unconfirmedDeletes(scope, deleted)) {
      outcome.result.deleted -= 1;
      failed(`delete ${d.path}: the server answered success, but it is still there when looked at again; it was not deleted`);
    }
  } catch (e) {
    failed(`confirming the deletes under '${entry.directoryPath || '/'}': ${message(e)}`);
  }
}

/**
 * Deletes files (in parallel), then directories deepest first. With `recheck`, a file that is back on disk
 * and selected by the entry is kept (it reappeared since the plan) and reported as skipped.
 */
async function runDeletes(
  run: Run,
  fileSetId: string,
  entry: EntryPlan,
  steps: readonly DeleteStep[],
  outcome: TargetOutcome,
  failed: (msg: string) => void,
  recheck: boolean,
  backup: Backup | undefined,
  deleted: DeleteStep[],
): Promise<void> {
  if (steps.length === 0) return;
  const selector = recheck ? selectorOf(entry.selection) : null;
  const filesFirst = steps.filter((d) => d.kind === 'file');
  const dirs = steps.filter((d) => d.kind === 'directory').sort((a, b) => b.path.split('/').length - a.path.split('/').length);
  let done = 0;
  const ran = new Set<DeleteStep>();
  const one = async (d: DeleteStep): Promise<void> => {
    ran.add(d);
    if (selector && d.kind === 'file' && selector.selects(d.rel) && existsLocally(path.join(entry.source, ...d.rel.split('/')))) {
      outcome.skipped.push({ op: 'delete', path: d.path, reason: 'the file is back on disk since the plan; the next run uploads it' });
      return;
    }
    try {
      if (backup && d.kind === 'file') await backup.save(d, 'delete');
      await run.client.deleteFile(fileSetId, d.id);
      outcome.result.deleted += 1;
      deleted.push(d);
    } catch (e) {
      if (isNotFound(e))
        outcome.result.deleted += 1; // already gone: the plan's intent holds
      else failed(`delete ${d.path}: ${message(e)}`);
    }
    done += 1;
    run.progress({ phase: 'delete', files: done, totalFiles: steps.length, bytes: 0, totalBytes: 0 });
  };
  await forEachPooled(filesFirst, run.concurrency, (d) => run.working.run(async () => (run.stopped ? undefined : one(d))), run.signal);
  for (const d of dirs) {
    if (run.stopped) break;
    await one(d);
  }
  for (const d of steps) if (!ran.has(d)) outcome.skipped.push({ op: 'delete', path: d.path, reason: INTERRUPTED });
}

/**
 * Uploads one file. The bytes come from exactly the inode the scan approved (opened without following a
 * symlink, dev/inode compared); small files are read once, hashed and sent from that buffer; larger ones are
 * streamed by the client from its own identity-checked descriptor and verified against the planned hash.
 */
async function upload(run: Run, fileSetId: string, u: UploadStep, outcome: TargetOutcome): Promise<void> {
  const { local } = u;
  const startedAt = Date.now();
  const small = u.size <= SMALL_READ_BYTES ? readSmall(local.abs) : null;
  if (small && (small.dev !== local.dev || small.ino !== local.ino)) {
    throw new Error(`${local.abs} is no longer the file the scan saw (replaced or swapped for a link); re-run to plan it again`);
  }
  let entry;
  let hash: string;
  if (small) {
    hash = sha256Hex(small.data);
    if (u.hash !== null && u.hash !== hash)
      throw new Error(
        `${local.abs} changed since it was planned (planned SHA-256 ${u.hash.slice(0, 12)}…, now ${hash.slice(0, 12)}…); re-run to plan it again`,
      );
    entry = await run.client.uploadFile(fileSetId, {
      path: u.path,
      source: { content: small.data },
      expectedSha256: hash,
      ...(u.contentType ? { contentType: u.contentType } : {}),
      ...(run.cancel ? { signal: run.cancel } : {}),
    });
    run.cache.set(local.abs, { size: small.data.length, mtimeMs: small.mtimeMs, ino: small.ino }, hash, startedAt);
  } else {
    if (u.hash === null) throw new Error(`${local.abs} grew past ${SMALL_READ_BYTES} bytes since the scan; re-run to plan it again`);
    hash = u.hash;
    entry = await run.client.uploadFile(fileSetId, {
      path: u.path,
      source: { filePath: local.abs, expect: { dev: local.dev, ino: local.ino } },
      expectedSha256: hash,
      ...(u.contentType ? { contentType: u.contentType } : {}),
      ...(run.cancel ? { signal: run.cancel } : {}),
    });
  }
  if (u.hash === null) outcome.hashes.set(u.path, hash);
  if ((entry as { verified?: string }).verified === 'size') outcome.unverified += 1;
  run.ledger.record(run.origin, fileSetId, { id: entry.id, path: entry.path, size: entry.size ?? u.size }, hash);
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
  const winner = [...same].sort((a, b) => compareUtf16(a.created ?? '', b.created ?? '') || compareUtf16(a.id, b.id))[0];
  if (winner.id === mine.id) return mine.id;
  try {
    await client.deleteFileSet(mine.id);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  return winner.id;
}

/** True unless the path is positively absent (ENOENT/ENOTDIR): on doubt (EACCES, EIO…) a file counts as present. */
function existsLocally(abs: string): boolean {
  try {
    lstatSync(abs);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

function skipAll(outcome: TargetOutcome, plan: FileSetPlan, reason: string): void {
  for (const c of plan.changes) outcome.skipped.push({ op: c.op, reason });
  for (const e of plan.entries) {
    for (const u of e.uploads) outcome.skipped.push({ op: u.op, path: u.path, reason });
    for (const d of e.deletes) outcome.skipped.push({ op: 'delete', path: d.path, reason });
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

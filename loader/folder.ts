/**
 * One folder synced into a prefix of an existing FileSet: the loader's entry point for the Pulumi
 * FileSetFolder resource (and anyone who wants one directory without a manifest). It plans and applies
 * through the same stages as a manifest entry: scan, list, plan, apply.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { DomoFilesClient } from '../client';
import { applyTarget } from './apply';
import { planEntryFrom, planEntryOf, listEntry, scanEntry, type EntryOptions } from './entry';
import { GuardError, LoaderError } from './errors';
import { joinRemote, normalizeDirectoryPath } from './prefix';
import { cleanBlobsUnder } from './git-index';
import { HashCache } from './hash-cache';
import { Slots } from './pool';
import { isNotFound } from './remote';
import { DEFAULT_CONCURRENCY, Run } from './run';
import type { LocalFile } from './scan';
import { normalizeSelection } from './selector';
import type { ApplyResult, EntryPlan, FileSetPlan, PlanSummary } from './types';
import { summarize } from './plan';

/** What one folder is. */
export interface FolderOptions {
  fileSetId: string;
  /** Absolute, or relative to the working directory. */
  source: string;
  include?: string[];
  exclude?: string[];
  directoryPath?: string;
  /** Default true. */
  prune?: boolean;
  maxDeletes?: number;
  /** Default 50. */
  maxDeletePercent?: number;
  allowEmpty?: boolean;
  dot?: boolean;
  /** Content type by extension (".md" → "text/markdown"). */
  contentTypes?: Record<string, string>;
  /** Most requests in flight and files hashed at once. */
  concurrency?: number;
  /** State directory: hash cache and upload ledger (default `.domo-filesets` in the working directory). */
  stateDir?: string;
  signal?: AbortSignal;
}

/** The local side of a folder: what a sync leaves under the prefix. */
export interface FolderDigest {
  /** SHA-256 hex over the sorted lines "remotePath\0hash\n" of the local set. */
  digest: string;
  fileCount: number;
  totalBytes: number;
}

/** What syncFolder did. */
export interface FolderSyncResult extends FolderDigest {
  summary: PlanSummary;
  result: ApplyResult;
}

function entryOf(opts: Omit<FolderOptions, 'fileSetId'>): EntryOptions {
  const dp = normalizeDirectoryPath(opts.directoryPath ?? '');
  if ('problem' in dp) throw new LoaderError(dp.problem);
  const pct = opts.maxDeletePercent ?? 50;
  if (!(pct >= 0 && pct <= 100)) throw new LoaderError(`maxDeletePercent must be from 0 to 100 (got ${String(opts.maxDeletePercent)})`);
  return {
    line: 0,
    source: path.resolve(opts.source),
    directoryPath: dp.value,
    selection: normalizeSelection({
      ...(opts.include ? { include: opts.include } : {}),
      ...(opts.exclude ? { exclude: opts.exclude } : {}),
      dot: opts.dot === true,
    }),
    prune: opts.prune ?? true,
    maxDeletePercent: pct,
    allowEmpty: opts.allowEmpty ?? false,
    contentTypes: opts.contentTypes ?? {},
    ...(opts.maxDeletes !== undefined ? { maxDeletes: opts.maxDeletes } : {}),
  };
}

async function withFolderRun<T>(client: DomoFilesClient, opts: Omit<FolderOptions, 'fileSetId'>, fn: (run: Run) => Promise<T>): Promise<T> {
  const run = await Run.open(
    { client, ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}), ...(opts.signal ? { signal: opts.signal } : {}) },
    opts.stateDir ?? path.resolve('.domo-filesets'),
  );
  try {
    return await fn(run);
  } finally {
    await run.close();
  }
}

function digestOf(local: readonly LocalFile[], prefix: string): FolderDigest {
  const h = createHash('sha256');
  let totalBytes = 0;
  for (const f of local) {
    h.update(`${joinRemote(prefix, f.path)}\0${f.hash}\n`);
    totalBytes += f.size;
  }
  return { digest: h.digest('hex'), fileCount: local.length, totalBytes };
}

/** A one-entry plan of the folder against its FileSet (read-only), with the folder's local digest. */
export async function planFolder(client: DomoFilesClient, opts: FolderOptions): Promise<{ plan: FileSetPlan } & FolderDigest> {
  const entry = entryOf(opts);
  return withFolderRun(client, opts, async (run) => {
    const { local, plan } = await planEntryOf(run, opts.fileSetId, entry);
    const fsPlan: FileSetPlan = { name: opts.fileSetId, id: opts.fileSetId, changes: [], entries: [plan] };
    if (plan.refused) fsPlan.refused = plan.refused;
    return { plan: fsPlan, ...digestOf(local, entry.directoryPath) };
  });
}

/**
 * Applies a folder plan. Throws GuardError when a guard refused it (nothing changed), and LoaderError when
 * it could not be planned safely (nothing changed) or when anything failed or was skipped (nothing pruned).
 */
export async function applyFolder(
  client: DomoFilesClient,
  plan: FileSetPlan,
  opts: Pick<FolderOptions, 'concurrency' | 'stateDir' | 'signal'> = {},
): Promise<{ summary: PlanSummary; result: ApplyResult }> {
  return withFolderRun(client, { source: '.', ...opts }, (run) => applyFolderIn(run, plan));
}

async function applyFolderIn(run: Run, plan: FileSetPlan): Promise<{ summary: PlanSummary; result: ApplyResult }> {
  const where = `FileSet ${plan.id ?? plan.name}`;
  if (plan.refused) throw new GuardError(`${where}: ${plan.refused.message}`, plan.refused.guard);
  const problems = plan.entries.flatMap((e) => e.problems);
  if (problems.length > 0) throw new LoaderError(`${where}: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : ''}`);
  const outcome = await applyTarget(run, plan);
  if (outcome.error) {
    throw new LoaderError(`${where}: ${outcome.result.failed} operation(s) failed, nothing of it pruned; first: ${outcome.error.message}`);
  }
  if (outcome.skipped.length > 0) {
    const s = outcome.skipped[0];
    throw new LoaderError(`${where}: ${outcome.skipped.length} planned change(s) not made; first: ${s.op} ${s.path ?? ''}: ${s.reason}`);
  }
  return { summary: summarize(plan.entries), result: outcome.result };
}

/** Makes the files under the prefix of an existing FileSet match the folder (plan, then apply). */
export async function syncFolder(client: DomoFilesClient, opts: FolderOptions): Promise<FolderSyncResult> {
  const { plan, ...digest } = await planFolder(client, opts);
  return { ...digest, ...(await applyFolder(client, plan, opts)) };
}

/** The folder's digest, file count and size, computed locally (the hash cache makes it cheap when unchanged). */
export async function folderDigest(opts: Omit<FolderOptions, 'fileSetId'>): Promise<FolderDigest> {
  const entry = entryOf(opts);
  const stateDir = path.resolve(opts.stateDir ?? '.domo-filesets');
  const cache = await HashCache.load(stateDir);
  try {
    const concurrency = opts.concurrency ?? DEFAULT_CONCURRENCY;
    const local = await scanEntry(
      {
        stateDirs: [stateDir],
        cache,
        concurrency,
        hashing: new Slots(concurrency),
        signal: opts.signal,
        progress: () => undefined,
        gitBlobs: cleanBlobsUnder,
      },
      entry,
    );
    return digestOf(local, entry.directoryPath);
  } finally {
    await cache.save();
  }
}

/**
 * Deletes what the folder manages under its prefix: every remote file the folder's patterns do not exclude,
 * and directories left empty (planned as a sync of an empty source). Returns how many files went. A missing
 * FileSet has nothing to delete.
 */
export async function removeFolderFiles(
  client: DomoFilesClient,
  opts: Omit<FolderOptions, 'prune' | 'allowEmpty' | 'maxDeletes' | 'maxDeletePercent'>,
): Promise<number> {
  const entry = { ...entryOf(opts), prune: true, allowEmpty: true, maxDeletePercent: 100 };
  delete (entry as { maxDeletes?: number }).maxDeletes;
  return withFolderRun(client, opts, async (run) => {
    let plan: EntryPlan;
    try {
      plan = { ...(await planEntryFrom(run, opts.fileSetId, entry, [], await listEntry(run, opts.fileSetId, entry))), recheckDeletes: false };
    } catch (e) {
      if (isNotFound(e)) return 0;
      throw e;
    }
    const fsPlan: FileSetPlan = { name: opts.fileSetId, id: opts.fileSetId, changes: [], entries: [plan] };
    await applyFolderIn(run, fsPlan);
    return plan.deletes.filter((d) => d.kind === 'file').length;
  });
}

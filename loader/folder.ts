/**
 * Folder operations for the Pulumi provider's FileSetFolder: sync one directory into an existing FileSet,
 * compute its content digest locally, and remove the files it manages.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import pLimit from 'p-limit';
import type { DomoFilesClient } from '../client';
import { executePlans } from './apply';
import { GuardError, LoaderError } from './errors';
import type { TargetPlan } from './gather';
import { validateOptions } from './gather';
import { HashCache } from './hash-cache';
import { normalizeDirectoryPath, excludeMatcher, joinRemote, relativeToPrefix } from './patterns';
import { planEntry, summarize } from './plan';
import { isNotFound, listRemoteFiles } from './remote';
import { scanSource, type LocalFile } from './scan';
import type { ApplyResult, FileSetSpec, PlanSummary } from './types';

/** Options of syncFolder. */
export interface FolderSyncOptions {
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
  concurrency?: number;
  /** Hash cache directory (default `.domo-filesets` in the working directory). */
  cacheDir?: string;
}

/** What syncFolder did. */
export interface FolderSyncResult {
  fileCount: number;
  totalBytes: number;
  /** SHA-256 hex over the sorted lines "remotePath\0hash\n" of the local set. */
  digest: string;
  summary: PlanSummary;
  result: ApplyResult;
}

/** Options of folderDigest. */
export interface FolderDigestOptions {
  source: string;
  include?: string[];
  exclude?: string[];
  directoryPath?: string;
  dot?: boolean;
  cacheDir?: string;
}

/**
 * Makes the files under `directoryPath` of an existing FileSet match the folder. Throws GuardError when a
 * guard refuses (nothing changed) and LoaderError when any operation failed (nothing deleted).
 */
export async function syncFolder(client: DomoFilesClient, opts: FolderSyncOptions): Promise<FolderSyncResult> {
  const spec = folderSpec(opts);
  validateOptions(opts);
  const cache = await HashCache.load(opts.cacheDir ?? path.resolve('.domo-filesets'));
  const [local, remote] = await Promise.all([
    scanFolder(spec, cache, opts.concurrency),
    listRemoteFiles(client, opts.fileSetId, spec.directoryPath),
  ]);
  await cache.save();
  const plan = planEntry(local, remote, {
    directoryPath: spec.directoryPath, exclude: spec.exclude, prune: spec.prune, maxDeletePercent: spec.maxDeletePercent,
    allowEmpty: spec.allowEmpty, ...(spec.maxDeletes !== undefined ? { maxDeletes: spec.maxDeletes } : {}),
  });
  if (plan.refused) throw new GuardError(`FileSet ${opts.fileSetId}: ${plan.refused.message}`, plan.refused.guard);
  const target: TargetPlan = {
    name: opts.fileSetId, fileSet: { id: opts.fileSetId } as TargetPlan['fileSet'], updateDescription: false, entries: [{ spec, plan }],
  };
  const [outcome] = await executePlans(client, [target], opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {});
  if (outcome.error) {
    throw new LoaderError(`FileSet ${opts.fileSetId}: ${outcome.result.failed} operation(s) failed, nothing deleted; first: ${outcome.error.message}`);
  }
  return { ...digestOf(local, spec.directoryPath), summary: summarize([plan]), result: outcome.result };
}

/** The folder's digest, file count and size, computed locally (the hash cache makes it cheap when unchanged). */
export async function folderDigest(opts: FolderDigestOptions): Promise<{ digest: string; fileCount: number; totalBytes: number }> {
  const spec = folderSpec({ ...opts, fileSetId: '' });
  const cache = await HashCache.load(opts.cacheDir ?? path.resolve('.domo-filesets'));
  const local = await scanFolder(spec, cache);
  await cache.save();
  return digestOf(local, spec.directoryPath);
}

/** Deletes the remote files under the prefix that the folder manages (all but excluded ones); returns how many. */
export async function removeFolderFiles(
  client: DomoFilesClient,
  opts: { fileSetId: string; directoryPath?: string; source: string; include?: string[]; exclude?: string[] },
): Promise<number> {
  const spec = folderSpec(opts);
  const isExcluded = excludeMatcher(spec.exclude);
  let remote;
  try {
    remote = await listRemoteFiles(client, opts.fileSetId, spec.directoryPath);
  } catch (e) {
    if (isNotFound(e)) return 0;
    throw e;
  }
  const doomed = remote.filter((r) => {
    const rel = relativeToPrefix(spec.directoryPath, r.path);
    return rel !== null && !isExcluded(rel);
  });
  const limit = pLimit(8);
  let n = 0;
  await Promise.all(doomed.map((r) => limit(async () => {
    try {
      await client.deleteFile(opts.fileSetId, r.id);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    n += 1;
  })));
  return n;
}

function folderSpec(opts: Omit<FolderSyncOptions, 'fileSetId'> & { fileSetId: string }): FileSetSpec {
  const dp = normalizeDirectoryPath(opts.directoryPath ?? '');
  if ('problem' in dp) throw new LoaderError(dp.problem);
  const pct = opts.maxDeletePercent ?? 50;
  if (!(pct >= 0 && pct <= 100)) throw new LoaderError(`maxDeletePercent must be from 0 to 100 (got ${String(opts.maxDeletePercent)})`);
  const spec: FileSetSpec = {
    name: opts.fileSetId, id: opts.fileSetId, source: path.resolve(opts.source),
    include: opts.include && opts.include.length > 0 ? opts.include : ['**/*'], exclude: opts.exclude ?? [],
    directoryPath: dp.value, prune: opts.prune ?? true, maxDeletePercent: pct, allowEmpty: opts.allowEmpty ?? false,
    dot: opts.dot ?? false, line: 0,
  };
  if (opts.maxDeletes !== undefined) spec.maxDeletes = opts.maxDeletes;
  return spec;
}

async function scanFolder(spec: FileSetSpec, cache: HashCache, concurrency?: number): Promise<LocalFile[]> {
  const local = await scanSource({ source: spec.source, include: spec.include, exclude: spec.exclude, dot: spec.dot, cache, concurrency: Math.max(8, concurrency ?? 8) });
  cache.forgetUnseenUnder([spec.source]);
  return local;
}

function digestOf(local: readonly LocalFile[], prefix: string): { digest: string; fileCount: number; totalBytes: number } {
  const h = createHash('sha256');
  let totalBytes = 0;
  for (const f of local) {
    h.update(`${joinRemote(prefix, f.path)}\0${f.hash}\n`);
    totalBytes += f.size;
  }
  return { digest: h.digest('hex'), fileCount: local.length, totalBytes };
}

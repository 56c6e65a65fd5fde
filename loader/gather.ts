/**
 * Gathering: for each FileSet a manifest declares, look it up, list its files under each entry's prefix,
 * scan and hash the local sources, and plan. Read-only towards Domo (it writes only the local hash cache).
 */
import * as path from 'node:path';
import pLimit from 'p-limit';
import type { DomoFilesClient, FileSet } from '../client';
import { LoaderError } from './errors';
import { HashCache } from './hash-cache';
import { planEntry, type EntryPlan } from './plan';
import { findFileSet, listRemoteFiles } from './remote';
import { joinRemote } from './patterns';
import { hashPending, scanSource } from './scan';
import type { FileSetSpec, GuardRefusal, Manifest, ProgressCallback } from './types';

/** One entry of a target with its plan. */
export interface PlannedEntry {
  spec: FileSetSpec;
  plan: EntryPlan;
}

/** Everything known about one FileSet of the manifest before applying. */
export interface TargetPlan {
  name: string;
  /** The existing FileSet, or null when it must be created. */
  fileSet: FileSet | null;
  /** Description to set (on create, or as an update when it differs). */
  description?: string;
  /** True when the existing FileSet's description differs from the manifest's. */
  updateDescription: boolean;
  entries: PlannedEntry[];
  /** The first guard any entry tripped: it blocks the whole FileSet. */
  refused?: GuardRefusal;
  /** Set when hashes were deferred: apply records the hashes it computes here and saves it. */
  hashCache?: HashCache;
}

/** Options shared by plan and apply. */
export interface GatherOptions {
  client: DomoFilesClient;
  concurrency?: number;
  /** Overrides every entry's maxDeletes (the CLI's --max-deletes). */
  maxDeletes?: number;
  cacheDir?: string;
  onProgress?: ProgressCallback;
  /**
   * Apply only: small files that exist only locally are not hashed during the scan but when they are
   * uploaded (their bytes are read once instead of twice); their report hash is filled in by apply.
   */
  deferNewHashes?: boolean;
}

/** Checks option values before any I/O. */
export function validateOptions(opts: { concurrency?: number; maxDeletes?: number }): void {
  if (opts.concurrency !== undefined && (!Number.isInteger(opts.concurrency) || opts.concurrency < 1 || opts.concurrency > 256)) {
    throw new LoaderError(`--concurrency must be a whole number from 1 to 256 (got ${String(opts.concurrency)})`);
  }
  if (opts.maxDeletes !== undefined && (!Number.isInteger(opts.maxDeletes) || opts.maxDeletes < 0)) {
    throw new LoaderError(`--max-deletes must be a whole number >= 0 (got ${String(opts.maxDeletes)})`);
  }
}

/** Entries grouped by the FileSet they target (id when pinned, else name), in manifest order. */
export function groupEntries(specs: readonly FileSetSpec[]): FileSetSpec[][] {
  const groups = new Map<string, FileSetSpec[]>();
  for (const s of specs) {
    const key = s.id !== undefined ? `id:${s.id}` : `name:${s.name}`;
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.values()];
}

/** Looks up, lists, scans and plans every FileSet of the manifest. */
export async function gather(manifest: Manifest, opts: GatherOptions): Promise<TargetPlan[]> {
  validateOptions(opts);
  const cache = await HashCache.load(opts.cacheDir ?? path.join(manifest.dir, '.domo-filesets'));
  const groups = groupEntries(manifest.filesets);
  const limit = pLimit(4);
  const targets = await Promise.all(groups.map((specs) => limit(() => gatherTarget(specs, opts, cache))));
  cache.forgetUnseenUnder(manifest.filesets.map((s) => s.source));
  await cache.save();
  return targets;
}

async function gatherTarget(specs: FileSetSpec[], opts: GatherOptions, cache: HashCache): Promise<TargetPlan> {
  const first = specs[0];
  const description = specs.find((s) => s.description !== undefined)?.description;
  // The local scans start at once: hashing overlaps the lookup and the listings.
  const scans = specs.map((spec) => scanSource({
    source: spec.source, include: spec.include, exclude: spec.exclude, dot: spec.dot, cache,
    concurrency: Math.max(16, opts.concurrency ?? 8), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.deferNewHashes ? { deferHash: true } : {}),
  }));
  // an unobserved rejection would crash the process if the lookup fails first
  for (const s of scans) s.catch(() => undefined);
  const fileSet = await findFileSet(opts.client, { name: first.name, ...(first.id !== undefined ? { id: first.id } : {}) });
  if (!fileSet && first.id !== undefined) {
    throw new LoaderError(`FileSet id '${first.id}' (${first.name}, manifest line ${first.line}) does not exist; remove 'id' to create it by name`);
  }
  const entries: PlannedEntry[] = [];
  for (const [k, spec] of specs.entries()) {
    const [local, remote] = await Promise.all([
      scans[k],
      fileSet ? listRemoteFiles(opts.client, fileSet.id, spec.directoryPath) : Promise.resolve([]),
    ]);
    if (opts.deferNewHashes) {
      // The planner compares hashes only of paths on both sides: hash those now, the rest while uploading.
      const remotePaths = new Set(remote.map((r) => r.path));
      await hashPending(local, (f) => remotePaths.has(joinRemote(spec.directoryPath, f.path)), {
        cache, concurrency: Math.max(16, opts.concurrency ?? 8),
      });
    }
    const maxDeletes = opts.maxDeletes ?? spec.maxDeletes;
    const plan = planEntry(local, remote, {
      directoryPath: spec.directoryPath, exclude: spec.exclude, prune: spec.prune,
      maxDeletePercent: spec.maxDeletePercent, allowEmpty: spec.allowEmpty,
      ...(maxDeletes !== undefined ? { maxDeletes } : {}),
    });
    entries.push({ spec, plan });
  }
  const target: TargetPlan = {
    name: first.name,
    fileSet,
    updateDescription: fileSet !== null && description !== undefined && (fileSet.description ?? '') !== description,
    entries,
  };
  if (description !== undefined) target.description = description;
  if (opts.deferNewHashes) target.hashCache = cache;
  const refused = entries.find((e) => e.plan.refused)?.plan.refused;
  if (refused) target.refused = refused;
  return target;
}

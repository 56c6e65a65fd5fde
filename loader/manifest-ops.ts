/**
 * The manifest operations: plan (read-only), apply, destroy. Each validates its options before any I/O.
 */
import type { DomoFilesClient } from '../client';
import { executePlans } from './apply';
import { gather, groupEntries, validateOptions, type GatherOptions } from './gather';
import { findFileSet, isNotFound } from './remote';
import { buildReport } from './report';
import type { Manifest, Report } from './types';

/** Options of planManifest. */
export type PlanManifestOptions = GatherOptions;

/** Options of applyManifest. */
export interface ApplyManifestOptions extends GatherOptions {
  /** Plan only (`apply --dry-run`): no mutating request. */
  dryRun?: boolean;
}

/** What destroyManifest did for each declared FileSet. */
export interface DestroyResult {
  filesets: { name: string; id: string | null; deleted: boolean }[];
}

/**
 * Plans every FileSet of the manifest. Read-only: it sends no mutating request (it only writes the local
 * hash cache). Guard refusals are in the report (`refused`), not thrown.
 */
export async function planManifest(manifest: Manifest, opts: PlanManifestOptions): Promise<Report> {
  return buildReport(await gather(manifest, opts));
}

/**
 * Plans and applies. Refused FileSets are left untouched; failures are collected in the report
 * (`result.failed`, `error`) and, when any occurred, nothing is deleted in the whole run.
 */
export async function applyManifest(manifest: Manifest, opts: ApplyManifestOptions): Promise<Report> {
  const targets = await gather(manifest, { ...opts, deferNewHashes: !opts.dryRun });
  if (opts.dryRun) return buildReport(targets);
  const outcomes = await executePlans(opts.client, targets, {
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  return buildReport(targets, outcomes);
}

/** Deletes the FileSets the manifest declares (by id or exact name); a missing one is nothing to do. */
export async function destroyManifest(manifest: Manifest, opts: { client: DomoFilesClient }): Promise<DestroyResult> {
  validateOptions({});
  const out: DestroyResult = { filesets: [] };
  for (const specs of groupEntries(manifest.filesets)) {
    const s = specs[0];
    const fs = await findFileSet(opts.client, { name: s.name, ...(s.id !== undefined ? { id: s.id } : {}) });
    if (!fs) {
      out.filesets.push({ name: s.name, id: s.id ?? null, deleted: false });
      continue;
    }
    let deleted = true;
    try {
      await opts.client.deleteFileSet(fs.id);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      deleted = false;
    }
    out.filesets.push({ name: s.name, id: fs.id, deleted });
  }
  return out;
}

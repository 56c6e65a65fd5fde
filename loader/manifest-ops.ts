/**
 * The manifest operations: plan (read-only), apply, destroy. Each validates its options before any I/O and
 * owns one run (hash cache and upload ledger loaded at the start, saved at the end).
 */
import * as path from 'node:path';
import type { DomoFilesClient } from '../client';
import { applyTarget, type TargetOutcome } from './apply';
import { listTarget, planTargetFrom, scanTarget } from './plan-target';
import { forEachPooled } from './pool';
import { Backup } from './backup';
import { findFileSet, isNotFound, listRemote } from './remote';
import { buildReport } from './report';
import { Run, type RunOptions } from './run';
import type { LocalFile } from './scan';
import { groupEntries, resolveTargets, type Target } from './targets';
import type { FileSetPlan, Manifest, Plan, Report } from './types';

/** Options of planManifest and createPlan. */
export type PlanManifestOptions = RunOptions;

/** Options of applyManifest. */
export interface ApplyManifestOptions extends RunOptions {
  /** Plan only (`apply --dry-run`): no mutating request. */
  dryRun?: boolean;
}

/** What destroyManifest did for each declared FileSet. */
export interface DestroyResult {
  filesets: { name: string; id: string | null; deleted: boolean; backup?: { dir: string; files: number }; error?: string }[];
}

/** The state directory of a manifest's runs: `.domo-filesets` next to it. */
export function stateDirOf(manifest: Manifest): string {
  return path.join(manifest.dir, '.domo-filesets');
}

async function withRun<T>(manifest: Manifest, opts: RunOptions, fn: (run: Run) => Promise<T>): Promise<T> {
  const run = await Run.open(opts, stateDirOf(manifest));
  try {
    return await fn(run);
  } finally {
    await run.close();
  }
}

/**
 * Plans every FileSet of the manifest, every local file hashed: the plan can be saved and applied later
 * exactly. Read-only: it sends no mutating request (it only writes the local hash cache).
 */
export async function createPlan(manifest: Manifest, opts: PlanManifestOptions): Promise<Plan> {
  return withRun(manifest, opts, async (run) => {
    const targets = await resolveTargets(manifest, run);
    const listings = targets.map((t) => listTarget(run, t));
    for (const l of listings) l.catch(() => undefined); // observed below; a scan failure must not leave it unobserved
    const scans = await scanAll(run, targets, false);
    const filesets: FileSetPlan[] = new Array<FileSetPlan>(targets.length);
    await forEachPooled(targets, run.concurrency, async (t, i) => {
      filesets[i] = await planTargetFrom(run, t, scans[i], await listings[i]);
    });
    return {
      format: 'domo-filesets-plan',
      version: 1,
      manifest: { file: path.relative(process.cwd(), manifest.file) || manifest.file, digest: manifest.digest },
      target: run.origin,
      filesets,
    };
  });
}

/** Scans every source of every target; any local problem throws here, before anything changes. */
async function scanAll(run: Run, targets: readonly Target[], deferHash: boolean): Promise<LocalFile[][][]> {
  const scans: LocalFile[][][] = new Array<LocalFile[][]>(targets.length);
  await forEachPooled(targets, run.concurrency, async (t, i) => {
    scans[i] = await scanTarget(run, t, deferHash);
  });
  return scans;
}

/** Plans every FileSet of the manifest and reports it. Guard refusals are in the report (`refused`), not thrown. */
export async function planManifest(manifest: Manifest, opts: PlanManifestOptions): Promise<Report> {
  return buildReport((await createPlan(manifest, opts)).filesets);
}

/**
 * Plans and applies. Every lookup, the overlap checks and every local scan come first, so bad input stops
 * the run before anything changes; then each FileSet is planned and applied as soon as its listing is in,
 * while the others are still listing. Refused or blocked FileSets are left untouched; failures are
 * collected in the report, and nothing is pruned in an entry where anything failed.
 */
export async function applyManifest(manifest: Manifest, opts: ApplyManifestOptions): Promise<Report> {
  if (opts.dryRun) return planManifest(manifest, opts);
  return withRun(manifest, opts, async (run) => {
    const targets = await resolveTargets(manifest, run);
    const listings = targets.map((t) => listTarget(run, t));
    for (const l of listings) l.catch(() => undefined);
    const scans = await scanAll(run, targets, true);
    const plans: FileSetPlan[] = targets.map((t) => ({ name: t.name, id: t.fileSet?.id ?? null, changes: [], entries: [] }));
    const outcomes: TargetOutcome[] = new Array<TargetOutcome>(targets.length);
    await forEachPooled(
      targets,
      run.concurrency,
      async (t, i) => {
        try {
          plans[i] = await planTargetFrom(run, t, scans[i], await listings[i]);
        } catch (e) {
          // Nothing of this FileSet changed; the others go on.
          outcomes[i] = failedOutcome(plans[i], `planning FileSet '${t.name}': ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
          return;
        }
        outcomes[i] = await applyTarget(run, plans[i]);
      },
      run.signal,
    );
    return finish(run, plans, outcomes);
  });
}

/** Applies a saved plan exactly (the caller has checked it is fresh). */
export async function applyPlan(plan: Plan, manifest: Manifest, opts: RunOptions): Promise<Report> {
  return withRun(manifest, opts, async (run) => {
    const outcomes: TargetOutcome[] = new Array<TargetOutcome>(plan.filesets.length);
    await forEachPooled(plan.filesets, run.concurrency, async (p, i) => {
      outcomes[i] = await applyTarget(run, p);
    });
    return finish(run, plan.filesets, outcomes);
  });
}

function failedOutcome(plan: FileSetPlan, message: string): TargetOutcome {
  return {
    id: plan.id,
    created: false,
    result: { uploaded: 0, replaced: 0, deleted: 0, failed: 1 },
    error: { message, count: 1 },
    skipped: [],
    unverified: 0,
    hashes: new Map(),
    uploadedPaths: [],
  };
}

function finish(run: Run, plans: readonly FileSetPlan[], outcomes: readonly (TargetOutcome | undefined)[]): Report {
  const report = buildReport(
    plans,
    plans.map(
      (p, i) =>
        outcomes[i] ?? {
          id: p.id,
          created: false,
          result: { uploaded: 0, replaced: 0, deleted: 0, failed: 0 },
          unverified: 0,
          hashes: new Map(),
          uploadedPaths: [],
          skipped: [{ op: 'upload' as const, reason: 'interrupted before this FileSet was applied' }],
        },
    ),
  );
  if (run.stopped) report.interrupted = { signal: signalName(run.signal) };
  return report;
}

/** The signal name an abort carried (the CLI aborts with "SIGINT"/"SIGTERM"), else "abort". */
function signalName(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return typeof reason === 'string' ? reason : 'abort';
}

/**
 * Deletes the FileSets the manifest declares (by id or exact name), files and all: a server that refuses to
 * delete a FileSet that still holds files (409) gets it emptied file by file first. A missing one is nothing
 * to do; only a 404 means missing (a 403 is an error naming the permission), and one found that answers the
 * delete with 404 is gone, so it counts as deleted. With `backupDir`, every file of a FileSet is downloaded
 * first, and a FileSet whose backup failed is not deleted.
 */
export async function destroyManifest(manifest: Manifest, opts: { client: DomoFilesClient; backupDir?: string; signal?: AbortSignal }): Promise<DestroyResult> {
  const out: DestroyResult = { filesets: [] };
  for (const specs of groupEntries(manifest.filesets)) {
    const s = specs[0];
    if (opts.signal?.aborted) break;
    const fs = await findFileSet(opts.client, { name: s.name, ...(s.id !== undefined ? { id: s.id } : {}) });
    if (!fs) {
      out.filesets.push({ name: s.name, id: s.id ?? null, deleted: false });
      continue;
    }
    const item: DestroyResult['filesets'][number] = { name: s.name, id: fs.id, deleted: false };
    out.filesets.push(item);
    if (opts.backupDir !== undefined) {
      const backup = new Backup(opts.client, opts.backupDir, { id: fs.id, name: fs.name });
      try {
        for (const r of await listRemote(opts.client, fs.id, '', opts.signal)) {
          if (r.kind === 'file') await backup.save(r, 'destroy');
        }
      } catch (e) {
        item.error = `backup failed, FileSet not deleted: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
        continue;
      } finally {
        await backup.flush();
      }
      if (backup.count > 0) item.backup = { dir: backup.dir, files: backup.count };
    }
    try {
      await opts.client.deleteFileSet(fs.id, { force: true, name: fs.name });
    } catch (e) {
      // It was there a moment ago: a 404 now means a retry found an earlier attempt's delete done.
      if (!isNotFound(e)) throw e;
    }
    item.deleted = true;
  }
  return out;
}

/**
 * `apply -f MANIFEST` plans and applies (uploads, then guarded prune); `apply FILE` applies a plan saved by
 * `plan --out` exactly, after checking that nothing it was made from has changed; `--dry-run` plans through
 * the same code path.
 */
import { resolve } from 'node:path';
import { CliError, UsageError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';
import { reportStatus } from '../status';
import { readManifest, runWithProgress, type ManifestFlags } from './run-manifest';

/** Flags of apply. */
export interface ApplyFlags extends ManifestFlags {
  dryRun?: boolean;
  backupDir?: string;
  waitIndexed?: boolean;
  indexTimeout?: string;
}

/** Runs the apply (or the dry run). */
export async function run(ctx: Ctx, input: Input<ApplyFlags>): Promise<Outcome> {
  const flags = input.opts;
  const planFile = input.args[0] || undefined;
  if (planFile && flags.file) throw new UsageError('apply takes either a saved plan FILE or -f MANIFEST, not both');
  if (!planFile && !flags.file) throw new UsageError('apply needs -f MANIFEST, or a plan FILE saved by plan --out');
  const loader = require('../../loader') as typeof import('../../loader');
  const dryRun = flags.dryRun === true;
  if (flags.indexTimeout !== undefined && !flags.waitIndexed) throw new UsageError('--index-timeout needs --wait-indexed');
  const extra = {
    ...(flags.backupDir !== undefined ? { backupDir: resolve(ctx.cwd, flags.backupDir) } : {}),
    ...(flags.waitIndexed ? { waitIndexed: { timeoutMs: loader.parseDuration(flags.indexTimeout ?? '10m', '--index-timeout') } } : {}),
  };
  let report;
  if (planFile) {
    const { plan, digest } = await loader.readPlanFile(resolve(ctx.cwd, planFile));
    const manifest = await readManifest(ctx, plan.manifest.file);
    report = await runWithProgress(ctx, flags, manifest, !dryRun, async (opts, conn) => {
      const fresh = { ...(await loader.createPlan(manifest, { ...opts, onProgress: () => undefined })), target: conn.target };
      const reasons = loader.stalenessOf(plan, fresh);
      if (reasons.length > 0) {
        const more = reasons.length > 1 ? ` (and ${reasons.length - 1} more: ${reasons.slice(1, 4).join('; ')})` : '';
        throw new CliError(`the plan ${planFile} (sha256 ${digest.slice(0, 12)}) is stale; nothing was changed: ${reasons[0]}${more}; run plan --out again`);
      }
      const r = dryRun ? loader.buildReport(plan.filesets) : await loader.applyPlan(plan, manifest, { ...opts, ...extra });
      r.savedPlan = { file: planFile, digest };
      return r;
    });
  } else {
    const manifest = await readManifest(ctx, flags.file as string);
    report = await runWithProgress(ctx, flags, manifest, !dryRun, (opts) => loader.applyManifest(manifest, { ...opts, ...extra, dryRun }));
  }
  return {
    kind: 'report',
    report,
    reportKind: dryRun ? 'dry-run' : 'apply',
    format: flags.format,
    status: reportStatus(report, { apply: !dryRun }),
  };
}

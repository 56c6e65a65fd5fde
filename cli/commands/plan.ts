/** `plan -f MANIFEST [--out FILE]`: read-only; prints what apply would do, and can save the plan for `apply FILE`. */
import { resolve } from 'node:path';
import { UsageError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';
import { reportStatus } from '../status';
import { readManifest, runWithProgress, type ManifestFlags } from './run-manifest';

/** Flags of plan. */
export interface PlanFlags extends ManifestFlags {
  detailedExitcode?: boolean;
  out?: string;
}

/** Runs the plan. */
export async function run(ctx: Ctx, input: Input<PlanFlags>): Promise<Outcome> {
  const flags = input.opts;
  if (!flags.file) throw new UsageError('plan needs -f MANIFEST');
  const { buildReport, createPlan, writePlanFile }: typeof import('../../loader') = require('../../loader');
  const manifest = await readManifest(ctx, flags.file);
  const report = await runWithProgress(ctx, flags, manifest, false, async (opts, conn) => {
    // The target recorded is the connection's identity (an embedded emulator's data directory, not its port).
    const plan = { ...(await createPlan(manifest, opts)), target: conn.target };
    const r = buildReport(plan.filesets);
    if (flags.out) {
      const digest = await writePlanFile(plan, resolve(ctx.cwd, flags.out));
      r.savedPlan = { file: flags.out, digest };
    }
    return r;
  });
  return {
    kind: 'report',
    report,
    reportKind: 'plan',
    format: flags.format,
    status: reportStatus(report, { apply: false, detailedExitcode: flags.detailedExitcode }),
  };
}

/** `plan -f MANIFEST`: read-only; prints what apply would do. */
import type { Ctx, Input, Outcome } from '../outcome';
import { reportStatus } from '../status';
import { runWithProgress, type ManifestFlags } from './run-manifest';

/** Flags of plan. */
interface PlanFlags extends ManifestFlags {
  detailedExitcode?: boolean;
}

/** Runs the plan. */
export async function run(ctx: Ctx, input: Input): Promise<Outcome> {
  const flags = input.opts as unknown as PlanFlags;
  const { planManifest } = require('../../loader') as typeof import('../../loader');
  const report = await runWithProgress(ctx, flags, (manifest, conn, onProgress) =>
    planManifest(manifest, { client: conn.client, concurrency: flags.concurrency, maxDeletes: flags.maxDeletes, onProgress }),
  );
  return { kind: 'report', report, reportKind: 'plan', format: flags.format, status: reportStatus(report, { apply: false, detailedExitcode: flags.detailedExitcode }) };
}

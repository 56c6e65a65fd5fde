/** `apply -f MANIFEST`: uploads, then guarded prune; `--dry-run` plans through the same code path. */
import type { Ctx, Input, Outcome } from '../outcome';
import { reportStatus } from '../status';
import { runWithProgress, type ManifestFlags } from './run-manifest';

/** Flags of apply. */
interface ApplyFlags extends ManifestFlags {
  dryRun?: boolean;
}

/** Runs the apply (or the dry run). */
export async function run(ctx: Ctx, input: Input): Promise<Outcome> {
  const flags = input.opts as unknown as ApplyFlags;
  const { applyManifest } = require('../../loader') as typeof import('../../loader');
  const dryRun = flags.dryRun === true;
  const report = await runWithProgress(ctx, flags, (manifest, conn, onProgress) =>
    applyManifest(manifest, { client: conn.client, concurrency: flags.concurrency, maxDeletes: flags.maxDeletes, dryRun, onProgress }),
  );
  return {
    kind: 'report',
    report,
    reportKind: dryRun ? 'dry-run' : 'apply',
    format: flags.format,
    status: reportStatus(report, { apply: !dryRun }),
  };
}

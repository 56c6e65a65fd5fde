/**
 * `show FILE [--format text|json|markdown]`: renders a saved plan (`plan --out`) or a JSON report (`plan|apply
 * --format json`) again, in any format, without a request: one apply can print JSON for a script and the same
 * report can then be shown as markdown for a pull request.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';
import type { ReportKind } from '../render/summary';
import type { Format } from '../validate';

/** Flags of show. */
export interface ShowFlags {
  format: Format;
  kind?: ReportKind;
}

/** Runs show. */
export async function run(ctx: Ctx, input: Input<ShowFlags>): Promise<Outcome> {
  const file = input.args[0];
  const abs = resolve(ctx.cwd, file);
  const loader = require('../../loader') as typeof import('../../loader');
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(abs, 'utf8'));
  } catch (e) {
    throw new CliError(`show: cannot read ${file} as JSON (${(e as NodeJS.ErrnoException).code ?? 'not JSON'})`);
  }
  if (doc && typeof doc === 'object' && (doc as { format?: unknown }).format === 'domo-filesets-plan') {
    const { plan, digest } = await loader.readPlanFile(abs);
    const report = { ...loader.buildReport(plan.filesets), savedPlan: { file, digest } };
    return { kind: 'report', report, reportKind: 'plan', format: input.opts.format };
  }
  const report = doc as import('../../loader').Report;
  if (!report || !Array.isArray(report.filesets)) throw new CliError(`show: ${file} is neither a saved plan nor a JSON report (no "filesets" list)`);
  const kind: ReportKind = input.opts.kind ?? (report.filesets.some((f) => f.result !== undefined) ? 'apply' : 'plan');
  return { kind: 'report', report, reportKind: kind, format: input.opts.format };
}

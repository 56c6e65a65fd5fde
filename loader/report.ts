/**
 * Report building: the JSON contract document (`Report`) of plan and apply, from targets and outcomes.
 */
import type { TargetOutcome } from './apply';
import type { TargetPlan } from './gather';
import { actionsOf, summarize } from './plan';
import type { FileSetReport, Report } from './types';

/** One FileSet's report; with `outcome` it is an apply report (adds result and error). */
export function fileSetReport(target: TargetPlan, outcome?: TargetOutcome): FileSetReport {
  const plans = target.entries.map((e) => e.plan);
  const r: FileSetReport = {
    name: target.name,
    id: outcome?.id ?? target.fileSet?.id ?? null,
    summary: summarize(plans),
    actions: actionsOf(plans),
  };
  if (!target.fileSet) r.create = true;
  if (target.updateDescription && target.description !== undefined) r.update = { description: target.description };
  if (target.refused) r.refused = target.refused;
  if (outcome) {
    r.result = { ...outcome.result };
    if (outcome.error) r.error = { ...outcome.error };
  }
  return r;
}

/** The whole report, FileSets in manifest order. */
export function buildReport(targets: readonly TargetPlan[], outcomes?: readonly TargetOutcome[]): Report {
  return { filesets: targets.map((t, i) => fileSetReport(t, outcomes?.[i])) };
}

/** True when any FileSet would change (for `plan --detailed-exitcode`). */
export function hasChanges(report: Report): boolean {
  return report.filesets.some((f) => f.create || f.update || f.summary.upload + f.summary.replace + f.summary.delete > 0);
}

/** True when a guard refused any FileSet (exit 3). */
export function hasRefusals(report: Report): boolean {
  return report.filesets.some((f) => f.refused !== undefined);
}

/** True when any operation of an apply failed (exit 1). */
export function hasFailures(report: Report): boolean {
  return report.filesets.some((f) => (f.result?.failed ?? 0) > 0 || f.error !== undefined);
}

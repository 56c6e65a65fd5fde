/**
 * The report (the JSON document of `plan` and `apply --format json`): read from the plan and, for an apply,
 * the outcome. Nothing here changes either.
 */
import type { TargetOutcome } from './apply';
import { actionsOf, summarize } from './plan';
import type { FileSetPlan, FileSetReport, Report } from './types';

/** One FileSet's report; with `outcome` it is an apply report (adds result, error, skipped). */
function fileSetReport(plan: FileSetPlan, outcome?: TargetOutcome): FileSetReport {
  const entries = plan.entries;
  const r: FileSetReport = {
    name: plan.name,
    id: outcome?.id ?? plan.id,
    summary: summarize(entries),
    actions: [...actionsOf(entries, outcome?.hashes), ...plan.changes],
  };
  if (plan.id === null) r.create = true;
  const description = plan.changes.find((c) => c.op === 'update' && c.field === 'description');
  if (description && description.op === 'update') r.update = { description: String(description.to) };
  if (plan.refused) r.refused = plan.refused;
  const problems = entries.flatMap((e) => e.problems);
  if (problems.length > 0) r.problems = problems;
  const unverified = entries.reduce((n, e) => n + e.unverified, 0) + (outcome?.unverified ?? 0);
  if (unverified > 0) r.unverified = unverified;
  if (outcome) {
    r.result = { ...outcome.result };
    if (outcome.error) r.error = { ...outcome.error };
    if (outcome.skipped.length > 0) r.skipped = [...outcome.skipped];
    if (outcome.backup) r.backup = { ...outcome.backup };
    if (outcome.index) r.index = { ...outcome.index, failed: [...outcome.index.failed] };
  }
  return r;
}

/** The whole report, FileSets in manifest order. */
export function buildReport(plans: readonly FileSetPlan[], outcomes?: readonly TargetOutcome[]): Report {
  return { filesets: plans.map((p, i) => fileSetReport(p, outcomes?.[i])) };
}

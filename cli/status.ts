/**
 * Turns a printed report into the typed error that sets the exit code: refused → 3, failed apply → 1,
 * `plan --detailed-exitcode` with changes → 2. Guards win over everything: nothing changed for that FileSet.
 */
import type { Report } from '../loader/types';
import { ChangesPending, CliError, GuardRefused } from './errors';
import { hasChanges } from './render/summary';

/** The error to raise after printing `report`, or undefined for exit 0. */
export function reportStatus(report: Report, mode: { apply: boolean; detailedExitcode?: boolean }): Error | undefined {
  const refused = report.filesets.filter((fs) => fs.refused);
  if (refused.length > 0) {
    const first = refused[0];
    const more = refused.length > 1 ? ` (and ${refused.length - 1} more FileSet${refused.length > 2 ? 's' : ''})` : '';
    return new GuardRefused(`FileSet "${first.name}" refused by ${first.refused?.guard}: ${first.refused?.message}${more}`);
  }
  if (mode.apply) {
    const failed = report.filesets.filter((fs) => (fs.result?.failed ?? 0) > 0 || fs.error);
    if (failed.length > 0) {
      const count = failed.reduce((n, fs) => n + (fs.error?.count ?? fs.result?.failed ?? 0), 0);
      const first = failed[0];
      const why = first.error?.message ? `; first error: ${first.error.message}` : '';
      return new CliError(`apply failed: ${count} file operation${count === 1 ? '' : 's'} failed (FileSet "${first.name}")${why}; nothing was pruned where anything failed — re-run to converge`);
    }
    return undefined;
  }
  if (mode.detailedExitcode && hasChanges(report)) return new ChangesPending();
  return undefined;
}

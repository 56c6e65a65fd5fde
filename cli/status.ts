/**
 * Turns a printed report into the typed error that sets the exit code: refused → 3, failed apply → 1,
 * `plan --detailed-exitcode` with changes → 2. Guards win over everything: nothing changed for that FileSet.
 */
import type { Report } from '../loader/types';
import { ChangesPending, CliError, EXIT, GuardRefused } from './errors';
import { hasChanges } from './render/summary';

/** The error to raise after printing `report`, or undefined for exit 0. */
export function reportStatus(report: Report, mode: { apply: boolean; detailedExitcode?: boolean }): Error | undefined {
  const refused = report.filesets.filter((fs) => fs.refused);
  if (refused.length > 0) {
    const first = refused[0];
    const more = refused.length > 1 ? ` (and ${refused.length - 1} more FileSet${refused.length > 2 ? 's' : ''})` : '';
    return new GuardRefused(`FileSet "${first.name}" refused by ${first.refused?.guard}: ${first.refused?.message}${more}`);
  }
  const blocked = report.filesets.filter((fs) => fs.problems && fs.problems.length > 0);
  if (blocked.length > 0) {
    const first = blocked[0];
    const more = blocked.length > 1 ? ` (and ${blocked.length - 1} more FileSet${blocked.length > 2 ? 's' : ''})` : '';
    return new CliError(`FileSet "${first.name}" cannot be changed safely, so nothing of it was: ${first.problems?.[0]}${more}`);
  }
  if (mode.apply) {
    if (report.interrupted) {
      const sig = report.interrupted.signal;
      return new CliError(
        `apply interrupted by ${sig}: stopped starting work; what was done is listed above — re-run to converge`,
        sig === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT,
      );
    }
    const failed = report.filesets.filter((fs) => (fs.result?.failed ?? 0) > 0 || fs.error);
    if (failed.length > 0) {
      const count = failed.reduce((n, fs) => n + (fs.error?.count ?? fs.result?.failed ?? 0), 0);
      const first = failed[0];
      const why = first.error?.message ? `; first error: ${first.error.message}` : '';
      return new CliError(
        `apply failed: ${count} file operation${count === 1 ? '' : 's'} failed (FileSet "${first.name}")${why}; nothing was pruned where anything failed — re-run to converge`,
      );
    }
    const indexProblem = report.filesets.find((fs) => fs.index && (fs.index.failed.length > 0 || fs.index.pending > 0));
    if (indexProblem?.index) {
      const ix = indexProblem.index;
      const name = `FileSet "${indexProblem.name}"`;
      if (ix.failed.length > 0) {
        const list = ix.failed
          .slice(0, 3)
          .map((f) => `${f.path} (${f.reason})`)
          .join('; ');
        return new CliError(
          `indexing failed for ${ix.failed.length} file${ix.failed.length === 1 ? '' : 's'} of ${name}: ${list}${ix.failed.length > 3 ? '; …' : ''}; fix them and run reindex`,
        );
      }
      if (ix.unsupported) return new CliError(`${name}: the server reports no index status for its files, so --wait-indexed cannot tell when they are indexed`);
      return new CliError(
        `${name}: indexing not finished in time: ${ix.completed} completed, ${ix.pending} pending, ${ix.skipped} skipped; raise --index-timeout or check later with status`,
      );
    }
    const incomplete = report.filesets.filter((fs) => fs.skipped && fs.skipped.length > 0);
    if (incomplete.length > 0) {
      const count = incomplete.reduce((n, fs) => n + (fs.skipped?.length ?? 0), 0);
      const s = incomplete[0].skipped![0];
      return new CliError(
        `apply incomplete: ${count} planned change${count === 1 ? '' : 's'} not made (FileSet "${incomplete[0].name}"); first: ${s.op}${s.path ? ` ${s.path}` : ''}: ${s.reason}`,
      );
    }
    return undefined;
  }
  if (mode.detailedExitcode && hasChanges(report)) return new ChangesPending();
  return undefined;
}

/** What a probe report adds up to: the rows not handled, the emulator flags, the sentence and the exit status. */
import { CliError, EXIT } from '../errors';
import type { CheckResult, ProbeReport } from './types';

/** Rows this version does not handle (or could not observe). */
export function notHandled(report: ProbeReport): CheckResult[] {
  return report.checks.filter((c) => !c.handled);
}

/** The emulator flags that make it answer as the probed instance did (each once, in table order). */
export function emulatorFlags(report: ProbeReport): string[] {
  return [...new Set(report.checks.flatMap((c) => c.emulator ?? []))];
}

/** One sentence on the outcome. */
export function conclusion(report: ProbeReport): string {
  if (report.interrupted) return `Interrupted by ${report.interrupted} after ${report.checks.length} check(s).`;
  const bad = notHandled(report);
  if (bad.length === 0) return `All ${report.checks.length} observations are handled by domo-filesets ${report.version}.`;
  return `Not handled by domo-filesets ${report.version}: ${bad.map((c) => c.assumption).join('; ')}.`;
}

/** The scratch FileSet's fate, in one sentence. */
export function scratchLine(report: ProbeReport): string {
  const s = report.scratch;
  if (s.id === null) return `Scratch FileSet ${s.name} was not created.`;
  const left = s.leftBehind.map((l) => `${l.name} (${l.id}): ${l.error}`).join('; ');
  if (s.kept) return `Scratch FileSet ${s.name} kept: ${s.id}${left ? `; could not delete ${left}` : ''}`;
  return left ? `Could not delete scratch FileSet(s) ${left}` : `Scratch FileSet ${s.name} deleted.`;
}

/** The JSON document of `probe --format json`: the report plus what it adds up to. */
export function probeDocument(report: ProbeReport): ProbeReport & { handled: boolean; notHandled: string[]; emulatorFlags: string[] } {
  const bad = notHandled(report);
  return { ...report, handled: bad.length === 0 && !report.interrupted, notHandled: bad.map((c) => c.id), emulatorFlags: emulatorFlags(report) };
}

/**
 * The error that sets the exit code after the table is printed: the signal's code when interrupted, else 1
 * naming what is not handled, or the scratch FileSet that could not be deleted; undefined for exit 0.
 */
export function probeStatus(report: ProbeReport): Error | undefined {
  const left = report.scratch.leftBehind;
  const cleanup =
    left.length > 0
      ? `; could not delete ${left.map((l) => `${l.name} (${l.id})`).join(', ')}: delete ${left.length === 1 ? 'it' : 'them'} with domo-filesets filesets delete ID`
      : report.scratch.id !== null && !report.scratch.kept
        ? '; the scratch FileSet was deleted'
        : '';
  if (report.interrupted) {
    return new CliError(`probe interrupted by ${report.interrupted}${cleanup}`, report.interrupted === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT);
  }
  const bad = notHandled(report);
  if (bad.length > 0) {
    const list = bad.map((c) => `${c.assumption} (${c.observed})`).join('; ');
    return new CliError(
      `probe: not handled by domo-filesets ${report.version}: ${list}${left.length ? cleanup : ''} — paste the --format markdown table into an issue`,
    );
  }
  if (left.length > 0) return new CliError(`probe${cleanup.replace(/^;/, ':')}`);
  return undefined;
}

/** The probe's data: what a check concludes, and the report the command renders. */

/** A JSON value (what a check's machine-readable `value` may hold). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What a check concludes from its observations. */
export interface Verdict {
  /** What the instance did, in a few words a user can read. */
  observed: string;
  /** The same, as data (the reading's value where there is one: 204, "directoryPath", true…). */
  value: Json;
  /** Whether this version of domo-filesets works correctly with what was observed. */
  handled: boolean;
  /** What the client does about it, or why it is not handled. */
  note: string;
  /** The emulator flags that make it answer the same way, when one applies. */
  emulator?: string[];
}

/** One row of the report. */
export interface CheckResult extends Verdict {
  /** Stable identifier (uploadField, pathFidelity, …). */
  id: string;
  /** The assumption tested, as the table names it. */
  assumption: string;
  /** True when a request failed or the check did not run: `observed` says why. */
  failed?: boolean;
}

/** The scratch FileSet and what became of it. */
interface ScratchState {
  name: string;
  /** null when it could not be created. */
  id: string | null;
  kept: boolean;
  /** Scratch FileSets that could not be deleted (id and why): the user must delete them by hand. */
  leftBehind: { id: string; name: string; error: string }[];
}

/** The probe's whole result. */
export interface ProbeReport {
  /** domo-filesets version that ran the probe. */
  version: string;
  /** ISO time the probe started. */
  startedAt: string;
  scratch: ScratchState;
  checks: CheckResult[];
  /** The signal that stopped the probe early, if any. */
  interrupted?: string;
}

/**
 * The loader's public types: the plan is plain data, and the JSON report of `plan`/`apply --format json`
 * is exactly `Report` (README "JSON output").
 */

/** One file action in a plan. */
export interface PlanAction {
  op: 'upload' | 'replace' | 'delete';
  /** Remote path (directoryPath prefix included). */
  path: string;
  /** Bytes to send (upload/replace) or the remote size (delete). */
  size: number;
  /** SHA-256 hex of the local file (upload/replace) or the remote hash (delete; null when unknown). */
  hash: string | null;
}

/** Counts of a FileSet's plan. */
export interface PlanSummary {
  upload: number;
  replace: number;
  delete: number;
  unchanged: number;
  /** Bytes to upload (upload + replace). */
  bytes: number;
}

/** What apply did for one FileSet. */
export interface ApplyResult {
  uploaded: number;
  replaced: number;
  deleted: number;
  failed: number;
}

/** A guard that refused a FileSet's change (exit 3). */
export interface GuardRefusal {
  guard: 'maxDeletes' | 'maxDeletePercent' | 'emptySource';
  message: string;
}

/** One FileSet in a report. */
export interface FileSetReport {
  name: string;
  /** null when the FileSet does not exist yet (plan) . */
  id: string | null;
  summary: PlanSummary;
  actions: PlanAction[];
  /** Present when the FileSet would be / was created. */
  create?: boolean;
  /** Present when a guard refused the change. */
  refused?: GuardRefusal;
  /** apply only. */
  result?: ApplyResult;
  /** apply only: first error message and how many failed. */
  error?: { message: string; count: number };
}

/** The document printed by `--format json`. */
export interface Report {
  filesets: FileSetReport[];
}

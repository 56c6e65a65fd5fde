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
  /** Present when the FileSet's description would be / was updated to the manifest's. */
  update?: { description: string };
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

/** One FileSet entry of a manifest, validated, with defaults applied and paths made absolute. */
export interface FileSetSpec {
  /** FileSet name: found by exact name (several with the name → error asking for `id`), created when missing. */
  name: string;
  /** Pins the FileSet by id instead of looking it up by name. */
  id?: string;
  description?: string;
  /** Absolute path of the local directory. */
  source: string;
  /** fast-glob patterns relative to source (default ["**\/*"]). */
  include: string[];
  exclude: string[];
  /** Remote prefix this entry owns: no leading/trailing slash, "" = the FileSet's root. */
  directoryPath: string;
  /** Delete remote files under directoryPath that are gone locally (default true). */
  prune: boolean;
  /** Guard: refuse when the plan deletes more files than this. */
  maxDeletes?: number;
  /** Guard: refuse when the plan deletes more than this share (0..100) of the remote files under the prefix (default 50). */
  maxDeletePercent: number;
  /** Let an empty source prune (default false: a source matching nothing never deletes). */
  allowEmpty: boolean;
  /** Include dotfiles (default false). */
  dot: boolean;
  /** 1-based line of the entry in the manifest. */
  line: number;
}

/** A loaded manifest. */
export interface Manifest {
  /** Absolute path of the manifest file. */
  file: string;
  /** Directory of the manifest (relative paths resolve against it). */
  dir: string;
  filesets: FileSetSpec[];
}

/** Progress of a plan or an apply, for progress bars; counters are cumulative within the phase. */
export interface Progress {
  /** scan: hashing local files; upload: sending files; delete: pruning remote files. */
  phase: 'scan' | 'upload' | 'delete';
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/** Called on progress; must not throw (errors from it are ignored). */
export type ProgressCallback = (p: Progress) => void;

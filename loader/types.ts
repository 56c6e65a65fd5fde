/**
 * The loader's public types. Data flows one way: manifest → scan → plan (plain, immutable data that can be
 * saved to a file) → apply (returns an outcome, never edits the plan) → report (reads plan + outcome). The
 * JSON document of `plan`/`apply --format json` is exactly `Report`.
 */

/** Permission a grant gives on a FileSet. */
export type Permission = 'OWNER' | 'EDIT' | 'READ' | 'NONE';

/** A user or a group, as the access API names them. */
export interface Principal {
  type: 'USER' | 'GROUP';
  id: number;
}

/** One access grant of a manifest entry (`access: [{user: 12, permission: READ}]`). */
export interface Grant {
  principal: Principal;
  permission: Exclude<Permission, 'NONE'>;
}

/** One FileSet entry of a manifest, validated, with defaults applied and paths made absolute. */
export interface FileSetSpec {
  /** FileSet name: found by exact name (several with the name → error asking for `id`), created when missing. */
  name: string;
  /** Pins the FileSet by id instead of looking it up by name. */
  id?: string;
  description?: string;
  /** Whether Domo indexes the files for AI search (absent: left as it is; new FileSets default to the server's). */
  aiEnabled?: boolean;
  /** Grants reconciled exactly (grants not listed are revoked, except the owner's); absent: access not managed. */
  access?: Grant[];
  /** User id that must own the FileSet. */
  owner?: number;
  /**
   * Allow `owner` to move ownership away from the token's own user (the tool may lose access). Absent: not
   * given by this entry (another entry of the FileSet may give it; none giving it refuses such a transfer).
   */
  allowOwnerTransfer?: boolean;
  /** Absolute path of the local directory. */
  source: string;
  /** fast-glob patterns relative to source (default ["**\/*"]), normalized (NFC, no "./", no "//"). */
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
  /** Content type by extension (".md" → "text/markdown"), lower-case keys with the dot. */
  contentTypes: Record<string, string>;
  /** 1-based line of the entry in the manifest. */
  line: number;
}

/** A loaded manifest. */
export interface Manifest {
  /** Absolute path of the manifest file. */
  file: string;
  /** Directory of the manifest (relative paths resolve against it). */
  dir: string;
  /** SHA-256 of the manifest as interpolated and validated (what a saved plan was made from). */
  digest: string;
  filesets: FileSetSpec[];
}

// ---------------------------------------------------------------------------------------------------------
// The plan: what apply will do, as data. Every field is JSON, so a plan can be written to a file, reviewed and
// applied later exactly as it was shown.

/** An upload (new path) or replace (path exists remotely with other content) of one local file. */
export interface UploadStep {
  op: 'upload' | 'replace';
  /** Full remote path (prefix included). */
  path: string;
  /** Path relative to the source (NFC). */
  rel: string;
  size: number;
  /** SHA-256 hex of the local file; null when hashing was deferred to the upload (apply's own plans only). */
  hash: string | null;
  /** The file the scan approved: apply opens exactly this inode (no symlink followed, same dev/ino). */
  local: LocalIdentity;
  /** replace: the remote file the plan saw (id, size and SHA-256 or null when the server gave none). */
  remote?: RemoteIdentity;
  /** Content type to declare, from the entry's contentTypes map (absent: the client derives it). */
  contentType?: string;
}

/** Where a local file is and which inode the scan saw. */
export interface LocalIdentity {
  /** Absolute path to open (a symlink inside the source is resolved to its target here). */
  abs: string;
  dev: number;
  ino: number;
  mtimeMs: number;
}

/** A remote file as the plan saw it. */
export interface RemoteIdentity {
  id: string;
  size: number;
  hash: string | null;
}

/** A delete of one remote file or (empty after the plan's own deletes) directory. */
export interface DeleteStep {
  op: 'delete';
  path: string;
  /** Path relative to the prefix. */
  rel: string;
  /** Remote id: deletes go by id, and only for entries positively known to be files or directories. */
  id: string;
  kind: 'file' | 'directory';
  size: number;
  hash: string | null;
  /**
   * 'before' the uploads when an upload needs the path free (a file where a directory must go, or a directory
   * where a file must go); 'after' otherwise, and then only when nothing of the entry failed.
   */
  phase: 'before' | 'after';
}

/** The plan of one manifest entry (one prefix of one FileSet). */
export interface EntryPlan {
  /** 1-based manifest line of the entry (0 for a FileSetFolder). */
  line: number;
  /** Absolute source directory. */
  source: string;
  directoryPath: string;
  /** The normalized include/exclude/dot the entry was planned with (apply re-checks deletes with it). */
  selection: { include: string[]; exclude: string[]; dot: boolean };
  /**
   * Re-check each 'after' delete on disk right before it runs, keeping a file that is back (true for a sync;
   * false for a removal, which deletes what the entry manages whatever is on disk).
   */
  recheckDeletes: boolean;
  uploads: UploadStep[];
  deletes: DeleteStep[];
  unchanged: number;
  /** Remote files under the prefix before the change. */
  remoteCount: number;
  localCount: number;
  /** Files whose remote copy has no SHA-256 and were compared by the hash this tool recorded at upload. */
  unverified: number;
  /** Digests of both sides as planned (a saved plan is stale when either differs at apply). */
  state: { local: string; remote: string };
  /** Set when a guard refused: nothing of this FileSet may change. */
  refused?: GuardRefusal;
  /** Why this entry cannot be planned safely (e.g. a remote entry that is neither a file nor a directory). */
  problems: string[];
}

/** A change to the FileSet itself (not its files). */
export type FileSetChange =
  | { op: 'update'; field: 'description' | 'aiEnabled'; from: string | boolean | null; to: string | boolean }
  | { op: 'grant'; principal: Principal; permission: Exclude<Permission, 'NONE'>; from: Permission | null }
  | { op: 'revoke'; principal: Principal; from: Permission }
  | { op: 'transfer'; from: number | null; to: number };

/** Everything apply does to one FileSet. */
export interface FileSetPlan {
  name: string;
  /** The FileSet's id, or null when it will be created. */
  id: string | null;
  /** Fields of a FileSet to create (only when id is null). */
  create?: { name: string; description?: string; aiEnabled?: boolean };
  /** FileSet-level changes, in the order apply makes them. */
  changes: FileSetChange[];
  entries: EntryPlan[];
  /** The first guard any entry tripped: it blocks the whole FileSet. */
  refused?: GuardRefusal;
}

/** A whole plan (the file `plan --out` writes). */
export interface Plan {
  format: 'domo-filesets-plan';
  version: 1;
  /** The manifest the plan was made from: its path relative to the working directory and its digest. */
  manifest: { file: string; digest: string };
  /** The API base URL the plan was made against. */
  target: string;
  filesets: FileSetPlan[];
}

// ---------------------------------------------------------------------------------------------------------
// The outcome of apply, and the report.

/** One file action in a report. */
export interface PlanAction {
  op: 'upload' | 'replace' | 'delete';
  /** Remote path (directoryPath prefix included). */
  path: string;
  /** Bytes to send (upload/replace) or the remote size (delete). */
  size: number;
  /** SHA-256 hex of the local file (upload/replace) or the remote hash (delete; null when unknown). */
  hash: string | null;
  /** Present for the delete of a directory left empty by the plan. */
  kind?: 'directory';
}

/** One FileSet-level action in a report (`op` update, grant, revoke or transfer). */
export type FileSetAction = FileSetChange;

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

/** A planned change apply did not make, and why (the run then does not exit 0). */
export interface Skipped {
  op: PlanAction['op'] | FileSetChange['op'];
  path?: string;
  reason: string;
}

/** Index state of the files an apply uploaded, after `apply --wait-indexed`. */
export interface IndexSummary {
  completed: number;
  /** Still not indexed when the wait ended. */
  pending: number;
  failed: { path: string; reason: string }[];
  skipped: number;
  /** The deadline passed with files pending. */
  timedOut?: boolean;
  /** The server reports no index status for the files: there was nothing to wait for. */
  unsupported?: boolean;
}

/** One FileSet in a report. */
export interface FileSetReport {
  name: string;
  /** null when the FileSet does not exist yet (plan). */
  id: string | null;
  summary: PlanSummary;
  /** File actions, sorted by path, then FileSet-level actions (update, grant, revoke, transfer). */
  actions: (PlanAction | FileSetAction)[];
  /** Present when the FileSet would be / was created. */
  create?: boolean;
  /** Present when the FileSet's description would be / was updated to the manifest's. */
  update?: { description: string };
  /** Present when a guard refused the change. */
  refused?: GuardRefusal;
  /** Problems that block this FileSet (nothing of it is changed; exit 1). */
  problems?: string[];
  /** Files compared without a server SHA-256 (by the hash recorded at upload); see docs/api-readings.md. */
  unverified?: number;
  /** apply only. */
  result?: ApplyResult;
  /** apply only: first error message and how many failed. */
  error?: { message: string; count: number };
  /** apply only: planned changes that were not made. */
  skipped?: Skipped[];
  /** apply --wait-indexed only. */
  index?: IndexSummary;
  /** apply/destroy --backup-dir: where the files about to be replaced or deleted were saved, and how many. */
  backup?: { dir: string; files: number };
}

/** The document printed by `--format json`. */
export interface Report {
  filesets: FileSetReport[];
  /** Present when a signal stopped the apply early. */
  interrupted?: { signal: string };
  /** The saved plan this report was written to (`plan --out`) or applied from (`apply FILE`), and its SHA-256. */
  savedPlan?: { file: string; digest: string };
}

/** Progress of a plan or an apply, for progress bars; counters are cumulative within the phase. */
export interface Progress {
  /** scan: hashing local files; upload: sending files; delete: pruning remote files; index: waiting for indexing. */
  phase: 'scan' | 'upload' | 'delete' | 'index';
  files: number;
  totalFiles: number;
  bytes: number;
  totalBytes: number;
}

/** Called on progress; must not throw (errors from it are ignored). */
export type ProgressCallback = (p: Progress) => void;

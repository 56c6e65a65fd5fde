/**
 * The planner: a pure function of the local listing, the remote listing and the options. It merges the two
 * sorted listings (as rclone's march does) into only-local / only-remote / both, knows nothing of
 * transfers, and evaluates the safety guards before anything changes. Its output is plain data.
 */
import { excludeMatcher, joinRemote, relativeToPrefix } from './patterns';
import type { GuardRefusal, PlanAction, PlanSummary } from './types';

/** A local file as the planner needs it. */
export interface PlanLocalFile {
  /** Path relative to the source, POSIX, NFC. */
  path: string;
  size: number;
  /** SHA-256 hex; null when the scan deferred it (a file only on the local side: apply hashes it while uploading). */
  hash: string | null;
  /** Absolute path on disk, carried through for the uploader. */
  abs?: string;
  /** Stat fields of the scan, carried through so apply can teach the hash cache a deferred hash. */
  mtimeMs?: number;
  ino?: number;
}

/** A remote file as the planner needs it. */
export interface PlanRemoteFile {
  /** Full remote path. */
  path: string;
  id: string;
  size: number;
  hash: string | null;
}

/** Options of one entry's plan. */
export interface PlanOptions {
  directoryPath: string;
  exclude: readonly string[];
  prune: boolean;
  maxDeletes?: number;
  maxDeletePercent: number;
  allowEmpty: boolean;
}

/** An upload or replace, with what the uploader needs. */
export interface PlannedUpload extends PlanAction {
  op: 'upload' | 'replace';
  /** Null until apply has hashed a file whose hash the scan deferred. */
  hash: string | null;
  /** Path relative to the source. */
  rel: string;
  abs?: string;
  mtimeMs?: number;
  ino?: number;
}

/** A delete, with what the deleter needs. */
export interface PlannedDelete extends PlanAction {
  op: 'delete';
  /** Remote file id (deletes go by id: the path may be ambiguous across shapes, the id is not). */
  id: string;
  /** Path relative to the source (re-checked on disk right before deleting). */
  rel: string;
}

/** The plan of one manifest entry (one prefix of one FileSet). */
export interface EntryPlan {
  directoryPath: string;
  uploads: PlannedUpload[];
  deletes: PlannedDelete[];
  unchanged: number;
  /** Remote files under the prefix before the change. */
  remoteCount: number;
  localCount: number;
  /** Set when a guard refused: nothing of this FileSet may change. */
  refused?: GuardRefusal;
}

/** Plans one entry. Listings need not be sorted; the result's lists are sorted by path. */
export function planEntry(local: readonly PlanLocalFile[], remote: readonly PlanRemoteFile[], opts: PlanOptions): EntryPlan {
  const prefix = opts.directoryPath;
  const isExcluded = excludeMatcher(opts.exclude);
  const locals = local.map((f) => ({ f, full: joinRemote(prefix, f.path) })).sort((a, b) => cmp(a.full, b.full));
  const remotes = remote
    .map((r) => ({ r, rel: relativeToPrefix(prefix, r.path) }))
    .filter((x): x is { r: PlanRemoteFile; rel: string } => x.rel !== null && x.rel !== '')
    .sort((a, b) => cmp(a.r.path, b.r.path));

  const uploads: PlannedUpload[] = [];
  const deletes: PlannedDelete[] = [];
  let unchanged = 0;
  let i = 0;
  let j = 0;
  while (i < locals.length || j < remotes.length) {
    const l = locals[i];
    const r = remotes[j];
    const c = !l ? 1 : !r ? -1 : cmp(l.full, r.r.path);
    if (c < 0) {
      uploads.push(upload('upload', l.full, l.f));
      i += 1;
    } else if (c > 0) {
      if (opts.prune && !isExcluded(r.rel)) {
        deletes.push({ op: 'delete', path: r.r.path, size: r.r.size, hash: r.r.hash, id: r.r.id, rel: r.rel });
      }
      j += 1;
    } else {
      if (r.r.hash !== null && r.r.hash === l.f.hash) unchanged += 1;
      else uploads.push(upload('replace', l.full, l.f));
      i += 1;
      j += 1;
    }
  }
  const plan: EntryPlan = { directoryPath: prefix, uploads, deletes, unchanged, remoteCount: remotes.length, localCount: locals.length };
  const refused = evaluateGuards(plan, opts);
  if (refused) plan.refused = refused;
  return plan;
}

/** The first guard the plan trips, or undefined. Guards only ever concern deletes. */
export function evaluateGuards(
  plan: Pick<EntryPlan, 'deletes' | 'remoteCount' | 'localCount' | 'directoryPath'>,
  opts: Pick<PlanOptions, 'maxDeletes' | 'maxDeletePercent' | 'allowEmpty'>,
): GuardRefusal | undefined {
  const n = plan.deletes.length;
  if (n === 0) return undefined;
  const where = plan.directoryPath === '' ? 'the FileSet' : `'${plan.directoryPath}'`;
  if (plan.localCount === 0 && !opts.allowEmpty) {
    return { guard: 'emptySource', message: `the source matches no file but ${n} remote file(s) under ${where} would be deleted; set allowEmpty: true to allow it` };
  }
  if (opts.maxDeletes !== undefined && n > opts.maxDeletes) {
    return { guard: 'maxDeletes', message: `${n} deletes under ${where} exceed maxDeletes ${opts.maxDeletes}` };
  }
  if (n * 100 > opts.maxDeletePercent * plan.remoteCount) {
    const pct = Math.round((n * 1000) / plan.remoteCount) / 10;
    return { guard: 'maxDeletePercent', message: `${n} of ${plan.remoteCount} remote files under ${where} (${pct}%) would be deleted, more than maxDeletePercent ${opts.maxDeletePercent}` };
  }
  return undefined;
}

/** Summary counts of one or more entry plans. */
export function summarize(plans: readonly EntryPlan[]): PlanSummary {
  const s: PlanSummary = { upload: 0, replace: 0, delete: 0, unchanged: 0, bytes: 0 };
  for (const p of plans) {
    for (const u of p.uploads) {
      if (u.op === 'upload') s.upload += 1;
      else s.replace += 1;
      s.bytes += u.size;
    }
    s.delete += p.deletes.length;
    s.unchanged += p.unchanged;
  }
  return s;
}

/** The report's action list (contract fields only), sorted by path. */
export function actionsOf(plans: readonly EntryPlan[]): PlanAction[] {
  const all: PlanAction[] = [];
  for (const p of plans) {
    for (const u of p.uploads) all.push({ op: u.op, path: u.path, size: u.size, hash: u.hash });
    for (const d of p.deletes) all.push({ op: 'delete', path: d.path, size: d.size, hash: d.hash });
  }
  return all.sort((a, b) => cmp(a.path, b.path));
}

function upload(op: 'upload' | 'replace', full: string, f: PlanLocalFile): PlannedUpload {
  const u: PlannedUpload = { op, path: full, size: f.size, hash: f.hash, rel: f.path };
  if (f.abs !== undefined) u.abs = f.abs;
  if (f.mtimeMs !== undefined) u.mtimeMs = f.mtimeMs;
  if (f.ino !== undefined) u.ino = f.ino;
  return u;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

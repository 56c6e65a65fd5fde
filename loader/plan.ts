/**
 * The planner: a pure function of the local listing, the remote listing and the entry's options. It merges
 * the two sorted listings (as rclone's march does) into only-local / only-remote / both, orders the deletes
 * an upload depends on (a file where a directory must go, a directory where a file must go) before the
 * uploads, prunes directories the plan leaves empty, evaluates the safety guards, and records why an entry
 * cannot be planned safely. It knows nothing of transfers; its output is plain data.
 */
import { createHash } from 'node:crypto';
import { joinRemote, relativeToPrefix } from './prefix';
import type { LocalFile } from './scan';
import type { RemoteEntry } from './remote';
import { selectorOf, type Selection } from './selector';
import type { DeleteStep, EntryPlan, GuardRefusal, PlanAction, PlanSummary, UploadStep } from './types';
import { compareUtf16 } from './order';

/** A remote entry with, for files, how its hash is known. */
export interface PlanRemote extends RemoteEntry {
  /** 'recorded': the server gave no SHA-256; the hash is the one this tool recorded when it uploaded the file. */
  hashFrom?: 'server' | 'recorded' | 'download';
}

/** Options of one entry's plan: where from, where to, which files, and its guards. */
export interface PlanOptions {
  /** 1-based manifest line (0 when not from a manifest). */
  line: number;
  /** Absolute source directory. */
  source: string;
  directoryPath: string;
  selection: Selection;
  prune: boolean;
  maxDeletes?: number;
  maxDeletePercent: number;
  allowEmpty: boolean;
  /** Content type by lower-case extension (".md"). */
  contentTypes?: Record<string, string>;
}

/** Plans one entry. Listings need not be sorted; the result's lists are sorted by path. */
export function planEntry(local: readonly LocalFile[], remote: readonly PlanRemote[], opts: PlanOptions): EntryPlan {
  const prefix = opts.directoryPath;
  const selector = selectorOf(opts.selection);
  const under = (p: string): string => p.slice(prefix === '' ? 0 : prefix.length + 1);
  const locals = local.map((f) => ({ f, full: joinRemote(prefix, f.path) })).sort((a, b) => compareUtf16(a.full, b.full));
  const remotes = remote.filter((r) => relativeToPrefix(prefix, r.path) !== null).sort((a, b) => compareUtf16(a.path, b.path));
  const problems: string[] = [];
  const files = remotes.filter((r) => r.kind === 'file');
  const dirs = remotes.filter((r) => r.kind === 'directory');
  for (const r of remotes) {
    if (r.kind === 'unknown' && !selector.excludes(under(r.path))) {
      problems.push(
        `remote entry '${r.path}' (id ${r.id}) is neither a file nor a directory (${r.shape ?? 'unknown shape'}); it is never deleted or overwritten — remove it or exclude its path`,
      );
    }
  }

  const uploads: UploadStep[] = [];
  const deletes = new Map<string, DeleteStep>();
  let unchanged = 0;
  let unverified = 0;
  let i = 0;
  let j = 0;
  while (i < locals.length || j < files.length) {
    const l = locals[i];
    const r = files[j];
    const c = !l ? 1 : !r ? -1 : compareUtf16(l.full, r.path);
    if (c < 0) {
      uploads.push(uploadStep('upload', l.full, l.f, opts));
      i += 1;
    } else if (c > 0) {
      const rel = under(r.path);
      if (opts.prune && !selector.excludes(rel)) deletes.set(r.path, deleteStep(r, rel, 'after'));
      j += 1;
    } else {
      if (r.hash !== null && r.hash === l.f.hash) {
        unchanged += 1;
        if (r.hashFrom === 'recorded') unverified += 1;
      } else {
        uploads.push({ ...uploadStep('replace', l.full, l.f, opts), remote: { id: r.id, size: r.size, hash: r.hash } });
      }
      i += 1;
      j += 1;
    }
  }

  orderSwaps(uploads, remotes, deletes, { prefix, prune: opts.prune, under, excludes: selector.excludes }, problems);
  pruneEmptyDirectories(
    dirs,
    locals.map((l) => l.full),
    remotes,
    deletes,
    { prune: opts.prune, under, excludes: selector.excludes },
  );

  const deleteList = [...deletes.values()].sort((a, b) => compareUtf16(a.path, b.path));
  const plan: EntryPlan = {
    line: opts.line,
    source: opts.source,
    directoryPath: prefix,
    selection: opts.selection,
    recheckDeletes: true,
    uploads,
    deletes: deleteList,
    unchanged,
    remoteCount: files.length,
    localCount: locals.length,
    unverified,
    state: { local: localDigest(local), remote: remoteDigest(remotes) },
    problems,
  };
  const refused = evaluateGuards(plan, opts);
  if (refused) plan.refused = refused;
  return plan;
}

interface SwapContext {
  prefix: string;
  prune: boolean;
  under: (p: string) => string;
  excludes: (rel: string) => boolean;
}

/**
 * Deletes an upload depends on move to the 'before' phase: a remote file at a parent path of the upload (a
 * directory must go there), and everything under a remote directory at the upload's own path (a file must go
 * there). When such a remote entry is not itself planned for deletion (prune off, excluded path, unknown
 * shape), the upload cannot happen without losing it: that is a problem, never a silent overwrite.
 */
function orderSwaps(
  uploads: readonly UploadStep[],
  remotes: readonly PlanRemote[],
  deletes: Map<string, DeleteStep>,
  ctx: SwapContext,
  problems: string[],
): void {
  const byPath = new Map(remotes.map((r) => [r.path, r]));
  const why = (r: PlanRemote): string =>
    r.kind === 'unknown'
      ? 'its shape is unknown'
      : !ctx.prune
        ? 'prune is off'
        : ctx.excludes(ctx.under(r.path))
          ? 'it is excluded'
          : 'it is not planned for deletion';
  for (const u of uploads) {
    for (const parent of parentsUnder(u.path, ctx.prefix)) {
      const r = byPath.get(parent);
      if (!r || r.kind === 'directory') continue;
      const d = deletes.get(parent);
      if (d) d.phase = 'before';
      else problems.push(`'${u.path}' needs '${parent}' to be a directory, but '${parent}' is a file remotely that this entry does not delete (${why(r)})`);
    }
    const inside = subtree(remotes, u.path);
    if (inside.length === 0 && byPath.get(u.path)?.kind !== 'directory') continue;
    const blocking = inside.filter((r) => r.kind !== 'directory' && !deletes.has(r.path));
    if (blocking.length > 0) {
      problems.push(
        `'${u.path}' is a directory remotely, holding '${blocking[0].path}' that this entry does not delete (${why(blocking[0])}); the local file cannot replace it`,
      );
      continue;
    }
    for (const r of inside) {
      if (r.kind === 'file') deletes.get(r.path)!.phase = 'before';
      else if (r.kind === 'directory') deletes.set(r.path, deleteStep(r, ctx.under(r.path), 'before'));
    }
    const self = byPath.get(u.path);
    if (self?.kind === 'directory') deletes.set(self.path, deleteStep(self, ctx.under(self.path), 'before'));
  }
}

/**
 * With prune on, a remote directory under the prefix that the plan leaves without files (no local file under
 * it, every remote file under it deleted) is deleted too, after the files. Excluded directories stay.
 */
function pruneEmptyDirectories(
  dirs: readonly PlanRemote[],
  localPaths: readonly string[],
  remotes: readonly PlanRemote[],
  deletes: Map<string, DeleteStep>,
  ctx: Omit<SwapContext, 'prefix'>,
): void {
  if (!ctx.prune || dirs.length === 0) return;
  const needed = new Set<string>();
  const addParents = (p: string): void => {
    for (let k = p.lastIndexOf('/'); k > 0; k = p.lastIndexOf('/', k - 1)) {
      const parent = p.slice(0, k);
      if (needed.has(parent)) break;
      needed.add(parent);
    }
  };
  for (const p of localPaths) addParents(p);
  for (const r of remotes) if (r.kind !== 'directory' && !deletes.has(r.path)) addParents(r.path);
  for (const d of dirs) {
    if (needed.has(d.path) || deletes.has(d.path) || ctx.excludes(ctx.under(d.path))) continue;
    deletes.set(d.path, deleteStep(d, ctx.under(d.path), 'after'));
  }
}

/** The parent paths of `path` that lie strictly under the prefix, outermost first. */
function parentsUnder(path: string, prefix: string): string[] {
  const out: string[] = [];
  const start = prefix === '' ? 0 : prefix.length + 1;
  for (let k = path.indexOf('/', start); k > 0; k = path.indexOf('/', k + 1)) out.push(path.slice(0, k));
  return out;
}

/** Remote entries strictly under `dir` (the list is sorted by path). */
function subtree(sorted: readonly PlanRemote[], dir: string): PlanRemote[] {
  const lo = lowerBound(sorted, `${dir}/`);
  const out: PlanRemote[] = [];
  for (let k = lo; k < sorted.length && sorted[k].path.startsWith(`${dir}/`); k += 1) out.push(sorted[k]);
  return out;
}

function lowerBound(sorted: readonly PlanRemote[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].path < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first guard the plan trips, or undefined. Guards only ever concern file deletes. */
function evaluateGuards(
  plan: Pick<EntryPlan, 'deletes' | 'remoteCount' | 'localCount' | 'directoryPath'>,
  opts: Pick<PlanOptions, 'maxDeletes' | 'maxDeletePercent' | 'allowEmpty'>,
): GuardRefusal | undefined {
  const n = plan.deletes.filter((d) => d.kind === 'file').length;
  if (n === 0) return undefined;
  const where = plan.directoryPath === '' ? 'the FileSet' : `'${plan.directoryPath}'`;
  if (plan.localCount === 0 && !opts.allowEmpty) {
    return {
      guard: 'emptySource',
      message: `the source matches no file but ${n} remote file(s) under ${where} would be deleted; set allowEmpty: true to allow it`,
    };
  }
  if (opts.maxDeletes !== undefined && n > opts.maxDeletes) {
    return { guard: 'maxDeletes', message: `${n} deletes under ${where} exceed maxDeletes ${opts.maxDeletes}` };
  }
  if (n * 100 > opts.maxDeletePercent * plan.remoteCount) {
    const pct = Math.round((n * 1000) / plan.remoteCount) / 10;
    return {
      guard: 'maxDeletePercent',
      message: `${n} of ${plan.remoteCount} remote files under ${where} (${pct}%) would be deleted, more than maxDeletePercent ${opts.maxDeletePercent}`,
    };
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

/** The report's file actions (contract fields), sorted by path; `hashes` fills hashes apply learned. */
export function actionsOf(plans: readonly EntryPlan[], hashes?: ReadonlyMap<string, string>): PlanAction[] {
  const all: PlanAction[] = [];
  for (const p of plans) {
    for (const u of p.uploads) all.push({ op: u.op, path: u.path, size: u.size, hash: u.hash ?? hashes?.get(u.path) ?? null });
    for (const d of p.deletes) {
      const a: PlanAction = { op: 'delete', path: d.path, size: d.size, hash: d.hash };
      if (d.kind === 'directory') a.kind = 'directory';
      all.push(a);
    }
  }
  return all.sort((a, b) => compareUtf16(a.path, b.path));
}

/** SHA-256 over the sorted "rel\0hash\n" lines of a local listing (null hashes as "-"). */
function localDigest(local: readonly Pick<LocalFile, 'path' | 'hash'>[]): string {
  const h = createHash('sha256');
  for (const f of [...local].sort((a, b) => compareUtf16(a.path, b.path))) h.update(`${f.path}\0${f.hash ?? '-'}\n`);
  return h.digest('hex');
}

/** SHA-256 over the sorted "path\0kind\0id\0hash\n" lines of a remote listing. */
function remoteDigest(remote: readonly RemoteEntry[]): string {
  const h = createHash('sha256');
  for (const r of [...remote].sort((a, b) => compareUtf16(a.path, b.path))) h.update(`${r.path}\0${r.kind}\0${r.id}\0${r.hash ?? '-'}\n`);
  return h.digest('hex');
}

function uploadStep(op: 'upload' | 'replace', full: string, f: LocalFile, opts: PlanOptions): UploadStep {
  const u: UploadStep = { op, path: full, rel: f.path, size: f.size, hash: f.hash, local: { abs: f.abs, dev: f.dev, ino: f.ino, mtimeMs: f.mtimeMs } };
  const contentType = contentTypeOf(f.path, opts.contentTypes);
  if (contentType !== undefined) u.contentType = contentType;
  return u;
}

/** The entry's declared content type for a path, by its lower-case extension. */
function contentTypeOf(rel: string, map: Record<string, string> | undefined): string | undefined {
  if (!map) return undefined;
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? map[base.slice(dot).toLowerCase()] : undefined;
}

function deleteStep(r: PlanRemote, rel: string, phase: DeleteStep['phase']): DeleteStep {
  return {
    op: 'delete',
    path: r.path,
    rel,
    id: r.id,
    kind: r.kind === 'directory' ? 'directory' : 'file',
    size: r.kind === 'directory' ? 0 : r.size,
    hash: r.hash,
    phase,
  };
}

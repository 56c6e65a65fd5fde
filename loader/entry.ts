/**
 * Planning one entry (one local source → one prefix of one FileSet): scan and list side by side, hash what
 * the comparison needs, learn the hash of remote files the server gave none for, and plan. Read-only towards
 * Domo. Both the manifest planner and the FileSetFolder resource plan through here.
 */
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { forEachPooled } from './pool';
import { joinRemote } from './prefix';
import { planEntry, type PlanOptions, type PlanRemote } from './plan';
import { listRemote, type RemoteEntry } from './remote';
import type { Run } from './run';
import { hashPending, scanSource, type LocalFile } from './scan';
import type { EntryPlan } from './types';

/** What one entry is: where from, where to, which files, and its guards (what the planner takes). */
export type EntryOptions = PlanOptions;

/** What a scan needs of a run (a local-only digest needs no client). */
export type ScanContext = Pick<Run, 'stateDirs' | 'cache' | 'concurrency' | 'hashing' | 'signal' | 'progress' | 'gitBlobs'>;

/** Scans the entry's source (small new files left unhashed with `deferHash`). */
export async function scanEntry(run: ScanContext, opts: EntryOptions, deferHash = false): Promise<LocalFile[]> {
  return scanSource({
    source: opts.source,
    ...opts.selection,
    ignoreDirs: run.stateDirs,
    cache: run.cache,
    blobs: await run.gitBlobs(opts.source),
    concurrency: run.concurrency,
    hashing: run.hashing,
    deferHash,
    onProgress: (p) => run.progress(p),
    ...(run.signal ? { signal: run.signal } : {}),
  });
}

/** Lists what is under the entry's prefix (nothing when the FileSet does not exist yet). */
export function listEntry(run: Run, fileSetId: string | null, opts: EntryOptions): Promise<RemoteEntry[]> {
  return fileSetId === null ? Promise.resolve([]) : listRemote(run.client, fileSetId, opts.directoryPath, run.signal);
}

/**
 * Plans one entry from its scan and listing: hashes the deferred local files that have a remote
 * counterpart, learns missing remote hashes, and runs the planner.
 */
export async function planEntryFrom(
  run: Run,
  fileSetId: string | null,
  opts: EntryOptions,
  scanned: readonly LocalFile[],
  remote: readonly RemoteEntry[],
): Promise<EntryPlan> {
  let local = scanned;
  if (local.some((f) => f.hash === null)) {
    // The planner compares hashes only of paths on both sides: hash those now, the rest while uploading.
    const remotePaths = new Set(remote.map((r) => r.path));
    local = await hashPending(local, (f) => remotePaths.has(joinRemote(opts.directoryPath, f.path)), {
      cache: run.cache,
      concurrency: run.concurrency,
      hashing: run.hashing,
      ...(run.signal ? { signal: run.signal } : {}),
    });
  }
  const known = fileSetId === null ? remote : await withRemoteHashes(run, fileSetId, opts.directoryPath, local, remote);
  return planEntry(local, known, run.maxDeletes !== undefined ? { ...opts, maxDeletes: run.maxDeletes } : opts);
}

/** Scans and lists side by side, then plans; returns the scan too (the folder resource digests it). */
export async function planEntryOf(run: Run, fileSetId: string | null, opts: EntryOptions): Promise<{ local: LocalFile[]; plan: EntryPlan }> {
  const listing = listEntry(run, fileSetId, opts);
  listing.catch(() => undefined); // a scan failure must not leave an unobserved rejection behind
  const local = await scanEntry(run, opts);
  return { local, plan: await planEntryFrom(run, fileSetId, opts, local, await listing) };
}

/**
 * Remote files on both sides whose SHA-256 the server did not give: the hash this tool recorded when it
 * uploaded that file id (same path and size), else — when the sizes agree, so content might too — the hash
 * of a download, recorded for next time. A size difference needs no hash: it is a replace either way.
 */
async function withRemoteHashes(
  run: Run,
  fileSetId: string,
  prefix: string,
  local: readonly LocalFile[],
  remote: readonly PlanRemote[],
): Promise<PlanRemote[]> {
  const sizes = new Map(local.map((f) => [joinRemote(prefix, f.path), f.size]));
  const out = remote.map((r): PlanRemote => (r.kind === 'file' && r.hash !== null ? { ...r, hashFrom: 'server' } : r));
  const todo = out.map((r, i) => ({ r, i })).filter(({ r }) => r.kind === 'file' && r.hash === null && sizes.get(r.path) === r.size);
  await forEachPooled(
    todo,
    run.concurrency,
    async ({ r, i }) => {
      const recorded = run.ledger.recall(run.origin, fileSetId, r);
      if (recorded !== undefined) {
        out[i] = { ...r, hash: recorded, hashFrom: 'recorded' };
        return;
      }
      const h = createHash('sha256');
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          h.update(chunk);
          cb();
        },
      });
      await run.client.downloadFile(fileSetId, { fileId: r.id }, { stream: sink }, { verify: false, ...(run.signal ? { signal: run.signal } : {}) });
      const hash = h.digest('hex');
      run.ledger.record(run.origin, fileSetId, r, hash);
      out[i] = { ...r, hash, hashFrom: 'download' };
    },
    run.signal,
  );
  return out;
}

/**
 * Waiting until the files an apply uploaded are indexed for AI search (`apply --wait-indexed`). Polling costs
 * a few requests per round whatever the number of files: the FileSet's /stats (a cheap gate: nothing pending
 * anywhere means nothing of ours is), then a listing filtered to the files not indexed yet; a final listing
 * reads the outcome of each of our files. Never one request per file.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DomoFilesClient, FileEntry } from '../client';
import type { IndexSummary } from './types';
import { byPath } from './order';

/** Index states a file leaves on its own (COMPLETED, FAILED, SKIPPED are final). */
const NOT_DONE = ['PENDING', 'QUEUED', 'IN_PROGRESS', 'RAG_RECEIVED', 'UNKNOWN'];

/** Options of waitForIndex. */
export interface WaitIndexOptions {
  timeoutMs: number;
  /** First pause between polls; doubles up to maxPollMs (defaults 500 ms and 5 s). */
  pollMs?: number;
  maxPollMs?: number;
  signal?: AbortSignal;
  /** Called after each poll with how many of the files are done. */
  onProgress?: (done: number, total: number) => void;
}

/** What waitForIndex found, with what it cost. */
export interface WaitIndexResult extends IndexSummary {
  /** True when the deadline passed with files still pending. */
  timedOut: boolean;
  /** True when the server gives no index status for the files at all (nothing to wait for). */
  unsupported: boolean;
  polls: number;
  requests: number;
}

function isDone(e: Pick<FileEntry, 'indexStatus'>): boolean {
  return e.indexStatus === 'COMPLETED' || e.indexStatus === 'FAILED' || e.indexStatus === 'SKIPPED';
}

/**
 * Which files to wait for: a set of paths, or every file of the FileSet (after AI was turned on, Domo indexes
 * the files already there too), with how many that is expected to be (for progress).
 */
export type WaitTarget = ReadonlySet<string> | { all: true; size: number };

/** Waits until every file of `target` in the FileSet is COMPLETED, FAILED or SKIPPED, or the deadline passes. */
export async function waitForIndex(client: DomoFilesClient, fileSetId: string, target: WaitTarget, opts: WaitIndexOptions): Promise<WaitIndexResult> {
  const paths = 'all' in target ? { has: () => true, size: target.size } : target;
  const result: WaitIndexResult = { completed: 0, pending: 0, failed: [], skipped: 0, timedOut: false, unsupported: false, polls: 0, requests: 0 };
  if (paths.size === 0) return result;
  const deadline = Date.now() + opts.timeoutMs;
  let pause = opts.pollMs ?? 500;
  let statsWork = true;
  let filterWorks = true;
  for (;;) {
    result.polls += 1;
    let pendingAnywhere = Number.POSITIVE_INFINITY;
    if (statsWork) {
      try {
        result.requests += 1;
        const s = await client.getStats(fileSetId);
        const counts = [s.notIndexedCount, s.indexQueuedCount, s.indexInProgressCount];
        if (counts.every((n) => n === null)) statsWork = false;
        else pendingAnywhere = counts.reduce<number>((a, n) => a + (n ?? 0), 0);
      } catch {
        statsWork = false; // no /stats on this server: the listings alone tell
      }
    }
    // Nothing pending anywhere in the FileSet: nothing of ours is either.
    if (pendingAnywhere === 0) break;
    let ours = 0;
    let silent = 0;
    const filters = filterWorks ? [{ field: 'indexStatus', operator: 'IN' as const, value: [...NOT_DONE] }] : undefined;
    try {
      for await (const page of client.listFilePages(fileSetId, { ...(filters ? { filters } : {}), limit: 1000, filesOnly: true })) {
        result.requests += 1;
        // A server that ignores the filter lists finished files too: only unfinished ones count.
        for (const f of page.files) {
          if (!paths.has(f.path) || isDone(f)) continue;
          ours += 1;
          if (f.indexStatus === null) silent += 1;
        }
      }
    } catch (e) {
      if (!filterWorks || (e as { status?: number }).status !== 400) throw e;
      filterWorks = false; // a server that refuses the filter: list everything instead
      continue;
    }
    opts.onProgress?.(paths.size - ours, paths.size);
    // Files with no index status at all will never get one: the server does not report indexing.
    if (ours === 0 || ours === silent) break;
    if (Date.now() + pause > deadline || opts.signal?.aborted) {
      result.timedOut = !opts.signal?.aborted;
      break;
    }
    await sleep(pause, undefined, opts.signal ? { signal: opts.signal } : {}).catch(() => undefined);
    pause = Math.min(pause * 2, opts.maxPollMs ?? 5000);
  }
  let withStatus = 0;
  for await (const page of client.listFilePages(fileSetId, { limit: 1000, filesOnly: true })) {
    result.requests += 1;
    for (const f of page.files) {
      if (!paths.has(f.path)) continue;
      if (f.indexStatus !== null) withStatus += 1;
      if (f.indexStatus === 'COMPLETED') result.completed += 1;
      else if (f.indexStatus === 'SKIPPED') result.skipped += 1;
      else if (f.indexStatus === 'FAILED') result.failed.push({ path: f.path, reason: f.indexReason ?? 'no reason given' });
      else result.pending += 1;
    }
  }
  result.failed.sort(byPath);
  // Files that carry no index status at all: this server does not report indexing, so there was nothing to wait for.
  if (withStatus === 0 && result.pending > 0) {
    result.unsupported = true;
    result.timedOut = false;
  }
  opts.onProgress?.(paths.size - result.pending, paths.size);
  return result;
}

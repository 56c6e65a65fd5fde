/**
 * The one worker-pool primitive of the loader: a fixed pool of workers pulling the next index of a list.
 * Unlike mapping every item to a queued p-limit job, nothing per item exists before its turn: with tens of
 * thousands of files, the pending promises and closures of a fully queued list were a large part of the heap.
 */

/**
 * Calls `fn` for each item, at most `concurrency` at a time, in list order. The first rejection stops the
 * workers from taking more items and is what the returned promise rejects with (calls already running
 * finish on their own). An aborted `signal` also stops them taking items; the promise then resolves once the
 * running calls settled, and the caller reads `signal.aborted` to know the list was not finished.
 */
export async function forEachPooled<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && !signal?.aborted && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const n = Math.min(items.length, Math.max(1, Math.floor(concurrency)));
  const settled = await Promise.allSettled(Array.from({ length: n }, worker));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
}

/**
 * A count of slots shared by pools nested inside one another (FileSets, then the files of each): each pool
 * bounds its own items, the slots bound their total. `run` waits for a free slot, first come first served.
 */
export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, Math.floor(size));
  }

  /** Calls `fn` in a slot and frees the slot when it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      // A waiter takes the slot over; it is never free in between.
      if (next) next();
      else this.free += 1;
    }
  }
}

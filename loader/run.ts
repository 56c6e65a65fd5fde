/**
 * One run of the loader (a plan, an apply, a folder sync): the client, the limits every stage shares, and the
 * state the run owns — the hash cache and the upload ledger, loaded at the start and saved at the end. Stages
 * receive the run; nothing of it travels inside a plan.
 */
import * as path from 'node:path';
import type { DomoFilesClient } from '../client';
import { LoaderError } from './errors';
import { cleanBlobsUnder, type CleanBlobs } from './git-index';
import { HashCache } from './hash-cache';
import { UploadLedger } from './ledger';
import { Slots } from './pool';
import type { Progress, ProgressCallback } from './types';

/** Default for `concurrency`: files in work at once, as the client's default most requests in flight (it adapts below). */
export const DEFAULT_CONCURRENCY = 64;

/** Options every loader operation takes. */
export interface RunOptions {
  client: DomoFilesClient;
  /**
   * Files hashed at once, and files uploaded or deleted at once, each over the whole run (FileSets and their
   * entries go side by side, sharing the count); requests in flight are the client's own bound — give the
   * client the same number (1–256, default 64).
   */
  concurrency?: number;
  /** Overrides every entry's maxDeletes (the CLI's --max-deletes). */
  maxDeletes?: number;
  /** Where the hash cache and upload ledger live (default: `.domo-filesets` next to the manifest). */
  stateDir?: string;
  onProgress?: ProgressCallback;
  /** Aborting stops the run from starting more work; what already runs settles. */
  signal?: AbortSignal;
  /** Aborting cancels the requests still running (a split upload in flight is aborted). */
  cancel?: AbortSignal;
  /** Download every file about to be replaced or deleted into this directory first (see backup.ts). */
  backupDir?: string;
  /** After applying, wait until the files uploaded are indexed (see index-wait.ts). */
  waitIndexed?: { timeoutMs: number };
}

/** Checks option values before any I/O. */
function validateRunOptions(opts: { concurrency?: number; maxDeletes?: number }): void {
  if (opts.concurrency !== undefined && (!Number.isInteger(opts.concurrency) || opts.concurrency < 1 || opts.concurrency > 256)) {
    throw new LoaderError(`--concurrency must be a whole number from 1 to 256 (got ${String(opts.concurrency)})`);
  }
  if (opts.maxDeletes !== undefined && (!Number.isInteger(opts.maxDeletes) || opts.maxDeletes < 0)) {
    throw new LoaderError(`--max-deletes must be a whole number >= 0 (got ${String(opts.maxDeletes)})`);
  }
}

/** The shared context of one run. */
export class Run {
  /** Files hashed at once, over every scan of the run (FileSets are scanned side by side): `concurrency`. */
  readonly hashing: Slots;
  /** Files uploaded or deleted at once, over every FileSet and entry of the run: `concurrency`. */
  readonly working: Slots;

  private constructor(
    readonly client: DomoFilesClient,
    readonly concurrency: number,
    readonly maxDeletes: number | undefined,
    /** Directories that are never a source: the state directory (and anything inside it). */
    readonly stateDirs: readonly string[],
    readonly cache: HashCache,
    readonly ledger: UploadLedger,
    private readonly onProgress: ProgressCallback | undefined,
    readonly signal: AbortSignal | undefined,
    readonly cancel: AbortSignal | undefined,
    /** Where files are backed up before a replace or delete (absent: no backups). */
    readonly backupDir: string | undefined,
    /** Wait for indexing after applying, and for how long (absent: no wait). */
    readonly waitIndexed: { timeoutMs: number } | undefined,
  ) {
    this.hashing = new Slots(concurrency);
    this.working = new Slots(concurrency);
  }

  /** Opens a run whose state lives in `stateDir` (validated options, cache and ledger loaded). */
  static async open(opts: RunOptions, defaultStateDir: string): Promise<Run> {
    validateRunOptions(opts);
    const stateDir = path.resolve(opts.stateDir ?? defaultStateDir);
    const [cache, ledger] = await Promise.all([HashCache.load(stateDir), UploadLedger.load(stateDir)]);
    return new Run(
      opts.client,
      opts.concurrency ?? DEFAULT_CONCURRENCY,
      opts.maxDeletes,
      [stateDir],
      cache,
      ledger,
      opts.onProgress,
      opts.signal,
      opts.cancel,
      opts.backupDir,
      opts.waitIndexed,
    );
  }

  private readonly blobsBySource = new Map<string, Promise<CleanBlobs>>();

  /** What git knows about a source (clean tracked files' blob ids), asked once per source per run. */
  gitBlobs(source: string): Promise<CleanBlobs> {
    let p = this.blobsBySource.get(source);
    if (!p) {
      p = cleanBlobsUnder(source);
      this.blobsBySource.set(source, p);
    }
    return p;
  }

  /** The API origin, which keys the upload ledger. */
  get origin(): string {
    return this.client.baseUrl;
  }

  /** True once the run was asked to stop. */
  get stopped(): boolean {
    return this.signal?.aborted === true;
  }

  /** Reports progress; a failing renderer never breaks the run. */
  progress(p: Progress): void {
    try {
      this.onProgress?.(p);
    } catch {
      // progress must never break a sync
    }
  }

  /** Saves what the run learnt (hash cache, ledger); never throws. */
  async close(): Promise<void> {
    await Promise.all([this.cache.save(), this.ledger.save()]);
  }
}

/** Shared state of a running emulator, handed to every handler. */
import { randomBytes } from 'node:crypto';
import { ApiError, errors } from './errors';
import { Indexer } from './indexer';
import { QueryIndex } from './query-index';
import type { Readings } from './readings';
import type { Store } from './store/types';

/** Lifetime of a download token. */
const DOWNLOAD_TOKEN_TTL_MS = 5 * 60 * 1000;

interface DownloadGrant {
  fileSetId: string;
  fileId: string;
  expires: number;
}

/** Store, readings, query index, indexer, overwrite policy and download tokens. */
export class App {
  readonly index: QueryIndex;
  readonly indexer: Indexer;
  private readonly grants = new Map<string, DownloadGrant>();

  constructor(
    readonly store: Store,
    readonly readings: Readings,
    readonly overwrite: boolean,
    indexDelayMs: number,
  ) {
    this.index = new QueryIndex(store);
    this.indexer = new Indexer(store, indexDelayMs);
  }

  /** An ISO timestamp with microseconds, as Domo writes them. */
  now(): string {
    return new Date().toISOString().replace('Z', '000Z');
  }

  /** The error for a FileSet, file or path that does not exist, with the status the readings give it. */
  missing(message: string): ApiError {
    return this.readings.missingStatus === 403 ? errors.forbidden(message) : errors.notFound(message);
  }

  /** An opaque token that lets /content serve one file for a few minutes without the developer token. */
  grantDownload(fileSetId: string, fileId: string): string {
    const now = Date.now();
    if (this.grants.size > 10000) for (const [k, g] of this.grants) if (g.expires < now) this.grants.delete(k);
    const token = randomBytes(24).toString('base64url');
    this.grants.set(token, { fileSetId, fileId, expires: now + DOWNLOAD_TOKEN_TTL_MS });
    return token;
  }

  /** Whether the token grants this file. */
  checkDownload(token: string, fileSetId: string, fileId: string): boolean {
    const g = this.grants.get(token);
    if (!g) return false;
    if (g.expires < Date.now()) {
      this.grants.delete(token);
      return false;
    }
    return g.fileSetId === fileSetId && g.fileId === fileId;
  }

  /** Forgets everything: data, download tokens, query indexes and indexing in flight. */
  async clear(): Promise<void> {
    this.grants.clear();
    this.index.clear();
    this.indexer.stop();
    await this.store.clear();
  }
}

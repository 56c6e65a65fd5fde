/** Shared state of a running emulator, handed to every handler. */
import { randomBytes } from 'node:crypto';
import { QueryIndex } from './query-index';
import type { Store } from './store/types';

/** The user every emulated request acts as (Domo answers numeric user ids). */
export const EMULATOR_USER_ID = 27;

/** Lifetime of a download token. */
const DOWNLOAD_TOKEN_TTL_MS = 5 * 60 * 1000;

interface DownloadGrant {
  fileSetId: string;
  fileId: string;
  expires: number;
}

/** Store, query index, overwrite policy and download tokens. */
export class App {
  readonly index: QueryIndex;
  private readonly grants = new Map<string, DownloadGrant>();

  constructor(
    readonly store: Store,
    readonly overwrite: boolean,
  ) {
    this.index = new QueryIndex(store);
  }

  /** An ISO timestamp with microseconds, as Domo writes them. */
  now(): string {
    return new Date().toISOString().replace('Z', '000Z');
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

  async clear(): Promise<void> {
    this.grants.clear();
    this.index.clear();
    await this.store.clear();
  }
}

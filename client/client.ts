import { DEFAULTS, resolveClientConfig } from './config';
import { download } from './download';
import { confirmGone } from './confirm';
import { ConflictError, ForbiddenError, isNotFound, UnconfirmedDeleteError, ValidationError } from './errors';
import { listFilePages, searchBody, type ListingLimits } from './listing';
import { checkedRemotePath, splitRemotePath } from './remote-path';
import { Requester } from './requester';
import { accessBody, anyBody, fileBody, fileSetBody, fileSetPageBody, queryBody, reindexBody, splitFileBody, statsBody } from './shapes';
import { Transport } from './transport';
import type {
  AccessEntry,
  ClientOptions,
  ClientStats,
  CreateFileSetRequest,
  DownloadResult,
  DownloadTarget,
  FileEntry,
  FilePage,
  FileSet,
  FileSetAccess,
  FileSetStats,
  ListFilesOptions,
  QueryMatch,
  QueryRequest,
  ReindexResult,
  SearchFileSetsOptions,
  UpdateFileSetRequest,
  UploadedFile,
  UploadFileRequest,
} from './types';
import { checkStoredPath, sendPart, uploadFile, uploadForm, verifyStored, type SplitLimits } from './upload';
import { usableSha256 } from './normalize';

/** Options of downloadFile beyond the target. */
export interface DownloadOptions {
  /** Verify against this SHA-256 instead of fetching the file's metadata first. */
  expectedSha256?: string;
  /** false: skip verification (and the metadata request). Default true. */
  verify?: boolean;
  signal?: AbortSignal;
}

/** Options of deleteFileSet. */
export interface DeleteFileSetOptions {
  /**
   * When the server refuses to delete a FileSet that still holds files (409), delete its entries one by one
   * and try again. Without it, that 409 is a ConflictError.
   */
  force?: boolean;
  /**
   * The FileSet's name, when known: on a server that answers 403 for a FileSet that does not exist, the
   * delete is confirmed by a search for this name instead of for every FileSet.
   */
  name?: string;
}

const enc = encodeURIComponent;

function positiveInt(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 1) throw new ValidationError(`Client option ${name} must be a positive number, got ${v}`);
  return Math.floor(v);
}

function nonNegative(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isFinite(v) || v < 0) throw new ValidationError(`Client option ${name} must be >= 0, got ${v}`);
  return v;
}

/** Rounds of "empty the FileSet, delete it again" before a forced delete gives up. */
const FORCE_DELETE_ROUNDS = 3;

/**
 * Typed client of Domo's Files API (/api/files/v1) over one undici keep-alive pool.
 * Every method checks the answer's shape (see shapes.ts), normalizes the API's varying response shapes (see
 * normalize.ts), validates every remote path it sends (see remote-path.ts) and throws typed DomoErrors.
 */
export class DomoFilesClient {
  /** The normalized base URL (origin + optional path prefix, no trailing slash). */
  readonly baseUrl: string;
  private readonly transport: Transport;
  private readonly req: Requester;
  private readonly split: SplitLimits;
  private readonly listing: ListingLimits = { maxPageSize: null };

  /** Throws ConfigError for a missing token/base URL or plain http:// to a non-loopback host. */
  constructor(options: ClientOptions = {}) {
    const { baseUrl, token } = resolveClientConfig(options);
    this.baseUrl = baseUrl;
    const r = options.retry ?? {};
    this.split = {
      splitUploadThreshold: positiveInt('splitUploadThreshold', options.splitUploadThreshold, DEFAULTS.splitUploadThreshold),
      splitPartSize: positiveInt('splitPartSize', options.splitPartSize, DEFAULTS.splitPartSize),
    };
    const concurrency =
      options.concurrency !== undefined
        ? positiveInt('concurrency', options.concurrency, DEFAULTS.concurrency)
        : positiveInt('maxConnections', options.maxConnections, DEFAULTS.concurrency);
    this.transport = new Transport({
      baseUrl,
      token,
      concurrency,
      adaptive: options.adaptive ?? true,
      connectTimeoutMs: positiveInt('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs),
      headersTimeoutMs: positiveInt('headersTimeoutMs', options.headersTimeoutMs, DEFAULTS.headersTimeoutMs),
      bodyTimeoutMs: positiveInt('bodyTimeoutMs', options.bodyTimeoutMs, DEFAULTS.bodyTimeoutMs),
      requestTimeoutMs: positiveInt('requestTimeoutMs', options.requestTimeoutMs, DEFAULTS.requestTimeoutMs),
      keepAliveTimeoutMs: DEFAULTS.keepAliveTimeoutMs,
      retry: {
        attempts: positiveInt('retry.attempts', r.attempts, DEFAULTS.retry.attempts),
        baseDelayMs: nonNegative('retry.baseDelayMs', r.baseDelayMs, DEFAULTS.retry.baseDelayMs),
        maxDelayMs: nonNegative('retry.maxDelayMs', r.maxDelayMs, DEFAULTS.retry.maxDelayMs),
        maxRateLimitWaitMs: nonNegative('retry.maxRateLimitWaitMs', r.maxRateLimitWaitMs, DEFAULTS.retry.maxRateLimitWaitMs),
      },
      userAgent: options.userAgent ?? 'domo-filesets-client',
      onRetry: options.onRetry,
    });
    this.req = new Requester(this.transport);
  }

  /** Requests sent, answers throttled, retries, most requests in flight, the current window and pace. */
  stats(): ClientStats {
    return this.transport.stats();
  }

  // ---- FileSets ----

  /**
   * Creates a FileSet. Not retried once the request may have reached the server (a retry could create a
   * second FileSet with the same name); only connection failures before sending and 429 are retried.
   */
  async createFileSet(req: CreateFileSetRequest): Promise<FileSet> {
    if (!req || typeof req.name !== 'string' || req.name.trim() === '') throw new ValidationError('createFileSet needs a non-empty name');
    return this.req.call({ operation: 'createFileSet', idempotency: 'connect-only' }, 'POST', '/filesets', 'json', fileSetBody, { json: req });
  }

  /** GET /filesets/{id}. */
  async getFileSet(id: string): Promise<FileSet> {
    return this.req.call({ operation: 'getFileSet', idempotency: 'idempotent' }, 'GET', `/filesets/${enc(id)}`, 'json', fileSetBody);
  }

  /** POST /filesets/{id}; absent fields are unchanged. Retried: sending the same values twice has the same effect. */
  async updateFileSet(id: string, req: UpdateFileSetRequest): Promise<FileSet> {
    return this.req.call({ operation: 'updateFileSet', idempotency: 'idempotent' }, 'POST', `/filesets/${enc(id)}`, 'json', fileSetBody, { json: req });
  }

  /**
   * DELETE /filesets/{id}: 204, or 200 with a JSON or empty body, is success; 404 throws NotFoundError
   * (callers that treat gone as done catch it). A 409 (a server that does not delete a FileSet holding files)
   * is ConflictError, unless `force`: then the FileSet is emptied entry by entry and deleted again. The
   * delete is then confirmed: a FileSet still found after a few looks is UnconfirmedDeleteError.
   */
  async deleteFileSet(id: string, opts: DeleteFileSetOptions = {}): Promise<void> {
    const once = (): Promise<void> =>
      this.req.call({ operation: 'deleteFileSet', idempotency: 'idempotent' }, 'DELETE', `/filesets/${enc(id)}`, 'json-or-empty', anyBody);
    for (let round = 0; ; round++) {
      try {
        await once();
        break;
      } catch (e) {
        if (!(e instanceof ConflictError) || !opts.force || round >= FORCE_DELETE_ROUNDS) throw e;
      }
      await this.emptyFileSet(id);
    }
    const still = await confirmGone([id], async () => {
      try {
        await this.getFileSet(id);
        return [id];
      } catch (e) {
        if (isNotFound(e)) return [];
        // A server that answers 403 for what does not exist: look for it in the search instead.
        if (!(e instanceof ForbiddenError)) throw e;
      }
      for await (const fs of this.searchFileSets(
        opts.name !== undefined ? { filters: [{ field: 'name', value: [opts.name], operator: 'EQUALS', not: false }] } : {},
      )) {
        if (fs.id === id) return [id];
      }
      return [];
    });
    if (still.length > 0) {
      throw new UnconfirmedDeleteError(`DELETE /filesets/${id} answered success, but the FileSet is still there when looked up again; it was not deleted`, {
        operation: 'deleteFileSet',
        method: 'DELETE',
        path: `/filesets/${id}`,
      });
    }
  }

  /**
   * Deletes every top-level entry of a FileSet (a directory goes with its children), by id. Entries whose
   * ancestor is listed too are left to that ancestor's delete.
   */
  private async emptyFileSet(id: string): Promise<void> {
    const all: FileEntry[] = [];
    for await (const f of this.listFiles(id)) all.push(f);
    const listed = new Set(all.map((f) => f.path));
    const tops = all.filter((f) => {
      if (f.id === '') return false;
      for (let i = f.path.lastIndexOf('/'); i > 0; i = f.path.lastIndexOf('/', i - 1)) if (listed.has(f.path.slice(0, i))) return false;
      return true;
    });
    await Promise.all(
      tops.map((f) =>
        this.deleteFile(id, f.id).catch((e: unknown) => {
          if (!isNotFound(e)) throw e;
        }),
      ),
    );
  }

  /** Pages through POST /filesets/search (offset/limit), yielding FileSets. */
  async *searchFileSets(opts: SearchFileSetsOptions = {}): AsyncIterableIterator<FileSet> {
    const limit = positiveInt('limit', opts.limit, 100);
    let offset = opts.offset ?? 0;
    let previousFirstId: string | undefined;
    for (;;) {
      const page = await this.req.call({ operation: 'listFileSets', idempotency: 'idempotent' }, 'POST', '/filesets/search', 'json', fileSetPageBody, {
        query: { limit, offset },
        json: searchBody(opts),
      });
      const n = page.fileSets.length;
      // A server that ignores offset would repeat the same page forever.
      if (n === 0 || page.fileSets[0].id === previousFirstId) return;
      previousFirstId = page.fileSets[0].id;
      yield* page.fileSets;
      offset += n;
      if (page.total !== null ? offset >= page.total : n < limit) return;
    }
  }

  /** Every FileSet whose name equals `name` exactly (server-side filter, checked again client-side). */
  async findFileSetsByName(name: string): Promise<FileSet[]> {
    const found: FileSet[] = [];
    const filters = [{ field: 'name', value: [name], operator: 'EQUALS' as const, not: false }];
    for await (const fs of this.searchFileSets({ filters })) if (fs.name === name) found.push(fs);
    return found;
  }

  // ---- Access, ownership, indexing ----

  /** GET /filesets/{id}/access: the FileSet's explicit grants (an answer under the older key indexAccess is read too). */
  async getAccess(id: string): Promise<FileSetAccess> {
    return this.req.call({ operation: 'getAccess', idempotency: 'idempotent' }, 'GET', `/filesets/${enc(id)}/access`, 'json', accessBody);
  }

  /**
   * POST /filesets/{id}/access: only the entries sent change; permission NONE revokes an entity's grant.
   * Retried: sending the same grants twice leaves the same access list.
   */
  async updateAccess(id: string, grants: AccessEntry[]): Promise<FileSetAccess> {
    if (!Array.isArray(grants)) throw new ValidationError('updateAccess needs an array of grants');
    for (const g of grants) {
      if (
        !g ||
        !Number.isFinite(g.entityId) ||
        (g.entityType !== 'USER' && g.entityType !== 'GROUP') ||
        !['OWNER', 'EDIT', 'READ', 'NONE'].includes(g.permission)
      ) {
        throw new ValidationError(`Invalid grant ${JSON.stringify(g)}: expected {entityId: number, entityType: USER|GROUP, permission: OWNER|EDIT|READ|NONE}`);
      }
    }
    const fileSetAccess = grants.map((g) => ({ entityId: g.entityId, entityType: g.entityType, permission: g.permission }));
    return this.req.call({ operation: 'updateAccess', idempotency: 'idempotent' }, 'POST', `/filesets/${enc(id)}/access`, 'json', accessBody, {
      json: { fileSetAccess },
    });
  }

  /** POST /filesets/{id}/ownership: `userId` becomes the FileSet's one owner. Retried: a repeat changes nothing. */
  async transferOwnership(id: string, userId: number): Promise<FileSetAccess> {
    if (!Number.isInteger(userId) || userId < 0) throw new ValidationError(`transferOwnership needs a user id (a whole number), got ${String(userId)}`);
    return this.req.call({ operation: 'updateOwnership', idempotency: 'idempotent' }, 'POST', `/filesets/${enc(id)}/ownership`, 'json', accessBody, {
      json: { userId },
    });
  }

  /** GET /filesets/{id}/stats: file type and index status counts (see FileSetStats for the two readings). */
  async getStats(id: string): Promise<FileSetStats> {
    return this.req.call({ operation: 'getFileSetStats', idempotency: 'idempotent' }, 'GET', `/filesets/${enc(id)}/stats`, 'json', statsBody);
  }

  /**
   * POST /filesets/{id}/files/reindex: queues the files for indexing again (ids are sent once each; an empty
   * list sends nothing). Retried: queueing a file twice is queueing it.
   */
  async reindexFiles(id: string, fileIds: string[]): Promise<ReindexResult> {
    const unique = [...new Set(fileIds)];
    if (unique.some((f) => typeof f !== 'string' || f === '')) throw new ValidationError('reindexFiles needs non-empty file ids');
    if (unique.length === 0) return { retriedFilesCount: 0 };
    return this.req.call(
      { operation: 'reindexFileSetFiles', idempotency: 'idempotent' },
      'POST',
      `/filesets/${enc(id)}/files/reindex`,
      'json-or-empty',
      reindexBody,
      {
        json: { fileIds: unique },
      },
    );
  }

  // ---- Files ----

  /**
   * Uploads (or overwrites) one file; split upload at or above splitUploadThreshold, and after a 413 (which
   * lowers the threshold for the rest of the client's life). The stored path must equal the requested one
   * (else PathMismatchError) and the stored content must match what was sent — by SHA-256 with
   * `expectedSha256` when the server has a usable one, else by size (see UploadedFile.verified).
   * Retried when the source is replayable (file or Buffer): the upload overwrites the same path with the
   * same bytes, so a repeat is harmless. A caller's stream is sent once.
   */
  async uploadFile(fileSetId: string, req: UploadFileRequest): Promise<UploadedFile> {
    return uploadFile(this.req, this, this.split, fileSetId, req);
  }

  /**
   * Compares the stored hash with the expected one, fetching the file when `entry` has no usable SHA-256;
   * when the server has none, compares `expectedSize` instead. Throws IntegrityError. For a caller that learns
   * the hash only while the upload runs (hashing the file alongside) and verifies afterwards.
   */
  async verifyUpload(fileSetId: string, remotePath: string, entry: FileEntry, expected: string, expectedSize?: number): Promise<'sha256' | 'size'> {
    const path = splitRemotePath(remotePath).path;
    return verifyStored(this, fileSetId, path, entry, { sha256: expected, size: expectedSize });
  }

  /** Creates a directory (and its parents) by uploading with only a directoryPath. Retried: an existing directory is returned as is. */
  async createDirectory(fileSetId: string, path: string): Promise<FileEntry> {
    const directoryPath = checkedRemotePath(path, { what: 'directory path' });
    const entry = await this.req.multipart(
      { operation: 'createFile', idempotency: 'idempotent' },
      `/filesets/${enc(fileSetId)}/files`,
      uploadForm(directoryPath),
      'json',
      fileBody,
    );
    checkStoredPath(directoryPath, entry, 'createFile');
    return entry;
  }

  /**
   * Pages of POST /files/search; ends when next is null or the token just sent (the API's end marker). A
   * cursor that comes back, or a page without new paths, is PaginationError. A 400 to a page size over 100
   * is retried with 100, which the client then keeps.
   */
  listFilePages(fileSetId: string, opts: ListFilesOptions = {}): AsyncIterableIterator<FilePage> {
    return listFilePages(this.req, this.listing, fileSetId, positiveInt('limit', opts.limit, 100), opts);
  }

  /** Entries of every page (directories too unless opts.filesOnly). */
  async *listFiles(fileSetId: string, opts: ListFilesOptions = {}): AsyncIterableIterator<FileEntry> {
    for await (const page of this.listFilePages(fileSetId, opts)) yield* page.files;
  }

  /** GET /filesets/{id}/files/{fileId}. */
  async getFile(fileSetId: string, fileId: string): Promise<FileEntry> {
    return this.req.call({ operation: 'getFile', idempotency: 'idempotent' }, 'GET', `/filesets/${enc(fileSetId)}/files/${enc(fileId)}`, 'json', fileBody);
  }

  /** GET /filesets/{id}/path?path=… (File or Directory). */
  async getFileByPath(fileSetId: string, path: string): Promise<FileEntry> {
    return this.req.call({ operation: 'getFileByPath', idempotency: 'idempotent' }, 'GET', `/filesets/${enc(fileSetId)}/path`, 'json', fileBody, {
      query: { path: checkedRemotePath(path) },
    });
  }

  /**
   * Follows the 302 (without the token to another origin), streams to the target, verifies SHA-256 when known:
   * opts.expectedSha256, else the file's metadata hash (one extra GET) unless opts.verify is false.
   * A file target is written atomically (temp + rename); a stream target is not ended.
   */
  async downloadFile(
    fileSetId: string,
    ref: { fileId: string } | { path: string },
    target: DownloadTarget,
    opts: DownloadOptions = {},
  ): Promise<DownloadResult> {
    const byPath = 'path' in ref ? checkedRemotePath(ref.path) : undefined;
    let expected: string | null = opts.expectedSha256 ? opts.expectedSha256.toLowerCase() : null;
    if (!expected && opts.verify !== false) {
      const meta = byPath === undefined ? await this.getFile(fileSetId, (ref as { fileId: string }).fileId) : await this.getFileByPath(fileSetId, byPath);
      if (meta.kind === 'directory') throw new ValidationError(`Cannot download ${meta.path || 'the path'}: it is a directory`);
      expected = usableSha256(meta);
    }
    const start =
      byPath === undefined
        ? this.transport.urlOf(`/filesets/${enc(fileSetId)}/files/${enc((ref as { fileId: string }).fileId)}/download`)
        : this.transport.urlOf(`/filesets/${enc(fileSetId)}/path/download`, { path: byPath });
    return download({
      transport: this.transport,
      start,
      target,
      expectedSha256: expected,
      signal: opts.signal,
      operation: byPath === undefined ? 'download' : 'downloadByPath',
    });
  }

  /** DELETE by id; a directory goes with its children. 404 → NotFoundError (after a retried delete, it may mean "done"). */
  async deleteFile(fileSetId: string, fileId: string): Promise<void> {
    await this.req.call(
      { operation: 'deleteFile', idempotency: 'idempotent' },
      'DELETE',
      `/filesets/${enc(fileSetId)}/files/${enc(fileId)}`,
      'json-or-empty',
      anyBody,
    );
  }

  /** DELETE by path; a directory goes with its children. 404 → NotFoundError. */
  async deleteFileByPath(fileSetId: string, path: string): Promise<void> {
    const p = checkedRemotePath(path, { what: 'path to delete' });
    await this.req.call({ operation: 'deleteFileByPath', idempotency: 'idempotent' }, 'DELETE', `/filesets/${enc(fileSetId)}/path`, 'json-or-empty', anyBody, {
      query: { path: p },
    });
  }

  /** POST /query; the prefix is sent under both documented names (directoryPath, pathPrefixFilter). Read-only, so retried. */
  async query(fileSetId: string, req: QueryRequest): Promise<QueryMatch[]> {
    const body: Record<string, unknown> = { query: req.query };
    if (req.topK !== undefined) body.topK = req.topK;
    const prefix = req.directoryPath === undefined ? '' : checkedRemotePath(req.directoryPath, { allowEmpty: true, what: 'directoryPath' });
    if (prefix !== '') {
      body.directoryPath = prefix;
      body.pathPrefixFilter = prefix;
    }
    return this.req.call({ operation: 'queryFileSet', idempotency: 'idempotent' }, 'POST', `/filesets/${enc(fileSetId)}/query`, 'json', queryBody, {
      json: body,
    });
  }

  // ---- Split upload (uploadFile drives them; exposed for callers that need control) ----

  /** Not retried after it may have reached the server: a repeat would start a second upload (or 409). */
  async initiateSplitUpload(fileSetId: string, path: string): Promise<FileEntry> {
    const p = splitRemotePath(path).path;
    return this.req.call(
      { operation: 'initiateSplitFileUpload', idempotency: 'connect-only' },
      'POST',
      `/filesets/${enc(fileSetId)}/files/multipart`,
      'json',
      (v) => splitFileBody(v, false),
      { json: { path: p } },
    );
  }

  /** Retried: re-sending the same part number replaces that part. */
  async uploadSplitPart(fileSetId: string, fileId: string, partNumber: number, body: Buffer): Promise<void> {
    await sendPart(this.req, fileSetId, fileId, partNumber, { kind: 'buffer', buffer: body });
  }

  /** Not blindly retried: after a lost response the upload may already be final (a repeat answers 404/409). */
  async finalizeSplitUpload(fileSetId: string, fileId: string): Promise<FileEntry> {
    return this.req.call(
      { operation: 'finalizeSplitFileUpload', idempotency: 'connect-only' },
      'POST',
      `/filesets/${enc(fileSetId)}/files/multipart/${enc(fileId)}/finalize`,
      'json',
      (v) => splitFileBody(v, true),
    );
  }

  /** Retried: aborting twice leaves the same state (the second may answer 404). */
  async abortSplitUpload(fileSetId: string, fileId: string): Promise<void> {
    await this.req.call(
      { operation: 'abortSplitFileUpload', idempotency: 'idempotent' },
      'POST',
      `/filesets/${enc(fileSetId)}/files/multipart/${enc(fileId)}/abort`,
      'json-or-empty',
      anyBody,
    );
  }

  /** Rejects requests still waiting to start and closes the connection pool. */
  close(): Promise<void> {
    return this.transport.close();
  }
}

import { lookup as mimeLookup } from 'mime-types';
import { DEFAULTS, resolveClientConfig } from './config';
import { download } from './download';
import { ConflictError, HttpError, IntegrityError, NotFoundError, ValidationError } from './errors';
import { buildMultipart, type FormPart, type PartData } from './multipart';
import {
  normalizeFile,
  normalizeFilePage,
  normalizeFileSet,
  normalizeFileSetPage,
  normalizeQueryResponse,
  unwrapSplitFile,
} from './normalize';
import type { Idempotency } from './retry-policy';
import { Transport, type Query } from './transport';
import type {
  ClientOptions,
  CreateFileSetRequest,
  DownloadResult,
  DownloadTarget,
  FileEntry,
  FilePage,
  FileSet,
  ListFilesOptions,
  QueryMatch,
  QueryRequest,
  SearchBody,
  SearchFileSetsOptions,
  UpdateFileSetRequest,
  UploadFileRequest,
} from './types';
import { describeSource, normalizeRemotePath, splitParts, splitRemotePath } from './upload-source';

/** Options of downloadFile beyond the target. */
export interface DownloadOptions {
  /** Verify against this SHA-256 instead of fetching the file's metadata first. */
  expectedSha256?: string;
  /** false: skip verification (and the metadata request). Default true. */
  verify?: boolean;
  signal?: AbortSignal;
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

function searchBody(opts: SearchBody | undefined): SearchBody {
  const body: SearchBody = {};
  if (opts?.fieldSort) body.fieldSort = opts.fieldSort;
  if (opts?.filters) body.filters = opts.filters;
  if (opts?.dateFilters) body.dateFilters = opts.dateFilters;
  return body;
}

/** Split-upload parts of a file sent at once (Domo assembles parts by number, whatever their order). */
const SPLIT_PARTS_IN_FLIGHT = 3;

/**
 * Sends the parts (numbered from 1) with at most `inFlight` at a time. After the first failure no new part
 * starts; the parts already sent are awaited (so an abort never races them) and the first error is thrown.
 */
async function forEachPart(parts: AsyncIterable<PartData>, inFlight: number, send: (part: PartData, partNumber: number) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let firstError: { e: unknown } | undefined;
  let partNumber = 0;
  for await (const part of parts) {
    if (firstError) break;
    const n = ++partNumber;
    const p: Promise<void> = send(part, n).then(
      () => { running.delete(p); },
      (e: unknown) => {
        running.delete(p);
        firstError ??= { e };
      },
    );
    running.add(p);
    if (running.size >= inFlight) await Promise.race(running);
    if (firstError) break;
  }
  await Promise.all(running);
  if (firstError) throw firstError.e;
}

function isSha256Hex(h: string | null): h is string {
  return !!h && /^[0-9a-f]{64}$/.test(h);
}

/**
 * Typed client of Domo's Files API (/api/files/v1) over one undici keep-alive pool.
 * Every method normalizes the API's varying response shapes (see normalize.ts) and throws typed DomoErrors.
 */
export class DomoFilesClient {
  /** The normalized base URL (origin + optional path prefix, no trailing slash). */
  readonly baseUrl: string;
  private readonly transport: Transport;
  private readonly splitUploadThreshold: number;
  private readonly splitPartSize: number;

  /** Throws ConfigError for a missing token/base URL or plain http:// to a non-loopback host. */
  constructor(options: ClientOptions = {}) {
    const { baseUrl, token } = resolveClientConfig(options);
    this.baseUrl = baseUrl;
    const r = options.retry ?? {};
    this.splitUploadThreshold = positiveInt('splitUploadThreshold', options.splitUploadThreshold, DEFAULTS.splitUploadThreshold);
    this.splitPartSize = positiveInt('splitPartSize', options.splitPartSize, DEFAULTS.splitPartSize);
    this.transport = new Transport({
      baseUrl,
      token,
      maxConnections: positiveInt('maxConnections', options.maxConnections, DEFAULTS.maxConnections),
      connectTimeoutMs: positiveInt('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs),
      headersTimeoutMs: positiveInt('headersTimeoutMs', options.headersTimeoutMs, DEFAULTS.headersTimeoutMs),
      bodyTimeoutMs: positiveInt('bodyTimeoutMs', options.bodyTimeoutMs, DEFAULTS.bodyTimeoutMs),
      keepAliveTimeoutMs: DEFAULTS.keepAliveTimeoutMs,
      retry: {
        attempts: positiveInt('retry.attempts', r.attempts, DEFAULTS.retry.attempts),
        baseDelayMs: nonNegative('retry.baseDelayMs', r.baseDelayMs, DEFAULTS.retry.baseDelayMs),
        maxDelayMs: nonNegative('retry.maxDelayMs', r.maxDelayMs, DEFAULTS.retry.maxDelayMs),
      },
      userAgent: options.userAgent ?? 'domo-filesets-client',
      onRetry: options.onRetry,
    });
  }

  private call(method: 'GET' | 'POST' | 'DELETE', path: string, idempotency: Idempotency, init: { query?: Query; json?: unknown; signal?: AbortSignal } = {}): Promise<unknown> {
    const body = init.json === undefined ? undefined : JSON.stringify(init.json);
    return this.transport.json(
      {
        method,
        path,
        query: init.query,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : () => body,
        signal: init.signal,
      },
      idempotency,
    );
  }

  private multipart(path: string, parts: FormPart[], idempotency: Idempotency, signal?: AbortSignal): Promise<unknown> {
    const mp = buildMultipart(parts);
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': mp.contentType };
    if (mp.contentLength !== undefined) headers['content-length'] = String(mp.contentLength);
    const whole = mp.toBuffer();
    return this.transport.json(
      { method: 'POST', path, headers, body: whole ? () => whole : () => mp.render(), signal },
      mp.replayable ? idempotency : 'never',
    );
  }

  private static requireBody(raw: unknown, what: string): unknown {
    if (raw === undefined || raw === null || typeof raw !== 'object') {
      throw new HttpError(`Empty or non-JSON response to ${what}`, {});
    }
    return raw;
  }

  // ---- FileSets ----

  /**
   * Creates a FileSet. Not retried once the request may have reached the server (a retry could create a
   * second FileSet with the same name); only connection failures before sending and 429 are retried.
   */
  async createFileSet(req: CreateFileSetRequest): Promise<FileSet> {
    if (!req || typeof req.name !== 'string' || req.name.trim() === '') throw new ValidationError('createFileSet needs a non-empty name');
    const raw = await this.call('POST', '/filesets', 'connect-only', { json: req });
    return normalizeFileSet(DomoFilesClient.requireBody(raw, 'POST /filesets'));
  }

  /** GET /filesets/{id}. */
  async getFileSet(id: string): Promise<FileSet> {
    return normalizeFileSet(await this.call('GET', `/filesets/${enc(id)}`, 'idempotent'));
  }

  /** POST /filesets/{id}; absent fields are unchanged. Retried: sending the same values twice has the same effect. */
  async updateFileSet(id: string, req: UpdateFileSetRequest): Promise<FileSet> {
    return normalizeFileSet(await this.call('POST', `/filesets/${enc(id)}`, 'idempotent', { json: req }));
  }

  /** Any 2xx is success; 404 throws NotFoundError (callers that treat gone as done catch it). */
  async deleteFileSet(id: string): Promise<void> {
    await this.call('DELETE', `/filesets/${enc(id)}`, 'idempotent');
  }

  /** Pages through POST /filesets/search (offset/limit), yielding FileSets. */
  async *searchFileSets(opts: SearchFileSetsOptions = {}): AsyncIterableIterator<FileSet> {
    const limit = positiveInt('limit', opts.limit, 100);
    let offset = opts.offset ?? 0;
    let previousFirstId: string | undefined;
    for (;;) {
      const raw = await this.call('POST', '/filesets/search', 'idempotent', { query: { limit, offset }, json: searchBody(opts) });
      const page = normalizeFileSetPage(raw);
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

  // ---- Files ----

  /**
   * Uploads (or overwrites) one file; split upload at or above splitUploadThreshold.
   * Retried when the source is replayable (file path or Buffer): the upload overwrites the same path with the
   * same bytes, so a repeat is harmless. A caller's stream is sent once (a retry would send consumed bytes).
   */
  async uploadFile(fileSetId: string, req: UploadFileRequest): Promise<FileEntry> {
    const { path, directoryPath, name } = splitRemotePath(req.path);
    const src = await describeSource(req.source);
    const contentType = req.contentType ?? (mimeLookup(name) || 'application/octet-stream');
    let entry: FileEntry;
    if (src.size !== undefined && src.size >= this.splitUploadThreshold) {
      entry = await this.splitUpload(fileSetId, path, src.data, req.signal);
    } else {
      const raw = await this.multipart(
        `/filesets/${enc(fileSetId)}/files`,
        [
          // Metadata first, so a streaming server knows the directory before the bytes arrive.
          { name: 'createFileRequest', data: { kind: 'buffer', buffer: Buffer.from(JSON.stringify({ directoryPath })) } },
          { name: 'file', filename: name, contentType, data: src.data },
        ],
        src.replayable ? 'idempotent' : 'never',
        req.signal,
      );
      entry = normalizeFile(DomoFilesClient.requireBody(raw, `upload of ${path}`));
    }
    if (req.expectedSha256) await this.verifyUpload(fileSetId, path, entry, req.expectedSha256);
    return entry;
  }

  /**
   * Compares the stored hash with the expected one; fetches the file when the upload response had no hash
   * (seed shape). Throws IntegrityError. uploadFile calls it for expectedSha256; a caller that learns the hash
   * only while the upload runs (hashing the file alongside) calls it afterwards.
   */
  async verifyUpload(fileSetId: string, remotePath: string, entry: FileEntry, expected: string): Promise<void> {
    const path = splitRemotePath(remotePath).path;
    const want = expected.toLowerCase();
    let got = isSha256Hex(entry.hash) && entry.hashAlgorithm !== 'SHA_1' && entry.hashAlgorithm !== 'MD5' ? entry.hash : null;
    if (got === null) {
      const fetched = await this.getFileByPath(fileSetId, path);
      got = isSha256Hex(fetched.hash) ? fetched.hash : null;
    }
    if (got === null) {
      throw new IntegrityError(`Cannot verify upload of ${path}: the server reported no SHA-256`, { expected: want });
    }
    if (got !== want) {
      throw new IntegrityError(`SHA-256 mismatch after uploading ${path}: expected ${want}, server has ${got}`, { expected: want, actual: got });
    }
  }

  /**
   * The split upload never overwrites (409 at initiate). To keep uploadFile's "upload or overwrite" meaning, an
   * existing *file* at the path is deleted and the upload initiated again; a directory is never deleted. A
   * failure after that delete leaves the path empty (the next apply uploads it again).
   */
  private async initiateReplacing(fileSetId: string, path: string): Promise<FileEntry> {
    try {
      return await this.initiateSplitUpload(fileSetId, path);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const existing = await this.getFileByPath(fileSetId, path).catch((e: unknown) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      });
      if (existing?.isDirectory) throw err;
      if (existing) {
        await this.deleteFileByPath(fileSetId, path).catch((e: unknown) => {
          if (!(e instanceof NotFoundError)) throw e;
        });
      }
      return this.initiateSplitUpload(fileSetId, path);
    }
  }

  private async splitUpload(fileSetId: string, path: string, data: PartData, signal?: AbortSignal): Promise<FileEntry> {
    const started = await this.initiateReplacing(fileSetId, path);
    try {
      // Parts read lazily from a file go out a few at a time: each one waits on the server's parsing and
      // storing, and the disk read of the next overlaps it. Parts cut from a stream or a buffer go one by
      // one, so at most one part is held in memory and part failures surface in order.
      await forEachPart(splitParts(data, this.splitPartSize), data.kind === 'file' ? SPLIT_PARTS_IN_FLIGHT : 1, (part, partNumber) =>
        this.sendPart(fileSetId, started.id, partNumber, part, signal));
      return await this.finalizeSplitUpload(fileSetId, started.id);
    } catch (err) {
      // Leave no half-assembled upload behind; the original error is what the caller needs.
      await this.abortSplitUpload(fileSetId, started.id).catch(() => undefined);
      throw err;
    }
  }

  /** Creates a directory (and its parents) by uploading with only a directoryPath. Retried: an existing directory is returned as is. */
  async createDirectory(fileSetId: string, path: string): Promise<FileEntry> {
    const directoryPath = normalizeRemotePath(path);
    if (directoryPath === '') throw new ValidationError('createDirectory needs a non-empty path');
    const raw = await this.multipart(
      `/filesets/${enc(fileSetId)}/files`,
      [{ name: 'createFileRequest', data: { kind: 'buffer', buffer: Buffer.from(JSON.stringify({ directoryPath })) } }],
      'idempotent',
    );
    return normalizeFile(DomoFilesClient.requireBody(raw, `create directory ${directoryPath}`));
  }

  /**
   * Pages of POST /files/search; stops when next is null or repeats the token just sent (the API's end
   * marker), or repeats any earlier token (a cycle would never end).
   */
  async *listFilePages(fileSetId: string, opts: ListFilesOptions = {}): AsyncIterableIterator<FilePage> {
    const limit = positiveInt('limit', opts.limit, 100);
    const directoryPath = opts.directoryPath === undefined ? undefined : normalizeRemotePath(opts.directoryPath);
    const sent = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const query: Query = {
        directoryPath: directoryPath === '' ? undefined : directoryPath,
        immediateChildren: opts.immediateChildren,
        limit,
        next: cursor,
      };
      const raw = await this.call('POST', `/filesets/${enc(fileSetId)}/files/search`, 'idempotent', {
        query, json: searchBody(opts), signal: opts.signal,
      });
      const page = normalizeFilePage(raw);
      const done = page.next === null || page.next === cursor || sent.has(page.next);
      const files = opts.filesOnly ? page.files.filter((f) => !f.isDirectory) : page.files;
      yield { files, next: done ? null : page.next };
      if (done || page.next === null) return;
      if (cursor !== undefined) sent.add(cursor);
      cursor = page.next;
    }
  }

  /** Entries of every page (directories too unless opts.filesOnly). */
  async *listFiles(fileSetId: string, opts: ListFilesOptions = {}): AsyncIterableIterator<FileEntry> {
    for await (const page of this.listFilePages(fileSetId, opts)) yield* page.files;
  }

  /** GET /filesets/{id}/files/{fileId}. */
  async getFile(fileSetId: string, fileId: string): Promise<FileEntry> {
    return normalizeFile(await this.call('GET', `/filesets/${enc(fileSetId)}/files/${enc(fileId)}`, 'idempotent'));
  }

  /** GET /filesets/{id}/path?path=… (File or Directory). */
  async getFileByPath(fileSetId: string, path: string): Promise<FileEntry> {
    return normalizeFile(await this.call('GET', `/filesets/${enc(fileSetId)}/path`, 'idempotent', { query: { path: normalizeRemotePath(path) } }));
  }

  /**
   * Follows the 302 (without the token to another origin), streams to the target, verifies SHA-256 when known:
   * opts.expectedSha256, else the file's metadata hash (one extra GET) unless opts.verify is false.
   * A file target is written atomically (temp + rename); a stream target is not ended.
   */
  async downloadFile(fileSetId: string, ref: { fileId: string } | { path: string }, target: DownloadTarget, opts: DownloadOptions = {}): Promise<DownloadResult> {
    let expected: string | null = opts.expectedSha256 ? opts.expectedSha256.toLowerCase() : null;
    if (!expected && opts.verify !== false) {
      const meta = 'fileId' in ref ? await this.getFile(fileSetId, ref.fileId) : await this.getFileByPath(fileSetId, ref.path);
      if (meta.isDirectory) throw new ValidationError(`Cannot download ${meta.path || 'the path'}: it is a directory`);
      if (isSha256Hex(meta.hash) && (meta.hashAlgorithm === null || meta.hashAlgorithm === 'SHA_256_HEX')) expected = meta.hash;
    }
    const start = 'fileId' in ref
      ? this.transport.urlOf(`/filesets/${enc(fileSetId)}/files/${enc(ref.fileId)}/download`)
      : this.transport.urlOf(`/filesets/${enc(fileSetId)}/path/download`, { path: normalizeRemotePath(ref.path) });
    return download({ transport: this.transport, start, target, expectedSha256: expected, signal: opts.signal });
  }

  /** DELETE by id; a directory goes with its children. 404 → NotFoundError (after a retried delete, it may mean "done"). */
  async deleteFile(fileSetId: string, fileId: string): Promise<void> {
    await this.call('DELETE', `/filesets/${enc(fileSetId)}/files/${enc(fileId)}`, 'idempotent');
  }

  /** DELETE by path; a directory goes with its children. 404 → NotFoundError. */
  async deleteFileByPath(fileSetId: string, path: string): Promise<void> {
    const p = normalizeRemotePath(path);
    if (p === '') throw new ValidationError('deleteFileByPath needs a non-empty path (refusing to address the FileSet root)');
    await this.call('DELETE', `/filesets/${enc(fileSetId)}/path`, 'idempotent', { query: { path: p } });
  }

  /** POST /query; the prefix is sent under both documented names (directoryPath, pathPrefixFilter). Read-only, so retried. */
  async query(fileSetId: string, req: QueryRequest): Promise<QueryMatch[]> {
    const body: Record<string, unknown> = { query: req.query };
    if (req.topK !== undefined) body.topK = req.topK;
    if (req.directoryPath !== undefined && req.directoryPath !== '') {
      const p = normalizeRemotePath(req.directoryPath);
      body.directoryPath = p;
      body.pathPrefixFilter = p;
    }
    return normalizeQueryResponse(await this.call('POST', `/filesets/${enc(fileSetId)}/query`, 'idempotent', { json: body }));
  }

  // ---- Split upload (uploadFile drives them; exposed for callers that need control) ----

  /** Not retried after it may have reached the server: a repeat would start a second upload (or 409). */
  async initiateSplitUpload(fileSetId: string, path: string): Promise<FileEntry> {
    const p = splitRemotePath(path).path;
    const raw = await this.call('POST', `/filesets/${enc(fileSetId)}/files/multipart`, 'connect-only', { json: { path: p } });
    return unwrapSplitFile(DomoFilesClient.requireBody(raw, `initiate split upload of ${p}`));
  }

  /** Retried: re-sending the same part number replaces that part. */
  async uploadSplitPart(fileSetId: string, fileId: string, partNumber: number, body: Buffer): Promise<void> {
    await this.sendPart(fileSetId, fileId, partNumber, { kind: 'buffer', buffer: body });
  }

  private async sendPart(fileSetId: string, fileId: string, partNumber: number, data: PartData, signal?: AbortSignal): Promise<void> {
    if (!Number.isInteger(partNumber) || partNumber < 0) throw new ValidationError(`Invalid part number ${partNumber}`);
    await this.multipart(
      `/filesets/${enc(fileSetId)}/files/multipart/${enc(fileId)}/part/${partNumber}`,
      [{ name: 'part', filename: `part-${partNumber}`, contentType: 'application/octet-stream', data }],
      'idempotent',
      signal,
    );
  }

  /** Not blindly retried: after a lost response the upload may already be final (a repeat answers 404/409). */
  async finalizeSplitUpload(fileSetId: string, fileId: string): Promise<FileEntry> {
    const raw = await this.call('POST', `/filesets/${enc(fileSetId)}/files/multipart/${enc(fileId)}/finalize`, 'connect-only');
    return unwrapSplitFile(DomoFilesClient.requireBody(raw, 'finalize split upload'));
  }

  /** Retried: aborting twice leaves the same state (the second may answer 404). */
  async abortSplitUpload(fileSetId: string, fileId: string): Promise<void> {
    await this.call('POST', `/filesets/${enc(fileSetId)}/files/multipart/${enc(fileId)}/abort`, 'idempotent');
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.transport.close();
  }
}

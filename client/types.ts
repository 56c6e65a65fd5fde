/**
 * The client's public, normalized types. The wire shapes of Domo's Files API vary between its documents
 * (the current OpenAPI spec and older references); the client accepts all of them and returns only these.
 */

/** Permission of the calling user on a FileSet. */
export type FileSetPermission = 'OWNER' | 'EDIT' | 'READ' | 'NONE';

/** Connector context of a FileSet (for FileSets backed by an external connector). */
export interface ConnectorContext {
  connector: string;
  relativePath?: string | null;
}

/** A FileSet, normalized: absent fields are null, timestamps are ISO-8601 strings. */
export interface FileSet {
  id: string;
  name: string;
  description: string | null;
  aiEnabled: boolean | null;
  indexStatus: string | null;
  batchType: string | null;
  connector: string | null;
  /** ISO-8601, normalized from ISO or epoch milliseconds. */
  created: string | null;
  createdBy: string | null;
  updated: string | null;
  updatedBy: string | null;
  owner: string | null;
  accountId: number | null;
  connectorContext: ConnectorContext | null;
  permission: FileSetPermission | string | null;
  size: number | null;
  fileCount: number | null;
}

/** fileType values documented by Domo (an older reference also shows FILE); DIRECTORY for directories. */
export type FileType = 'TEXT' | 'DOCUMENT' | 'IMAGE' | 'AUDIO' | 'VIDEO' | 'OTHER' | 'UNKNOWN' | 'FILE' | 'DIRECTORY';

/**
 * What an entry positively is. 'directory': fileType DIRECTORY (any case). 'file': fileType absent or one of
 * the file types, a numeric size >= 0, a non-empty id and path. 'unknown': anything else — callers must never
 * delete such an entry by id (it may be a directory in another shape, and its children would go with it).
 */
export type EntryKind = 'file' | 'directory' | 'unknown';

/** A file's indexing state for semantic search (the OpenAPI spec's values). */
export type IndexStatus = 'PENDING' | 'QUEUED' | 'IN_PROGRESS' | 'RAG_RECEIVED' | 'COMPLETED' | 'FAILED' | 'SKIPPED' | 'UNKNOWN';

/** A file or directory entry in a FileSet, normalized. */
export interface FileEntry {
  id: string;
  /** Full path inside the FileSet, POSIX separators, no leading slash. */
  path: string;
  name: string;
  fileType: FileType | string;
  /** What the entry positively is; see EntryKind. */
  kind: EntryKind;
  /** kind === 'directory'. */
  isDirectory: boolean;
  contentType: string | null;
  /** null for directories. */
  size: number | null;
  /** Lower-case hex digest, or null when the server gave none (e.g. during a split upload). */
  hash: string | null;
  hashAlgorithm: 'SHA_256_HEX' | 'SHA_1' | 'MD5' | 'UNKNOWN' | string | null;
  downloadUrl: string | null;
  created: string | null;
  createdBy: string | null;
  connectorKey: string | null;
  /** null when the server gave none; a value outside the spec's list reads as 'UNKNOWN'. */
  indexStatus: IndexStatus | null;
  /** Free text: why the file has its index status (e.g. why indexing failed). */
  indexReason: string | null;
}

/** What uploadFile returns: the stored entry, and how its content was checked against what was sent. */
export type UploadedFile = FileEntry & {
  /**
   * 'sha256': the server's SHA-256 equals the expected one. 'size': the server had no usable SHA-256 (or no
   * expectedSha256 was given), so its size was compared with the size sent.
   */
  verified: 'sha256' | 'size';
};

/** Who an access entry is about. */
export type AccessEntityType = 'USER' | 'GROUP';

/** One entry of a FileSet's access list; permission NONE (in an update) revokes the entity's grant. */
export interface AccessEntry {
  entityId: number;
  entityType: AccessEntityType;
  permission: FileSetPermission;
}

/** A FileSet's explicit access list (GET/POST /filesets/{id}/access, POST …/ownership). */
export interface FileSetAccess {
  fileSetId: string | null;
  fileSetAccess: AccessEntry[];
}

/**
 * GET /filesets/{id}/stats. The OpenAPI spec's schema says the answer is a FileSet while its example gives
 * counts; both are read: counts the answer lacks are null, and fileCount/size come from a FileSet answer.
 */
export interface FileSetStats {
  imageFileTypeCount: number | null;
  audioFileTypeCount: number | null;
  videoFileTypeCount: number | null;
  textFileTypeCount: number | null;
  documentFileTypeCount: number | null;
  otherFileTypeCount: number | null;
  notIndexedCount: number | null;
  indexQueuedCount: number | null;
  indexInProgressCount: number | null;
  indexCompleteCount: number | null;
  indexFailedCount: number | null;
  indexSkippedCount: number | null;
  fileCount: number | null;
  size: number | null;
}

/** POST /filesets/{id}/files/reindex. */
export interface ReindexResult {
  /** How many files the server queued again (null when the answer did not say). */
  retriedFilesCount: number | null;
}

/** Body of POST /filesets. */
export interface CreateFileSetRequest {
  name: string;
  description?: string;
  aiEnabled?: boolean;
  connector?: string;
  accountId?: number | null;
  connectorContext?: ConnectorContext | null;
}

/** Body of POST /filesets/{id}; absent fields are left unchanged. */
export interface UpdateFileSetRequest {
  name?: string;
  description?: string;
  aiEnabled?: boolean;
}

/** Filter operators of the search endpoints. */
export type FilterOperator = 'EQUALS' | 'GREATER_THAN' | 'LESS_THAN' | 'LESS_THAN_OR_EQUAL' | 'GREATER_THAN_OR_EQUAL' | 'IN' | 'IS_NULL' | 'LIKE';

/** One search filter. */
export interface SearchFilter {
  field: string;
  value?: Array<string | number | boolean | null>;
  operator: FilterOperator;
  not?: boolean;
}

/** One sort key. */
export interface FieldSort {
  field: string;
  order: 'ASC' | 'DESC';
}

/** One date-range filter; start/end are ISO strings. */
export interface DateFilter {
  field: string;
  start?: string;
  end?: string;
  not?: boolean;
}

/** Body shared by both search endpoints. */
export interface SearchBody {
  fieldSort?: FieldSort[];
  filters?: SearchFilter[];
  dateFilters?: DateFilter[];
}

/** Options of FileSet search (offset/limit pagination). */
export interface SearchFileSetsOptions extends SearchBody {
  /** Page size (default 100). */
  limit?: number;
  /** Start offset (default 0). */
  offset?: number;
}

/** Options of file listing/search (cursor pagination). */
export interface ListFilesOptions extends SearchBody {
  /** Only entries under this directory ("" or absent = whole FileSet). */
  directoryPath?: string;
  /** Only the directory's immediate children (default false: the whole subtree). */
  immediateChildren?: boolean;
  /** Page size (default 100). */
  limit?: number;
  /**
   * Leave out entries that are positively directories (default false). Entries of kind 'unknown' are kept,
   * so the caller sees them and can refuse to act on them.
   */
  filesOnly?: boolean;
  signal?: AbortSignal;
}

/** One page of a file listing. */
export interface FilePage {
  files: FileEntry[];
  /** The cursor the server returned (already compared: null when this is the last page). */
  next: string | null;
}

/** Body of POST /filesets/{id}/query; `directoryPath` is sent as both `directoryPath` and `pathPrefixFilter`. */
export interface QueryRequest {
  query: string;
  topK?: number;
  directoryPath?: string;
}

/** One query match, normalized from both documented shapes. */
export interface QueryMatch {
  fileId: string | null;
  path: string | null;
  /** 0..1 */
  score: number;
  /** TEXT matches: the matched text, when the server returned it. */
  text: string | null;
  /** IMAGE matches: a URI, when the server returned it. */
  uri: string | null;
  /** The file entry, when the server returned one (the older reference's shape). */
  file: FileEntry | null;
}

/**
 * What to upload: a local file (read from disk), a Buffer/string, or a readable stream.
 * A file is opened once and every read (retries, split parts) uses that descriptor. With `expect` (the
 * device and inode the caller approved, e.g. from a scan's lstat) the file is opened without following a
 * symlink and must still be that regular file, else SourceChangedError.
 */
export type UploadSource =
  { filePath: string; expect?: { dev: number; ino: number } } | { content: Buffer | Uint8Array | string } | { stream: NodeJS.ReadableStream; size?: number };

/** Arguments of uploadFile. */
export interface UploadFileRequest {
  /** Full remote path, e.g. "handbook/a b/c.pdf"; split into directoryPath + filename on the wire. */
  path: string;
  source: UploadSource;
  /** Overrides the content type derived from the name (and, for names without a known type, the content). */
  contentType?: string;
  /**
   * Expected SHA-256 (hex), compared with the server's (from the upload response, else one GET by path).
   * When the server has no usable SHA-256, the size is compared instead (verified: 'size').
   */
  expectedSha256?: string;
  /** The size to compare when the server has no usable SHA-256 (default: the number of bytes sent). */
  expectedSize?: number;
  /**
   * Aborts the upload (a split upload is then aborted on the server) — except a split upload that replaces
   * a file: the old file is deleted before it starts, so once it has, the upload is finished rather than
   * leave the path empty.
   */
  signal?: AbortSignal;
}

/** Where to put a download: a local path (written atomically) or a writable stream. */
export type DownloadTarget = { filePath: string } | { stream: NodeJS.WritableStream };

/** Result of a download. */
export interface DownloadResult {
  bytes: number;
  /** SHA-256 hex of the bytes received. */
  sha256: string;
}

/** Retry policy knobs (see docs/client.md "Retries"). */
export interface RetryOptions {
  /** Total attempts including the first (default 5). 1 disables retries. 429s with Retry-After do not count. */
  attempts: number;
  /** First backoff ceiling in ms (default 250). */
  baseDelayMs: number;
  /** Largest backoff, and the cap applied to Retry-After (default 30000). */
  maxDelayMs: number;
  /**
   * How long one request may keep waiting on 429 answers that carry Retry-After, from its first such answer
   * (default 600000 = 10 min). Those answers never use up `attempts`; past this budget the request fails.
   */
  maxRateLimitWaitMs: number;
}

/** Numbers of the client's request traffic since it was created. */
export interface ClientStats {
  /** HTTP requests sent (every attempt and redirect hop). */
  requests: number;
  /** Answers 429 or 503 (rate limited or overloaded). */
  throttled: number;
  /** Attempts that were retries of an earlier one. */
  retries: number;
  /** Most requests in flight at once. */
  peakInFlight: number;
  /** The current limit of requests in flight (adaptive: between 1 and concurrency). */
  window: number;
  /** Requests per second new requests are paced at, learnt from rate limiting; null while unpaced. */
  rate: number | null;
}

/** What `onRetry` receives about a retry (never the token). */
export interface RetryInfo {
  method: string;
  path: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

/** Options of DomoFilesClient; anything absent comes from the environment, then from defaults. */
export interface ClientOptions {
  /** Full base URL, e.g. https://acme.domo.com or the emulator's http://127.0.0.1:PORT. */
  baseUrl?: string;
  /** Instance name: https://{instance}.domo.com. */
  instance?: string;
  /** Developer token (sent as X-DOMO-Developer-Token, only to the base URL's origin). */
  token?: string;
  /** Environment to read DOMO_* from (default process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Most requests in flight at once (default 64); the connection pool holds as many connections. With
   * `adaptive` the client starts below it and finds the rate the server sustains.
   */
  concurrency?: number;
  /** Alias of `concurrency` (used when `concurrency` is absent). */
  maxConnections?: number;
  /**
   * Default true: start at min(8, concurrency) requests in flight, grow while throughput rises and nothing is
   * throttled, halve on 429/503, and pace requests below the rate learnt from 429s. false: always
   * `concurrency` in flight, unpaced (Retry-After is still honoured by the whole client).
   */
  adaptive?: boolean;
  connectTimeoutMs?: number;
  /** Idle timeout until the response headers arrive. */
  headersTimeoutMs?: number;
  /** Idle timeout between two body chunks. */
  bodyTimeoutMs?: number;
  /**
   * Total deadline of one attempt, headers and body (default 300000). An answer that drips too slowly ends
   * as NetworkError with reason 'deadline' (retried when the request is idempotent).
   */
  requestTimeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Files at least this large use the split (multipart) upload (default 256 MiB). */
  splitUploadThreshold?: number;
  /** Part size of split uploads (default 32 MiB). */
  splitPartSize?: number;
  /** Called for each retry (for logs and counters); never receives the token. */
  onRetry?: (info: RetryInfo) => void;
  userAgent?: string;
}

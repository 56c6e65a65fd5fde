/**
 * The client's public, normalized types. The wire shapes of Domo's Files API vary between its documents
 * (see README "The API's two shapes"); the client accepts all of them and returns only these.
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

/** fileType values documented by Domo (the seed also shows FILE); DIRECTORY for directories. */
export type FileType = 'TEXT' | 'DOCUMENT' | 'IMAGE' | 'AUDIO' | 'VIDEO' | 'OTHER' | 'UNKNOWN' | 'FILE' | 'DIRECTORY';

/** A file or directory entry in a FileSet, normalized. */
export interface FileEntry {
  id: string;
  /** Full path inside the FileSet, POSIX separators, no leading slash. */
  path: string;
  name: string;
  fileType: FileType | string;
  /** True when fileType is DIRECTORY. */
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
  indexStatus: string | null;
  indexReason: string | null;
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
export type FilterOperator =
  | 'EQUALS'
  | 'GREATER_THAN'
  | 'LESS_THAN'
  | 'LESS_THAN_OR_EQUAL'
  | 'GREATER_THAN_OR_EQUAL'
  | 'IN'
  | 'IS_NULL'
  | 'LIKE';

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
  /** Leave out DIRECTORY entries (default false). */
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
  /** The file entry, when the server returned one (seed shape). */
  file: FileEntry | null;
}

/** What to upload: a local file path (streamed from disk), a Buffer/string, or a readable stream. */
export type UploadSource =
  | { filePath: string }
  | { content: Buffer | Uint8Array | string }
  | { stream: NodeJS.ReadableStream; size?: number };

/** Arguments of uploadFile. */
export interface UploadFileRequest {
  /** Full remote path, e.g. "handbook/a b/c.pdf"; split into directoryPath + filename on the wire. */
  path: string;
  source: UploadSource;
  /** Overrides the content type derived from the name. */
  contentType?: string;
  /** Expected SHA-256 (hex); when given, the result is verified against it (fetching the file if the upload response has no hash). */
  expectedSha256?: string;
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

/** Retry policy knobs (see README "Retries"). */
export interface RetryOptions {
  /** Total attempts including the first (default 5). 1 disables retries. */
  attempts: number;
  /** First backoff ceiling in ms (default 250). */
  baseDelayMs: number;
  /** Largest backoff, and the cap applied to Retry-After (default 30000). */
  maxDelayMs: number;
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
  /** Most connections kept open to the origin (default 16). */
  maxConnections?: number;
  connectTimeoutMs?: number;
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Files at least this large use the split (multipart) upload (default 256 MiB). */
  splitUploadThreshold?: number;
  /** Part size of split uploads (default 32 MiB). */
  splitPartSize?: number;
  /** Called for each retry (for logs and counters); never receives the token. */
  onRetry?: (info: { method: string; path: string; attempt: number; delayMs: number; reason: string }) => void;
  userAgent?: string;
}

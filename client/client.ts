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
  SearchFileSetsOptions,
  UpdateFileSetRequest,
  UploadFileRequest,
} from './types';

const todo = (): never => {
  throw new Error('not implemented yet');
};

/**
 * Typed client of Domo's Files API (/api/files/v1) over one undici keep-alive pool.
 * STUB: signatures are the contract between client/, loader/, provider/ and cli/.
 */
export class DomoFilesClient {
  /** The normalized base URL (origin + optional path prefix, no trailing slash). */
  readonly baseUrl: string;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    todo();
  }

  /** FileSets */
  createFileSet(_req: CreateFileSetRequest): Promise<FileSet> { return todo(); }
  getFileSet(_id: string): Promise<FileSet> { return todo(); }
  updateFileSet(_id: string, _req: UpdateFileSetRequest): Promise<FileSet> { return todo(); }
  /** Any 2xx is success; 404 throws NotFoundError (callers that treat gone as done catch it). */
  deleteFileSet(_id: string): Promise<void> { return todo(); }
  /** Pages through POST /filesets/search (offset/limit), yielding FileSets. */
  searchFileSets(_opts?: SearchFileSetsOptions): AsyncIterableIterator<FileSet> { return todo(); }
  /** Every FileSet whose name equals `name` exactly (server-side filter, checked again client-side). */
  findFileSetsByName(_name: string): Promise<FileSet[]> { return todo(); }

  /** Files */
  /** Uploads (or overwrites) one file; split upload at or above splitUploadThreshold. */
  uploadFile(_fileSetId: string, _req: UploadFileRequest): Promise<FileEntry> { return todo(); }
  /** Creates a directory (and its parents) by uploading with only a directoryPath. */
  createDirectory(_fileSetId: string, _path: string): Promise<FileEntry> { return todo(); }
  /** Pages of POST /files/search; stops when next is null or repeats the token just sent. */
  listFilePages(_fileSetId: string, _opts?: ListFilesOptions): AsyncIterableIterator<FilePage> { return todo(); }
  /** Entries of every page (directories too unless opts.filesOnly). */
  listFiles(_fileSetId: string, _opts?: ListFilesOptions): AsyncIterableIterator<FileEntry> { return todo(); }
  getFile(_fileSetId: string, _fileId: string): Promise<FileEntry> { return todo(); }
  getFileByPath(_fileSetId: string, _path: string): Promise<FileEntry> { return todo(); }
  /** Follows the 302 (without the token to another origin), streams to the target, verifies SHA-256 when known. */
  downloadFile(_fileSetId: string, _ref: { fileId: string } | { path: string }, _target: DownloadTarget): Promise<DownloadResult> { return todo(); }
  deleteFile(_fileSetId: string, _fileId: string): Promise<void> { return todo(); }
  deleteFileByPath(_fileSetId: string, _path: string): Promise<void> { return todo(); }
  query(_fileSetId: string, _req: QueryRequest): Promise<QueryMatch[]> { return todo(); }

  /** Split upload steps (uploadFile drives them; exposed for callers that need control). */
  initiateSplitUpload(_fileSetId: string, _path: string): Promise<FileEntry> { return todo(); }
  uploadSplitPart(_fileSetId: string, _fileId: string, _partNumber: number, _body: Buffer): Promise<void> { return todo(); }
  finalizeSplitUpload(_fileSetId: string, _fileId: string): Promise<FileEntry> { return todo(); }
  abortSplitUpload(_fileSetId: string, _fileId: string): Promise<void> { return todo(); }

  /** Closes the connection pool. */
  close(): Promise<void> { return todo(); }
}

/**
 * domo-filesets: the public API in one import — the Pulumi resources, the client, the loader and the
 * emulator. This entry loads @pulumi/pulumi (for the resources); code that does not use Pulumi imports the
 * subpaths instead: domo-filesets/client, domo-filesets/loader, domo-filesets/emulator.
 *
 * Names: `FileSet` and `FileSetAccess` here are the Pulumi resources; the API's FileSet object and access
 * list are exported as `FileSetInfo` and `FileSetAccessInfo`.
 */
export * from './provider';
export type { FileSet as FileSetInfo, FileSetAccess as FileSetAccessInfo } from './client';
export {
  DomoFilesClient,
  resolveClientConfig,
  isDomoError,
  DomoError,
  NotFoundError,
  ConflictError,
  RateLimitedError,
  UnauthorizedError,
  ForbiddenError,
  PayloadTooLargeError,
  ServerError,
  HttpError,
  NetworkError,
  ConfigError,
  IntegrityError,
  ValidationError,
  UnexpectedResponseError,
  PathMismatchError,
  SourceChangedError,
  PaginationError,
  isNotFound,
  usableSha256,
  contentTypeFor,
} from './client';
export type {
  ClientOptions,
  ConnectorContext,
  CreateFileSetRequest,
  UpdateFileSetRequest,
  FileEntry,
  FilePage,
  ListFilesOptions,
  SearchFileSetsOptions,
  SearchBody,
  SearchFilter,
  FieldSort,
  DateFilter,
  QueryMatch,
  QueryRequest,
  UploadFileRequest,
  UploadSource,
  DownloadTarget,
  DownloadResult,
  RetryOptions,
  RetryInfo,
  UploadedFile,
  EntryKind,
  IndexStatus,
  AccessEntry,
  FileSetStats,
  ReindexResult,
  ClientStats,
} from './client';
export * from './loader';
export { startEmulator, MemoryStore, DiskStore, FAULT_KINDS, PROFILES } from './emulator';
export type {
  EmulatorHandle,
  EmulatorOptions,
  EmulatorStats,
  EmulatorUser,
  FaultKind,
  FaultOptions,
  Profile,
  RateLimitOptions,
  Readings,
  RequestLogEntry,
} from './emulator';

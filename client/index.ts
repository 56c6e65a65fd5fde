/** domo-filesets/client: the typed Domo Files API client. */
export * from './types';
export { DomoFilesClient, type DownloadOptions, type DeleteFileSetOptions } from './client';
export * from './errors';
export { resolveClientConfig, isLoopbackHost, TOKEN_ENV_VARS, type ResolvedClientConfig } from './config';
export {
  shouldRetry,
  computeDelay,
  parseRetryAfter,
  isRetryableOutcome,
  isRateLimitWait,
  RETRYABLE_STATUSES,
  type Idempotency,
} from './retry-policy';
export { remotePathProblem, canonicalRemotePath, checkedRemotePath, splitRemotePath, MAX_SEGMENT_BYTES } from './remote-path';
export { contentTypeFor, looksLikeText, TEXT_PLAIN, OCTET_STREAM, SNIFF_BYTES } from './content-type';
export { usableSha256, entryKind } from './normalize';
export {
  admit,
  settle,
  initialPacing,
  pacingConfig,
  currentRate,
  PACING_DEFAULTS,
  type PacingConfig,
  type PacingState,
  type Admission,
  type Settled,
} from './pacing';

/** domo-filesets/client: the typed Domo Files API client. */
export * from './types';
export { DomoFilesClient, type DownloadOptions, type DeleteFileSetOptions } from './client';
export * from './errors';
export { confirmGone, CONFIRM_DELAYS_MS } from './confirm';
export { resolveClientConfig, isLoopbackHost, TOKEN_ENV_VARS, type ResolvedClientConfig } from './config';
export { shouldRetry, computeDelay, parseRetryAfter, isRetryableOutcome, isRateLimitWait, RETRYABLE_STATUSES, type Idempotency } from './retry-policy';
export { remotePathProblem, canonicalRemotePath, checkedRemotePath, MAX_SEGMENT_BYTES } from './remote-path';
export { contentTypeFor } from './content-type';
export { usableSha256 } from './normalize';

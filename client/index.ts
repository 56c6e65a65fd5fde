/** domo-filesets/client: the typed Domo Files API client. */
export * from './types';
export { DomoFilesClient, type DownloadOptions } from './client';
export * from './errors';
export { resolveClientConfig, isLoopbackHost, TOKEN_ENV_VARS, type ResolvedClientConfig } from './config';
export { shouldRetry, computeDelay, parseRetryAfter, isRetryableOutcome, RETRYABLE_STATUSES, type Idempotency } from './retry-policy';
export { remotePathProblem, MAX_SEGMENT_BYTES } from './remote-path';

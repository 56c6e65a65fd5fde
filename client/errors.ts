/**
 * Typed errors of the client. Every error a caller can see from DomoFilesClient is a DomoError with a stable
 * `code`, so the CLI and the loader switch on codes, never on messages. Messages never contain the token:
 * they are built only from the method, the URL path (with any `token` query parameter redacted), Domo's
 * message and its trace id (`toe`).
 */

/** Fields shared by every DomoError. */
export interface DomoErrorInit {
  /** The API operation (the OpenAPI spec's operationId, e.g. getFileSet) when the error belongs to one. */
  operation?: string;
  status?: number;
  method?: string;
  path?: string;
  toe?: string;
  domoMessage?: string;
  attempts?: number;
  cause?: unknown;
  /** For 429: the delay the server asked for, in ms, when it sent Retry-After. */
  retryAfterMs?: number;
}

/**
 * Marks every DomoError instance. `Symbol.for` returns the same symbol in every copy of this module (two
 * installed versions of the package, or jest's isolated module registries), which `instanceof` cannot see.
 */
const DOMO_ERROR_MARK = Symbol.for('domo-filesets.DomoError');

/**
 * Base class of the errors the client raises itself. Two kinds pass through as they are: what a caller's
 * AbortSignal aborts with, and Node's own file-system errors (opening a file to upload, writing a download).
 */
export class DomoError extends Error {
  override readonly name: string = 'DomoError';
  readonly code: string = 'DOMO_ERROR';
  /** The API operation (OpenAPI operationId) that failed, when known. */
  readonly operation?: string;
  readonly status?: number;
  readonly method?: string;
  /** URL path and query of the failed request (never the token). */
  readonly path?: string;
  /** Domo's trace id from the error body; quote it to Domo support. */
  readonly toe?: string;
  /** Domo's `message` from the error body (or the plain-text body). */
  readonly domoMessage?: string;
  /** How many attempts were made before giving up. */
  readonly attempts: number;
  readonly retryAfterMs?: number;

  constructor(message: string, init: DomoErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    Object.defineProperty(this, DOMO_ERROR_MARK, { value: true });
    this.operation = init.operation;
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.toe = init.toe;
    this.domoMessage = init.domoMessage;
    this.attempts = init.attempts ?? 1;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 404: the FileSet, file or path does not exist (on delete: already gone — callers decide). */
export class NotFoundError extends DomoError {
  override readonly name = 'NotFoundError';
  override readonly code = 'NOT_FOUND';
}
/** 409: e.g. a file exists and overwrite is not allowed, or a split upload targets an existing path. */
export class ConflictError extends DomoError {
  override readonly name = 'ConflictError';
  override readonly code = 'CONFLICT';
}
/** 429 after the retries ran out (or, with Retry-After, after retry.maxRateLimitWaitMs of waiting). */
export class RateLimitedError extends DomoError {
  override readonly name = 'RateLimitedError';
  override readonly code = 'RATE_LIMITED';
}
/** 401: missing or wrong developer token. */
export class UnauthorizedError extends DomoError {
  override readonly name = 'UnauthorizedError';
  override readonly code = 'UNAUTHORIZED';
}
/**
 * 403: the token's user lacks the permission for the operation — or the server answers 403 for an object that
 * does not exist (the OpenAPI spec lists no 404 for most operations). Never read as "gone".
 */
export class ForbiddenError extends DomoError {
  override readonly name = 'ForbiddenError';
  override readonly code = 'FORBIDDEN';
}
/** 413: the body is too large for a single upload (use the split upload). */
export class PayloadTooLargeError extends DomoError {
  override readonly name = 'PayloadTooLargeError';
  override readonly code = 'PAYLOAD_TOO_LARGE';
}
/** Any 5xx (after retries, for the retryable ones). */
export class ServerError extends DomoError {
  override readonly name = 'ServerError';
  override readonly code = 'SERVER_ERROR';
}
/** Any other non-2xx status. */
export class HttpError extends DomoError {
  override readonly name = 'HttpError';
  override readonly code = 'HTTP_ERROR';
}
/** Why a request got no (complete) HTTP response. */
export type NetworkReason = 'deadline' | 'timeout' | 'connect' | 'reset' | 'other';

/**
 * Connection reset, refused, timed out, DNS failure, or no complete response within the per-attempt deadline
 * (requestTimeoutMs): no usable HTTP response was received.
 */
export class NetworkError extends DomoError {
  override readonly name = 'NetworkError';
  override readonly code = 'NETWORK';
  readonly reason: NetworkReason;
  constructor(message: string, init: DomoErrorInit & { reason?: NetworkReason } = {}) {
    super(message, init);
    this.reason = init.reason ?? 'other';
  }
}
/** Missing or unsafe configuration (token, base URL, plain http to a remote host). */
export class ConfigError extends DomoError {
  override readonly name = 'ConfigError';
  override readonly code = 'CONFIG';
}
/** The bytes received or stored do not have the expected SHA-256. */
export class IntegrityError extends DomoError {
  override readonly name = 'IntegrityError';
  override readonly code = 'INTEGRITY';
  readonly expected?: string;
  readonly actual?: string;
  constructor(message: string, init: DomoErrorInit & { expected?: string; actual?: string } = {}) {
    super(message, init);
    this.expected = init.expected;
    this.actual = init.actual;
  }
}
/** A caller passed an argument the API cannot express (e.g. an empty file name). Raised before any I/O. */
export class ValidationError extends DomoError {
  override readonly name = 'ValidationError';
  override readonly code = 'INVALID_ARGUMENT';
}
/**
 * A 2xx answer whose body is not what the operation must return: HTML from a proxy or captive portal,
 * truncated or otherwise invalid JSON, an empty body where one is required, or JSON of the wrong shape.
 * Retried where the request is idempotent; what remains is surfaced, never read as "empty".
 */
export class UnexpectedResponseError extends DomoError {
  override readonly name = 'UnexpectedResponseError';
  override readonly code = 'BAD_RESPONSE';
  /** The response's Content-Type header, when it had one. */
  readonly contentType?: string;
  constructor(message: string, init: DomoErrorInit & { contentType?: string } = {}) {
    super(message, init);
    this.contentType = init.contentType;
  }
}
/** The server stored an upload (or finalized a split upload) under another path than the one requested. */
export class PathMismatchError extends DomoError {
  override readonly name = 'PathMismatchError';
  override readonly code = 'PATH_MISMATCH';
  readonly requested: string;
  readonly returned: string;
  constructor(message: string, init: DomoErrorInit & { requested: string; returned: string }) {
    super(message, init);
    this.requested = init.requested;
    this.returned = init.returned;
  }
}
/**
 * The local file to upload is no longer the one the caller approved: it became a symlink or another kind
 * of file, was replaced (another device/inode), or shrank while it was read.
 */
export class SourceChangedError extends DomoError {
  override readonly name = 'SourceChangedError';
  override readonly code = 'SOURCE_CHANGED';
  readonly filePath: string;
  constructor(message: string, init: DomoErrorInit & { filePath: string }) {
    super(message, init);
    this.filePath = init.filePath;
  }
}
/** A DELETE answered success, but the object is still there when looked at again (the delete was not done). */
export class UnconfirmedDeleteError extends DomoError {
  override readonly name = 'UnconfirmedDeleteError';
  override readonly code = 'DELETE_NOT_DONE';
}
/** A file listing that does not end: a page cursor came back a second time, or pages stopped bringing new paths. */
export class PaginationError extends DomoError {
  override readonly name = 'PaginationError';
  override readonly code = 'PAGINATION';
}

/**
 * True for a DomoError, also one from another copy of this module (where `instanceof` is false): the
 * instance carries a process-wide symbol, a string `code` and a string `name`. False for the errors the
 * client passes through (see DomoError).
 */
export function isDomoError(e: unknown): e is DomoError {
  if (e instanceof DomoError) return true;
  if (typeof e !== 'object' || e === null) return false;
  const o = e as { [DOMO_ERROR_MARK]?: unknown; code?: unknown; name?: unknown };
  return o[DOMO_ERROR_MARK] === true && typeof o.code === 'string' && typeof o.name === 'string';
}

/** True for the client's "gone" error (404 → NOT_FOUND), from any copy of the module. 403 is never "gone". */
export function isNotFound(e: unknown): boolean {
  return isDomoError(e) && e.code === 'NOT_FOUND';
}

/** Domo's error body, as far as it could be read. */
export interface ParsedErrorBody {
  message?: string;
  toe?: string;
  statusReason?: string;
}

const MAX_MESSAGE = 300;

/**
 * Reads Domo's `{status,statusReason,message,toe}` defensively: the body may be JSON of that shape, JSON of
 * another shape (`error`, `error_description`), a JSON string, plain text (403s), HTML, or empty.
 */
export function parseErrorBody(text: string): ParsedErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (typeof parsed === 'string') return { message: clip(parsed) };
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const o = parsed as Record<string, unknown>;
      const message = firstString(o.message, o.error_description, o.error, o.detail, o.title);
      const toe = firstString(o.toe, o.traceId);
      const statusReason = firstString(o.statusReason);
      return { message: message === undefined ? undefined : clip(message), toe, statusReason };
    }
  } catch {
    // not JSON: fall through to plain text
  }
  if (/^<(!doctype|html)/i.test(trimmed)) return {};
  return { message: clip(trimmed.replace(/\s+/g, ' ')) };
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return undefined;
}

function clip(s: string): string {
  return s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s;
}

/** Hides a `token` query parameter (presigned content URLs) so error paths are safe to print. */
export function redactPath(pathAndQuery: string): string {
  return pathAndQuery.replace(/([?&](?:token|access_token|sig|signature)=)[^&#]*/gi, '$1REDACTED');
}

/** Longest request path shown in a message (the full one stays in `.path`): one stderr line stays readable. */
const MAX_PATH_IN_MESSAGE = 200;

/** The path as shown in a message: long query strings (e.g. a huge directoryPath) are cut with an ellipsis. */
export function pathForMessage(p: string): string {
  return p.length > MAX_PATH_IN_MESSAGE ? `${p.slice(0, MAX_PATH_IN_MESSAGE)}…` : p;
}

function attemptsText(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Builds the typed error for a non-2xx response; `token` is scrubbed from every text that reaches the message. */
export function errorFromResponse(args: {
  status: number;
  method: string;
  path: string;
  bodyText: string;
  attempts: number;
  token?: string;
  retryAfterMs?: number;
  operation?: string;
}): DomoError {
  const parsed = parseErrorBody(args.bodyText);
  const scrub = (s: string | undefined): string | undefined => (s === undefined || !args.token ? s : s.split(args.token).join('***'));
  const domoMessage = scrub(parsed.message);
  const toe = scrub(parsed.toe);
  const path = redactPath(scrub(args.path) ?? '');
  const reason = parsed.statusReason ?? STATUS_TEXT[args.status] ?? 'HTTP error';
  const details = [toe ? `toe ${toe}` : undefined, attemptsText(args.attempts)].filter(Boolean).join(', ');
  // A 403 is explained, because the same status means "no permission" and, on servers that hide objects,
  // "no such object": the caller must not read it as either without saying so.
  const explain =
    args.status === 403
      ? ` — ${args.operation ?? 'the request'} was refused: the token's user lacks the permission for it (or this server answers 403 for an object that does not exist)`
      : '';
  const message = `${args.status} ${reason}: ${args.method} ${pathForMessage(path)}${explain}${domoMessage ? ` — ${domoMessage}` : ''} (${details})`;
  const init: DomoErrorInit = {
    operation: args.operation,
    status: args.status,
    method: args.method,
    path,
    toe,
    domoMessage,
    attempts: args.attempts,
    retryAfterMs: args.retryAfterMs,
  };
  const s = args.status;
  if (s === 404) return new NotFoundError(message, init);
  if (s === 409) return new ConflictError(message, init);
  if (s === 429) return new RateLimitedError(message, init);
  if (s === 401) return new UnauthorizedError(message, init);
  if (s === 403) return new ForbiddenError(message, init);
  if (s === 413) return new PayloadTooLargeError(message, init);
  if (s >= 500) return new ServerError(message, init);
  return new HttpError(message, init);
}

const REASON_BY_CODE: Record<string, NetworkReason> = {
  DEADLINE: 'deadline',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  ECONNREFUSED: 'connect',
  EAI_AGAIN: 'connect',
  ENOTFOUND: 'connect',
  EHOSTUNREACH: 'connect',
  ENETUNREACH: 'connect',
  ENETDOWN: 'connect',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
};

/** Wraps a transport failure (no HTTP status) as a NetworkError with the low-level code in the message. */
export function networkError(args: { method: string; path: string; cause: unknown; attempts: number; token?: string; operation?: string }): NetworkError {
  const c = args.cause as { code?: string; message?: string } | undefined;
  let what = [c?.code, c?.message].filter(Boolean).join(' ') || 'connection failed';
  if (args.token) what = what.split(args.token).join('***');
  const path = redactPath(args.path);
  return new NetworkError(`Network error: ${args.method} ${pathForMessage(path)} — ${what} (${attemptsText(args.attempts)})`, {
    operation: args.operation,
    method: args.method,
    path,
    attempts: args.attempts,
    cause: args.cause,
    reason: (c?.code && REASON_BY_CODE[c.code]) || 'other',
  });
}

/** Builds the error for a 2xx answer whose body the operation cannot use; `why` says what was wrong with it. */
export function unexpectedResponse(args: {
  operation: string;
  method: string;
  path: string;
  status: number;
  contentType?: string;
  why: string;
  attempts: number;
}): UnexpectedResponseError {
  const path = redactPath(args.path);
  const type = args.contentType ? args.contentType.split(';')[0].trim() : 'no content type';
  return new UnexpectedResponseError(
    `Unexpected response to ${args.operation}: ${args.method} ${pathForMessage(path)} answered ${args.status} (${type}) — ${args.why} (${attemptsText(args.attempts)})`,
    { operation: args.operation, method: args.method, path, status: args.status, contentType: args.contentType, attempts: args.attempts },
  );
}

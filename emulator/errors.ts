/** The error factory: every error the emulator answers has Domo's body {status, statusReason, message, toe}. */
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

/** Domo's standard error body. */
export interface DomoErrorBody {
  status: number;
  statusReason: string;
  message: string;
  toe: string;
}

/** An error a handler throws to answer with a Domo error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const TOE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A trace id in the style of Domo's `toe` (upper-case alphanumerics). */
function newToe(): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += TOE_ALPHABET[b % TOE_ALPHABET.length];
  return out;
}

/** Builds the body for a status and message. */
export function errorBody(status: number, message: string): DomoErrorBody {
  return { status, statusReason: STATUS_CODES[status] ?? 'Error', message, toe: newToe() };
}

/** Named constructors so handlers say what went wrong, not which number to send. */
export const errors = {
  badRequest: (m: string) => new ApiError(400, m),
  unauthorized: (m = 'Full authentication is required to access this resource') => new ApiError(401, m),
  forbidden: (m: string) => new ApiError(403, m),
  notFound: (m: string) => new ApiError(404, m),
  methodNotAllowed: (m: string) => new ApiError(405, m),
  conflict: (m: string) => new ApiError(409, m),
  unsupported: (m: string) => new ApiError(415, m),
  tooManyRequests: (retryAfterSeconds: number, m = 'Too many requests, please slow down (injected by the emulator)') =>
    new ApiError(429, m, { 'retry-after': String(retryAfterSeconds) }),
  internal: (m = 'Internal server error (injected by the emulator)') => new ApiError(500, m),
  notImplemented: (m: string) => new ApiError(501, m),
};

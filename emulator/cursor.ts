/**
 * The files/search cursor: base64 JSON of the last item of a page, as Domo's. It always carries `=`
 * padding, so a client that forgets to URL-encode it is caught by the tests rather than by production.
 */
import { errors } from './errors';

/** Encodes the fields of the last item a page returned. */
export function encodeCursor(item: Record<string, unknown>): string {
  let json = JSON.stringify(item);
  // Pad with JSON whitespace until the byte length is not a multiple of 3, so base64 ends in '='.
  while (Buffer.byteLength(json) % 3 === 0) json += ' ';
  return Buffer.from(json, 'utf8').toString('base64');
}

/** Decodes a cursor; tolerates '+' that arrived as ' ' from an unencoded query string. */
export function decodeCursor(token: string): Record<string, unknown> {
  try {
    const obj = JSON.parse(Buffer.from(token.replace(/ /g, '+'), 'base64').toString('utf8')) as unknown;
    if (obj && typeof obj === 'object' && typeof (obj as { path?: unknown }).path === 'string') return obj as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw errors.badRequest('Invalid pagination token in parameter next');
}

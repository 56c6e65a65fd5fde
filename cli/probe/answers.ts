/**
 * Reading raw answers the way the client reads them: the same body rules and shapes (client/shapes.ts), so
 * "the client accepts this" is decided by the client's own code, not by a second opinion.
 */
import { parseErrorBody } from '../../client/errors';
import { fileBody, parseBody, ShapeFailure, type BodyRule } from '../../client/shapes';
import type { FileEntry } from '../../client/types';
import type { RawAnswer } from './raw';

/** A 2xx status. */
export function ok(a: Pick<RawAnswer, 'status'>): boolean {
  return a.status >= 200 && a.status < 300;
}

/** The body as the client would read it under `rule`, or the reason it would refuse it. */
export function bodyOf(a: RawAnswer, rule: BodyRule): { value: unknown } | { refused: string } {
  try {
    return { value: parseBody(a.text, a.headers['content-type'], rule) };
  } catch (e) {
    if (e instanceof ShapeFailure) return { refused: e.message };
    throw e;
  }
}

/** The entry the client reads from a 2xx upload or lookup answer, or null when it would not accept one. */
export function fileEntryOf(a: RawAnswer): FileEntry | null {
  if (!ok(a)) return null;
  const body = bodyOf(a, 'json');
  if ('refused' in body) return null;
  try {
    return fileBody(body.value);
  } catch (e) {
    if (e instanceof ShapeFailure) return null;
    throw e;
  }
}

/** "204 (no body)", "200 with a JSON body", "400: limit must be at most 100". */
export function describeAnswer(a: RawAnswer): string {
  if (ok(a)) {
    if (a.text.trim() === '') return `${a.status} (no body)`;
    const body = bodyOf(a, 'json-or-empty');
    return 'refused' in body ? `${a.status} with a body the client cannot read (${body.refused})` : `${a.status} with a JSON body`;
  }
  const message = parseErrorBody(a.text).message;
  return message ? `${a.status}: ${message}` : String(a.status);
}

/**
 * A path as a reader can tell it apart: JSON-quoted, with every non-ASCII character escaped, so an NFD
 * "e\u0301" does not print like an NFC "é".
 */
export function shown(path: string): string {
  return JSON.stringify(path).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

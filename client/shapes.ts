/**
 * What each operation's 2xx answer must be, checked before anything reads it. A body that is not that — HTML
 * from a proxy, truncated JSON, an empty body where one is required, JSON of another shape — must never be
 * read as "empty" (an empty listing would re-upload everything and prune nothing; an empty FileSet search
 * would create a duplicate). The checks throw ShapeFailure; the transport turns it into
 * UnexpectedResponseError and retries it where the request is idempotent.
 */
import {
  accessListOf,
  normalizeAccess,
  normalizeAccessEntry,
  normalizeFile,
  normalizeFileSet,
  normalizeFileSetPage,
  normalizeFilePage,
  normalizeQueryResponse,
  normalizeStats,
  splitFileOf,
  STATS_COUNT_FIELDS,
} from './normalize';
import type { FileEntry, FilePage, FileSet, FileSetAccess, FileSetStats, QueryMatch, ReindexResult } from './types';

/** Why a 2xx body cannot be used by its operation (the text goes into the error message). */
export class ShapeFailure extends Error {
  readonly code = 'BAD_RESPONSE';
}

/** Whether an operation's answer must carry a JSON body, or may also be empty (deletes, 204s). */
export type BodyRule = 'json' | 'json-or-empty';

/** Largest answer body read into memory (a listing page of 1,000 entries is well under 1 MiB). */
export const MAX_JSON_BODY = 32 * 1024 * 1024;

/** Parses a 2xx body by the rule: any JSON value, or undefined for an empty body where that is allowed. */
export function parseBody(text: string, contentType: string | undefined, rule: BodyRule): unknown {
  const t = text.trim();
  if (t === '') {
    if (rule === 'json-or-empty') return undefined;
    throw new ShapeFailure('the body is empty');
  }
  if (/^\s*text\/html/i.test(contentType ?? '') || /^<(!doctype|html|head|body|\?xml)/i.test(t)) {
    throw new ShapeFailure('the body is HTML, not JSON (a proxy, gateway or login page answered?)');
  }
  try {
    return JSON.parse(t) as unknown;
  } catch {
    throw new ShapeFailure(`the body is not valid JSON (${t.length} characters; truncated?)`);
  }
}

type Rec = Record<string, unknown>;

function isRec(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function object(v: unknown, what: string): Rec {
  if (!isRec(v)) throw new ShapeFailure(`expected ${what} (a JSON object), got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return 'no body';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function hasId(v: unknown): boolean {
  return (typeof v === 'string' && v.trim() !== '') || (typeof v === 'number' && Number.isFinite(v));
}

function hasText(v: unknown): boolean {
  return typeof v === 'string' && v.replace(/^\/+/, '') !== '';
}

/** A FileSet: an object with an id. */
export function fileSetBody(v: unknown): FileSet {
  const o = object(v, 'a FileSet');
  if (!hasId(o.id)) throw new ShapeFailure('expected a FileSet with an id, got an object without one');
  return normalizeFileSet(o);
}

/** A File or Directory: an object with an id and a path. */
export function fileBody(v: unknown): FileEntry {
  const o = object(v, 'a file');
  if (!hasId(o.id) || !hasText(o.path)) throw new ShapeFailure('expected a file with an id and a path');
  return normalizeFile(o);
}

/** A split-upload answer `{file, status}`: its file has an id, and a path when `needPath`. */
export function splitFileBody(v: unknown, needPath: boolean): FileEntry {
  object(v, 'a split-upload answer');
  const f = object(splitFileOf(v), 'a split-upload file');
  if (!hasId(f.id)) throw new ShapeFailure('expected a split-upload file with an id');
  if (needPath && !hasText(f.path)) throw new ShapeFailure('expected a split-upload file with a path');
  return normalizeFile(f);
}

/** A page of the file listing: `files` is an array of objects; `pageContext.next` a string or null. */
export function filePageBody(v: unknown): FilePage {
  const o = object(v, 'a page of files');
  if (!Array.isArray(o.files)) throw new ShapeFailure('expected a page of files with a "files" array');
  if (!o.files.every(isRec)) throw new ShapeFailure('expected every entry of "files" to be an object');
  const pc = o.pageContext;
  if (pc !== undefined && pc !== null && !isRec(pc)) throw new ShapeFailure('expected "pageContext" to be an object');
  const next = isRec(pc) ? pc.next : o.next;
  if (next !== undefined && next !== null && typeof next !== 'string') throw new ShapeFailure('expected the page cursor "next" to be a string or null');
  return normalizeFilePage(o);
}

/** A page of the FileSet search: `fileSets` (or `filesets`) is an array of FileSets with ids. */
export function fileSetPageBody(v: unknown): ReturnType<typeof normalizeFileSetPage> {
  const o = object(v, 'a page of FileSets');
  const list = Array.isArray(o.fileSets) ? o.fileSets : Array.isArray(o.filesets) ? o.filesets : null;
  if (list === null) throw new ShapeFailure('expected a page of FileSets with a "fileSets" array');
  if (!list.every((f) => isRec(f) && hasId(f.id))) throw new ShapeFailure('expected every FileSet of the page to be an object with an id');
  return normalizeFileSetPage(o);
}

/** A query answer: `matches` is an array of objects. */
export function queryBody(v: unknown): QueryMatch[] {
  const o = object(v, 'a query answer');
  if (!Array.isArray(o.matches) || !o.matches.every(isRec)) throw new ShapeFailure('expected a query answer with a "matches" array of objects');
  return normalizeQueryResponse(o);
}

/** An access answer: `fileSetAccess` (or `indexAccess`) is an array of well-formed entries. */
export function accessBody(v: unknown): FileSetAccess {
  const o = object(v, 'an access list');
  const list = accessListOf(o);
  if (list === null) throw new ShapeFailure('expected an access list with a "fileSetAccess" array');
  if (!list.every((e) => normalizeAccessEntry(e) !== null)) {
    throw new ShapeFailure('expected every access entry to have a numeric entityId, entityType USER or GROUP and a permission OWNER, EDIT, READ or NONE');
  }
  return normalizeAccess(o);
}

/** A stats answer: an object with at least one numeric count, or a FileSet (the schema's reading). */
export function statsBody(v: unknown): FileSetStats {
  const o = object(v, 'FileSet statistics');
  const counts = STATS_COUNT_FIELDS.some((k) => typeof o[k] === 'number');
  if (!counts && !hasId(o.id)) throw new ShapeFailure('expected FileSet statistics (counts) or a FileSet');
  return normalizeStats(o);
}

/** A reindex answer: empty, or an object whose retriedFilesCount (if any) is a number. */
export function reindexBody(v: unknown): ReindexResult {
  if (v === undefined) return { retriedFilesCount: null };
  const o = object(v, 'a reindex answer');
  const n = o.retriedFilesCount;
  if (n !== undefined && n !== null && typeof n !== 'number') throw new ShapeFailure('expected "retriedFilesCount" to be a number');
  return { retriedFilesCount: typeof n === 'number' ? n : null };
}

/** Deletes, split-upload parts and aborts: an empty body or any JSON (a status object) means done. */
export function anyBody(_v: unknown): void {
  // parseBody already refused HTML and invalid JSON; any JSON value or none is an acknowledgement.
}

/**
 * The one rule for what a remote path is. A path that passes it is sent and stored byte for byte, so an
 * upload followed by a listing gives back exactly the path that was sent; a path that fails it is refused
 * before any request (the loader refuses such local names at scan, naming the file).
 *
 * Refused, and why:
 * - `\`: some servers and clients read it as a separator ("a\b" would be stored as "a/b").
 * - `"`, CR, LF: a multipart filename escapes them (`%22`, `%0D`, `%0A`) and servers keep the escaped form.
 * - other control characters (U+0000–U+001F, U+007F–U+009F): refused by servers, and unsafe in terminals.
 * - empty, `.` and `..` segments, and a leading or trailing `/`: a path names one file, never climbs.
 * - a segment over 255 UTF-8 bytes: the common file-name limit.
 * Everything else (spaces, `%#?+&;:*<>|`, non-ASCII in any normalization form) is kept as it is.
 */
import { ValidationError } from './errors';

/** Longest path segment in UTF-8 bytes. */
export const MAX_SEGMENT_BYTES = 255;

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\\"\u0000-\u001f\u007f-\u009f]/;

function describeChar(c: string): string {
  if (c === '\\') return 'a backslash';
  if (c === '"') return 'a double quote';
  return `a control character (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * Why `path` is not a valid remote path, or null when it is. `allowEmpty` accepts "" (a directory prefix
 * naming the FileSet's root).
 */
export function remotePathProblem(path: string, opts: { allowEmpty?: boolean } = {}): string | null {
  if (path === '') return opts.allowEmpty ? null : 'is empty';
  const bad = FORBIDDEN.exec(path);
  if (bad) return `contains ${describeChar(bad[0])}, which does not survive an upload unchanged`;
  if (path.startsWith('/')) return 'starts with "/"';
  if (path.endsWith('/')) return 'ends with "/"';
  for (const seg of path.split('/')) {
    if (seg === '') return 'has an empty segment ("//")';
    if (seg === '.' || seg === '..') return `has a "${seg}" segment`;
    const bytes = Buffer.byteLength(seg);
    if (bytes > MAX_SEGMENT_BYTES) return `has a segment of ${bytes} bytes (at most ${MAX_SEGMENT_BYTES})`;
  }
  return null;
}

/**
 * The lenient spellings a caller may use, made canonical: a leading or trailing "/" is dropped and "//"
 * collapses to "/". Nothing else changes (a `\` stays and is refused by the rule, never turned into "/").
 */
export function canonicalRemotePath(path: string): string {
  return path
    .split('/')
    .filter((s) => s !== '')
    .join('/');
}

/**
 * The canonical form of `path` when it passes the rule, else a ValidationError naming the path and the
 * reason; `what` names the argument in the message (e.g. "remote file path", "directoryPath").
 */
export function checkedRemotePath(path: string, opts: { allowEmpty?: boolean; what?: string } = {}): string {
  if (typeof path !== 'string') throw new ValidationError(`Invalid ${opts.what ?? 'remote path'}: expected a string, got ${typeof path}`);
  const canonical = canonicalRemotePath(path);
  const problem = remotePathProblem(canonical, { allowEmpty: opts.allowEmpty });
  if (problem !== null) throw new ValidationError(`Invalid ${opts.what ?? 'remote path'} ${JSON.stringify(path)}: it ${problem}`);
  return canonical;
}

/**
 * Splits a remote file path into the upload's directoryPath and file name: "a/b c/d.txt" →
 * {path: "a/b c/d.txt", directoryPath: "a/b c", name: "d.txt"}; "d.txt" → {directoryPath: "", name: "d.txt"}.
 * A path ending in "/" names a directory, not a file, and is refused.
 */
export function splitRemotePath(path: string): { path: string; directoryPath: string; name: string } {
  if (typeof path === 'string' && path.endsWith('/')) {
    throw new ValidationError(`Invalid remote file path ${JSON.stringify(path)}: it ends with "/" (a directory)`);
  }
  const clean = checkedRemotePath(path, { what: 'remote file path' });
  const slash = clean.lastIndexOf('/');
  return { path: clean, directoryPath: slash < 0 ? '' : clean.slice(0, slash), name: clean.slice(slash + 1) };
}

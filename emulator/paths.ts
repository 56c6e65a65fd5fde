/**
 * What the emulator accepts as a remote path, and path helpers. A path that passes is stored byte for byte
 * (no normalization of any kind), so a listing gives back exactly the path that was sent.
 *
 * Refused with 400, and why:
 * - `\`: some servers and clients read it as a separator.
 * - `"`, CR, LF: a multipart filename escapes them (`%22`, `%0D`, `%0A`), so they would not arrive as sent.
 * - other control characters (U+0000–U+001F, U+007F–U+009F).
 * - empty, `.` and `..` segments, and a leading or trailing `/`: a path names one file and never climbs.
 * - a segment over 255 UTF-8 bytes.
 * The client applies the same rule before sending (a test runs both over the same generated inputs); the
 * emulator keeps its own copy because it shares nothing with the client but wire types.
 */
import { errors } from './errors';

/** Longest path segment in UTF-8 bytes. */
const MAX_SEGMENT_BYTES = 255;

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\\"\u0000-\u001f\u007f-\u009f]/;

function describeChar(c: string): string {
  if (c === '\\') return 'a backslash';
  if (c === '"') return 'a double quote';
  return `a control character (U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/** Why `path` is not an acceptable remote path, or null. `allowEmpty` accepts "" (the FileSet's root). */
export function pathProblem(path: string, opts: { allowEmpty?: boolean } = {}): string | null {
  if (path === '') return opts.allowEmpty ? null : 'is empty';
  const bad = FORBIDDEN.exec(path);
  if (bad) return `contains ${describeChar(bad[0])}`;
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

/** `raw` when it is an acceptable path, else a 400 naming `what`. */
export function checkPath(raw: string, what: string, opts: { allowEmpty?: boolean } = {}): string {
  const problem = pathProblem(raw, opts);
  if (problem) throw errors.badRequest(`${what} ${problem}: ${JSON.stringify(raw.length > 300 ? raw.slice(0, 300) + '…' : raw)}`);
  return raw;
}

/** Joins a directory path and a file name, each checked, into the full path. */
export function joinPath(directoryPath: string, name: string): string {
  const dir = checkPath(directoryPath, 'directoryPath', { allowEmpty: true });
  if (name === '') throw errors.badRequest('the file part has no file name');
  const file = checkPath(name, 'file name');
  return dir ? `${dir}/${file}` : file;
}

/** The last segment of a path. */
export function baseName(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** The parent directories of a path, outermost first ("a/b/c" → ["a", "a/b"]). */
export function parentDirs(p: string): string[] {
  const segs = p.split('/');
  const out: string[] = [];
  for (let i = 1; i < segs.length; i++) out.push(segs.slice(0, i).join('/'));
  return out;
}

/** Remote path rules: POSIX separators, no leading slash, no `.`/empty segments, `..` and absolute paths refused. */
import { errors } from './errors';

/**
 * Normalizes a remote path or directory path. Empty segments and `.` are dropped ("a//./b" → "a/b");
 * `..`, a leading slash, NUL and control characters are refused with 400, as the emulator must never
 * let a path climb out of its FileSet.
 */
export function normalizePath(raw: string, what: string): string {
  if (raw.startsWith('/')) throw errors.badRequest(`${what} must be relative, got an absolute path: ${raw}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw errors.badRequest(`${what} contains control characters`);
  const out: string[] = [];
  for (const seg of raw.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') throw errors.badRequest(`${what} must not contain '..': ${raw}`);
    out.push(seg);
  }
  return out.join('/');
}

/** Joins a directory path and a file name into a normalized full path. */
export function joinPath(directoryPath: string, name: string): string {
  const dir = normalizePath(directoryPath, 'directoryPath');
  const file = normalizePath(name, 'file name');
  if (!file) throw errors.badRequest('the file part has no file name');
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

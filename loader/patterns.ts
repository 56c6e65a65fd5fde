/**
 * Validation and matching of include/exclude patterns and remote prefixes. Patterns are relative to the
 * source; anything that could reach outside it (absolute, `..`) is refused before any I/O.
 */
import picomatch from 'picomatch';

/** Returns why a glob pattern is unsafe or malformed, or null when it is fine. */
export function patternProblem(pattern: string): string | null {
  if (pattern.length === 0) return 'empty pattern';
  if (pattern.includes('\0')) return 'pattern contains a NUL character';
  if (pattern.startsWith('/') || /^[A-Za-z]:[\\/]/.test(pattern) || pattern.startsWith('\\\\')) {
    return `pattern '${pattern}' is absolute; patterns are relative to source`;
  }
  if (pattern.startsWith('!')) return `pattern '${pattern}' is negated; put it in exclude instead`;
  const segments = pattern.split(/[\\/]/);
  if (segments.includes('..')) return `pattern '${pattern}' contains '..'; it may not reach outside source`;
  return null;
}

/**
 * Longest remote prefix accepted. The listing sends the prefix in the query string, and gateways refuse
 * long URLs (431/414): a FileSet created under a longer prefix could never be listed, so never pruned.
 */
export const MAX_DIRECTORY_PATH = 1024;
/** Longest single path segment, in UTF-8 bytes (the common file-system name limit). */
export const MAX_SEGMENT_BYTES = 255;

/**
 * Normalizes a remote prefix: no leading/trailing slash, NFC, "" for the root.
 * Returns an error string for `.`/`..`/empty segments or backslashes.
 */
export function normalizeDirectoryPath(raw: string): { value: string } | { problem: string } {
  const trimmed = raw.replace(/^\/+|\/+$/g, '').normalize('NFC');
  if (trimmed === '') return { value: '' };
  if (trimmed.includes('\\')) return { problem: `directoryPath '${raw}' contains a backslash; use '/'` };
  if (trimmed.includes('\0')) return { problem: 'directoryPath contains a NUL character' };
  if (trimmed.length > MAX_DIRECTORY_PATH) {
    return { problem: `directoryPath is ${trimmed.length} characters; at most ${MAX_DIRECTORY_PATH}` };
  }
  for (const seg of trimmed.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') return { problem: `directoryPath '${raw}' has an empty, '.' or '..' segment` };
    if (Buffer.byteLength(seg) > MAX_SEGMENT_BYTES) return { problem: `directoryPath has a segment of ${Buffer.byteLength(seg)} bytes; at most ${MAX_SEGMENT_BYTES}` };
  }
  return { value: trimmed };
}

/** True when two prefixes overlap (one equals or contains the other); "" contains everything. */
export function prefixesOverlap(a: string, b: string): boolean {
  if (a === '' || b === '' || a === b) return true;
  return a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Joins a prefix and a path relative to it. */
export function joinRemote(prefix: string, rel: string): string {
  return prefix === '' ? rel : `${prefix}/${rel}`;
}

/** The path relative to `prefix`, or null when `remotePath` is not under it. */
export function relativeToPrefix(prefix: string, remotePath: string): string | null {
  if (prefix === '') return remotePath;
  return remotePath.startsWith(`${prefix}/`) ? remotePath.slice(prefix.length + 1) : null;
}

/**
 * A matcher for exclude patterns with fast-glob's semantics (picomatch underneath). Dotfiles always match:
 * the matcher protects remote files from pruning, so it errs on the side of matching.
 */
export function excludeMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  if (patterns.length === 0) return () => false;
  const isMatch = picomatch(patterns as string[], { dot: true });
  // fast-glob ignores a directory's contents when the pattern names the directory ("build" or "build/**").
  return (rel) => {
    if (isMatch(rel)) return true;
    let idx = rel.indexOf('/');
    while (idx >= 0) {
      if (isMatch(rel.slice(0, idx))) return true;
      idx = rel.indexOf('/', idx + 1);
    }
    return false;
  };
}

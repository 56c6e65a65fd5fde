/**
 * Remote prefixes (an entry's `directoryPath`): one spelling, the remote path rule, and the arithmetic of
 * joining and splitting paths under a prefix.
 */
import { remotePathProblem } from '../client/remote-path';

/**
 * Longest remote prefix accepted. The listing sends the prefix in the query string, and gateways refuse
 * long URLs (431/414): a FileSet created under a longer prefix could never be listed, so never pruned.
 */
export const MAX_DIRECTORY_PATH = 1024;

/**
 * Normalizes a remote prefix: no leading/trailing slash, NFC, "" for the root; anything the remote path
 * rule refuses (backslash, quote, control characters, empty/./.. segments, long segments) is a problem.
 */
export function normalizeDirectoryPath(raw: string): { value: string } | { problem: string } {
  const trimmed = raw.replace(/^\/+|\/+$/g, '').normalize('NFC');
  if (trimmed.length > MAX_DIRECTORY_PATH) {
    return { problem: `directoryPath is ${trimmed.length} characters; at most ${MAX_DIRECTORY_PATH}` };
  }
  const problem = remotePathProblem(trimmed, { allowEmpty: true });
  return problem ? { problem: `directoryPath '${raw}' ${problem}` } : { value: trimmed };
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

/** The path relative to `prefix`, or null when `remotePath` is not strictly under it. */
export function relativeToPrefix(prefix: string, remotePath: string): string | null {
  if (prefix === '') return remotePath === '' ? null : remotePath;
  return remotePath.startsWith(`${prefix}/`) ? remotePath.slice(prefix.length + 1) : null;
}

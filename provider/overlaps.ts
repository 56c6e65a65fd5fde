/**
 * Resources of one program that would fight over the same remote paths or the same grants. A FileSetFolder
 * prunes and, when deleted, removes every file under its prefix that its `exclude` patterns do not protect,
 * so a FileSetFile or another FileSetFolder inside that prefix would be deleted and uploaded again on
 * alternate runs. A FileSetAccess revokes every grant it does not list, so two of them on one FileSet would
 * revoke each other's grants on every run.
 *
 * The rule, for two resources of the program in the same FileSet (same fileSetId value):
 * - a FileSetFile conflicts with a FileSetFolder when its path is under the folder's prefix and the folder's
 *   `exclude` does not match the path relative to the prefix (or one of its parent directories);
 * - two FileSetFolders conflict when their prefixes overlap (equal, or one inside the other), unless the outer
 *   folder's `exclude` matches the inner prefix relative to the outer one;
 * - two FileSetFiles conflict when their paths are equal;
 * - a file where the other resource needs a directory (FileSetFile 'docs' beside a path or prefix under
 *   'docs/') conflicts too;
 * - two FileSetAccess resources conflict: each is authoritative for all of the FileSet's grants, so each would
 *   revoke what the other grants.
 *
 * Runs in the user's program: each resource constructor records its claim here and receives the conflicts
 * with the resources constructed before it as the hidden `overlaps` input, which `check` reports as failures.
 * While a value is unknown (preview before a FileSet exists) nothing is reported.
 */
import * as pulumi from '@pulumi/pulumi';
import { normalizeDirectoryPath, relativeToPrefix } from '../loader/prefix';
import { normalizeSelection, selectorOf } from '../loader/selector';

/** What one resource manages in its FileSet, as the program declared it. */
export type Claim =
  | { kind: 'file'; name: string; fileSetId: string; path: string }
  | { kind: 'folder'; name: string; fileSetId: string; prefix: string; exclude: string[] }
  | { kind: 'access'; name: string; fileSetId: string };

/** True when the folder's exclude patterns protect `rel` (the loader's rule: the path or a parent matches). */
function excludes(folder: Extract<Claim, { kind: 'folder' }>, rel: string): boolean {
  return selectorOf({ include: ['**/*'], exclude: folder.exclude, dot: false }).excludes(rel);
}

function show(c: Exclude<Claim, { kind: 'access' }>): string {
  return c.kind === 'file'
    ? `FileSetFile '${c.name}' (path '${c.path}')`
    : `FileSetFolder '${c.name}' (prefix ${c.prefix === '' ? "'' (the root)" : `'${c.prefix}'`})`;
}

/** True when `p` is strictly under directory `dir`. */
function under(dir: string, p: string): boolean {
  return relativeToPrefix(dir, p) !== null;
}

function fileVsFolder(file: Extract<Claim, { kind: 'file' }>, folder: Extract<Claim, { kind: 'folder' }>): string | undefined {
  const rel = relativeToPrefix(folder.prefix, file.path);
  if (rel !== null) {
    if (excludes(folder, rel)) return undefined;
    return `${show(file)} is inside ${show(folder)} and would be pruned by it; exclude it in the folder (exclude: ['${rel}']) or move it`;
  }
  if (file.path === folder.prefix || under(file.path, folder.prefix)) {
    return `${show(folder)} needs '${file.path}' to be a directory, but ${show(file)} puts a file there; move one of them`;
  }
  return undefined;
}

function folderVsFolder(a: Extract<Claim, { kind: 'folder' }>, b: Extract<Claim, { kind: 'folder' }>): string | undefined {
  if (a.prefix === b.prefix) return `${show(a)} and ${show(b)} own the same prefix of one FileSet and would prune each other's files; give each its own prefix`;
  const [outer, inner] = under(a.prefix, b.prefix) ? [a, b] : under(b.prefix, a.prefix) ? [b, a] : [undefined, undefined];
  if (!outer || !inner) return undefined;
  const rel = relativeToPrefix(outer.prefix, inner.prefix) as string;
  if (excludes(outer, rel)) return undefined;
  return `${show(inner)} is inside ${show(outer)}, which would prune its files; exclude it in '${outer.name}' (exclude: ['${rel}']) or use prefixes that do not overlap`;
}

function fileVsFile(a: Extract<Claim, { kind: 'file' }>, b: Extract<Claim, { kind: 'file' }>): string | undefined {
  if (a.path === b.path) return `${show(a)} and ${show(b)} manage the same path and would overwrite each other; keep one`;
  const [dirFile, nested] = under(a.path, b.path) ? [a, b] : under(b.path, a.path) ? [b, a] : [undefined, undefined];
  if (!dirFile || !nested) return undefined;
  return `${show(nested)} needs '${dirFile.path}' to be a directory, but ${show(dirFile)} puts a file there; move one of them`;
}

/** Why two claims cannot both be applied, or undefined when they can. */
export function conflictOf(a: Claim, b: Claim): string | undefined {
  if (a.fileSetId !== b.fileSetId) return undefined;
  if (a.kind === 'access' || b.kind === 'access') {
    if (a.kind !== b.kind) return undefined;
    return `FileSetAccess '${a.name}' and FileSetAccess '${b.name}' both manage the grants of FileSet ${a.fileSetId}; each would revoke what the other grants, so keep one FileSetAccess per FileSet`;
  }
  if (a.kind === 'file' && b.kind === 'file') return fileVsFile(a, b);
  if (a.kind === 'folder' && b.kind === 'folder') return folderVsFolder(a, b);
  return a.kind === 'file' ? fileVsFolder(a, b as Extract<Claim, { kind: 'folder' }>) : fileVsFolder(b as Extract<Claim, { kind: 'file' }>, a);
}

/** A FileSetFile's claim; null when its inputs are invalid (check reports those). */
export function fileClaim(name: string, fileSetId: unknown, path: unknown): Claim | null {
  if (typeof fileSetId !== 'string' || typeof path !== 'string' || path === '') return null;
  return { kind: 'file', name, fileSetId, path: path.normalize('NFC') };
}

/** A FileSetAccess's claim; null when its inputs are invalid (check reports those). */
export function accessClaim(name: string, fileSetId: unknown): Claim | null {
  return typeof fileSetId === 'string' && fileSetId !== '' ? { kind: 'access', name, fileSetId } : null;
}

/** A FileSetFolder's claim; null when its inputs are invalid (check reports those). */
export function folderClaim(name: string, fileSetId: unknown, directoryPath: unknown, exclude: unknown): Claim | null {
  if (typeof fileSetId !== 'string') return null;
  const dp = normalizeDirectoryPath(typeof directoryPath === 'string' ? directoryPath : '');
  if ('problem' in dp) return null;
  try {
    const selection = normalizeSelection({ exclude: Array.isArray(exclude) ? (exclude as string[]) : [] });
    return { kind: 'folder', name, fileSetId, prefix: dp.value, exclude: selection.exclude };
  } catch {
    return null;
  }
}

/** Claims recorded per running program (keyed by its resource monitor: each setMocks call is a new program). */
const claims = new WeakMap<object, pulumi.Output<Claim | null>[]>();
const NO_MONITOR = {};

/**
 * Records a resource's claim and returns its conflicts with the resources constructed before it in this
 * program, as messages naming both resources (an empty list when there are none).
 */
export function recordClaim(claim: pulumi.Output<Claim | null>): pulumi.Output<string[]> {
  const key = pulumi.runtime.getMonitor() ?? NO_MONITOR;
  const earlier = claims.get(key) ?? [];
  claims.set(key, [...earlier, claim]);
  return pulumi.all([claim, ...earlier]).apply(([mine, ...others]) => {
    if (!mine) return [];
    const out: string[] = [];
    for (const other of others) {
      const c = other ? conflictOf(mine, other) : undefined;
      if (c) out.push(c);
    }
    return out;
  });
}

/**
 * Remote side: find the FileSet (by id, or by exact name with duplicates refused) and list what is under a
 * prefix. Read-only: nothing here sends a mutating request.
 */
import { isNotFound, usableSha256, type DomoFilesClient, type FileSet } from '../client';
import { LoaderError } from './errors';
import { relativeToPrefix } from './prefix';
import { byPath } from './order';

/** One remote entry under a prefix, as the planner sees it. */
export interface RemoteEntry {
  /** Full remote path (prefix included). */
  path: string;
  id: string;
  /** 'unknown': neither positively a file nor a directory; never deleted, and it blocks the entry's plan. */
  kind: 'file' | 'directory' | 'unknown';
  size: number;
  /** SHA-256 hex, or null when the server gave none or another algorithm. */
  hash: string | null;
  /** What the server said, for messages about unknown entries. */
  shape?: string;
}

/**
 * Page size the loader asks for: fewer round trips on big FileSets (the client falls back to 100 on a 400).
 * bench/run.ts reads it by name from the built module for its request-count target.
 * @public
 */
export const LIST_PAGE_SIZE = 1000;

/** Finds a FileSet by id (404 → null) or by exact name (none → null; several → LoaderError asking for an id). */
export async function findFileSet(client: DomoFilesClient, ref: { name: string; id?: string }): Promise<FileSet | null> {
  if (ref.id !== undefined) {
    try {
      return await client.getFileSet(ref.id);
    } catch (e) {
      if (isNotFound(e)) return null;
      throw e;
    }
  }
  const found = (await client.findFileSetsByName(ref.name)).filter((f) => f.name === ref.name);
  if (found.length > 1) {
    throw new LoaderError(`${found.length} FileSets are named '${ref.name}' (ids ${found.map((f) => f.id).join(', ')}); set 'id' in the manifest to pick one`);
  }
  return found[0] ?? null;
}

/**
 * Every entry strictly under `directoryPath` (files, directories, and entries of unknown shape), all pages,
 * sorted by path; a path listed twice is kept once. A missing prefix directory lists as empty.
 */
export async function listRemote(client: DomoFilesClient, fileSetId: string, directoryPath: string, signal?: AbortSignal): Promise<RemoteEntry[]> {
  const out: RemoteEntry[] = [];
  const seen = new Set<string>();
  try {
    const opts = { limit: LIST_PAGE_SIZE, ...(directoryPath ? { directoryPath } : {}), ...(signal ? { signal } : {}) };
    for await (const page of client.listFilePages(fileSetId, opts)) {
      for (const f of page.files) {
        if (relativeToPrefix(directoryPath, f.path) === null || seen.has(f.path)) continue;
        seen.add(f.path);
        const kind = f.kind;
        const entry: RemoteEntry = { path: f.path, id: f.id, kind, size: f.size ?? 0, hash: kind === 'file' ? usableSha256(f) : null };
        if (kind === 'unknown') entry.shape = `fileType ${JSON.stringify(f.fileType)}, size ${JSON.stringify(f.size)}`;
        out.push(entry);
      }
    }
  } catch (e) {
    if (!(directoryPath && isNotFound(e))) throw e;
  }
  return out.sort(byPath);
}

/** True for the client's 404 error, and only for it (a 403 is never read as "gone"). */
export { isNotFound };

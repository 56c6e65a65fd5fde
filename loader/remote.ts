/**
 * Remote side: find the FileSet (by id, or by exact name with duplicates refused) and list its files under
 * a prefix. Read-only: nothing here sends a mutating request.
 */
import type { DomoFilesClient, FileSet } from '../client';
import { LoaderError } from './errors';
import { relativeToPrefix } from './patterns';

/** One remote file, as the planner sees it. */
export interface RemoteFile {
  /** Full remote path (prefix included). */
  path: string;
  id: string;
  size: number;
  /** SHA-256 hex, or null when the server gave none or another algorithm. */
  hash: string | null;
}

/** Largest page the loader asks for: fewer round trips on big FileSets. */
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

/** Every file (not directory) under `directoryPath`, all pages, sorted by path. A missing directory lists as empty. */
export async function listRemoteFiles(client: DomoFilesClient, fileSetId: string, directoryPath: string): Promise<RemoteFile[]> {
  const out: RemoteFile[] = [];
  const seen = new Set<string>();
  try {
    const opts = { limit: LIST_PAGE_SIZE, filesOnly: true, ...(directoryPath ? { directoryPath } : {}) };
    for await (const page of client.listFilePages(fileSetId, opts)) {
      for (const f of page.files) {
        if (f.isDirectory || relativeToPrefix(directoryPath, f.path) === null || seen.has(f.path)) continue;
        seen.add(f.path);
        const sha = f.hash && (f.hashAlgorithm === null || f.hashAlgorithm === 'SHA_256_HEX') && /^[0-9a-fA-F]{64}$/.test(f.hash)
          ? f.hash.toLowerCase() : null;
        out.push({ path: f.path, id: f.id, size: f.size ?? 0, hash: sha });
      }
    }
  } catch (e) {
    if (!(directoryPath && isNotFound(e))) throw e;
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** True for the client's 404 error (matched by code so the loader does not depend on error classes' identity). */
export function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && ((e as { code?: unknown }).code === 'NOT_FOUND' || (e as { status?: unknown }).status === 404);
}

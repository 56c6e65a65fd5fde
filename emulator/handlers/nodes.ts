/** Node helpers shared by the upload, split-upload and delete handlers. */
import { randomUUID } from 'node:crypto';
import { App } from '../app';
import { errors } from '../errors';
import { baseName, parentDirs } from '../paths';
import type { NodeRecord } from '../store/types';

/**
 * Refuses to put a file at `path` when an ancestor is a file (a file holds no children) or when entries
 * exist under `path/` (a directory, perhaps one that has no entry of its own when parents are not implicit).
 */
export function checkFilePlace(app: App, fileSetId: string, path: string): void {
  checkParents(app, fileSetId, path);
  const child = app.store.scan(fileSetId, { under: path })[Symbol.iterator]().next();
  if (!child.done) throw errors.conflict(`Cannot create file ${path}: ${child.value.path} is inside it`);
}

/** Refuses a path whose ancestors include a file. */
export function checkParents(app: App, fileSetId: string, path: string): void {
  for (const dir of parentDirs(path)) {
    const n = app.store.getNodeByPath(fileSetId, dir);
    if (n && n.kind === 'FILE') throw errors.conflict(`Cannot create ${path}: ${dir} is a file`);
  }
}

/** Creates the missing parent directories of path when the readings say uploads make them. */
export async function ensureParents(app: App, fileSetId: string, path: string, createdBy: number): Promise<void> {
  if (!app.readings.implicitDirs) return;
  for (const dir of parentDirs(path)) {
    // The check and the store's in-memory update happen in one tick, so concurrent uploads agree.
    if (app.store.getNodeByPath(fileSetId, dir)) continue;
    await app.store.putNode(fileSetId, directoryNode(app, dir, createdBy));
  }
}

/** A new directory record. */
export function directoryNode(app: App, path: string, createdBy: number): NodeRecord {
  return {
    id: randomUUID(),
    path,
    name: baseName(path),
    kind: 'DIRECTORY',
    blobs: [],
    size: null,
    hash: null,
    contentType: null,
    fileType: 'DIRECTORY',
    created: app.now(),
    createdBy,
    indexStatus: null,
    indexReason: null,
  };
}

/** Stores a finished file and starts its indexing. */
export async function putFile(app: App, fileSetId: string, node: NodeRecord, head: Buffer): Promise<NodeRecord> {
  const admitted = app.indexer.admit(fileSetId, node, head);
  await app.store.putNode(fileSetId, admitted);
  if (admitted.indexStatus === 'PENDING') app.indexer.queue(fileSetId, admitted.id);
  app.index.touch(fileSetId, admitted.id);
  return admitted;
}

/** Deletes the node at path (a directory with its subtree); returns every removed path. */
export async function removeNode(app: App, fileSetId: string, path: string): Promise<string[]> {
  const removed = await app.store.deleteNode(fileSetId, path);
  for (const n of removed) if (n.kind === 'FILE') app.index.touch(fileSetId, n.id);
  return removed.map((n) => n.path);
}

/** Node helpers shared by the upload, split-upload and delete handlers. */
import { randomUUID } from 'node:crypto';
import { App, EMULATOR_USER_ID } from '../app';
import { errors } from '../errors';
import { baseName, parentDirs } from '../paths';
import type { NodeRecord } from '../store/types';

/** Refuses a path whose ancestors include a file (a file cannot hold children). */
export function checkParents(app: App, fileSetId: string, path: string): void {
  for (const dir of parentDirs(path)) {
    const n = app.store.getNodeByPath(fileSetId, dir);
    if (n && n.kind === 'FILE') throw errors.conflict(`Cannot create ${path}: ${dir} is a file`);
  }
}

/** Creates the missing parent directories of path (implicit directories, as Domo's uploads do). */
export async function ensureParents(app: App, fileSetId: string, path: string): Promise<void> {
  for (const dir of parentDirs(path)) {
    // The check and the store's in-memory update happen in one tick, so concurrent uploads agree.
    if (app.store.getNodeByPath(fileSetId, dir)) continue;
    await app.store.putNode(fileSetId, directoryNode(app, dir));
  }
}

/** A new directory record. */
export function directoryNode(app: App, path: string): NodeRecord {
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
    createdBy: EMULATOR_USER_ID,
  };
}

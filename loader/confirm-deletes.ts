/**
 * Looking again after an entry's deletes. "Exit 0 means remote equals local" cannot rest on the DELETE
 * answers alone: an empty 200 from a proxy for a request the server never saw reads as success. After an
 * entry's deletes, each deleted entry is looked up again, by id one by one when there are fewer of them than
 * listing pages, else by listing the entry's prefix once; what is still there (same path, same id) is a
 * delete that was not done.
 */
import { confirmGone, isDomoError, type DomoFilesClient } from '../client';
import { forEachPooled } from './pool';
import { isNotFound, listRemote } from './remote';
import type { DeleteStep } from './types';

/** The smallest page size a documented server may impose: the estimate of how many pages a listing takes. */
const SMALLEST_PAGE = 100;

/** What a confirmation looks at. */
export interface ConfirmScope {
  client: DomoFilesClient;
  fileSetId: string;
  /** The entry's prefix (its directoryPath). */
  directoryPath: string;
  /** Remote entries under the prefix after the deletes, as planned (sets how many pages a listing costs). */
  remaining: number;
  concurrency: number;
  signal?: AbortSignal;
}

/** The deletes of `deleted` whose entry is still there after a few looks (empty: all confirmed). */
export async function unconfirmedDeletes(scope: ConfirmScope, deleted: readonly DeleteStep[]): Promise<DeleteStep[]> {
  const pages = Math.max(1, Math.ceil(scope.remaining / SMALLEST_PAGE));
  return confirmGone(deleted, (pending) => (pending.length <= pages ? stillThereById(scope, pending) : stillListed(scope, pending)), scope.signal);
}

async function stillThereById(scope: ConfirmScope, pending: readonly DeleteStep[]): Promise<DeleteStep[]> {
  const still: DeleteStep[] = [];
  let forbidden = false;
  await forEachPooled(
    pending,
    scope.concurrency,
    async (d) => {
      try {
        const f = await scope.client.getFile(scope.fileSetId, d.id);
        if (f.path === d.path) still.push(d);
      } catch (e) {
        // A server that answers 403 for what does not exist cannot say "gone" by id: the listing can.
        if (isForbidden(e)) forbidden = true;
        else if (!isNotFound(e)) throw e;
      }
    },
    scope.signal,
  );
  return forbidden ? stillListed(scope, pending) : still;
}

async function stillListed(scope: ConfirmScope, pending: readonly DeleteStep[]): Promise<DeleteStep[]> {
  const listed = new Map((await listRemote(scope.client, scope.fileSetId, scope.directoryPath, scope.signal)).map((r) => [r.path, r.id]));
  return pending.filter((d) => listed.get(d.path) === d.id);
}

function isForbidden(e: unknown): boolean {
  return isDomoError(e) && e.code === 'FORBIDDEN';
}

/**
 * The file listing: cursor pages of POST /filesets/{id}/files/search. The API ends a listing by answering
 * with the cursor just sent (or null when there was nothing to list); a server that keeps handing out new
 * cursors must not keep a caller busy forever, so a cursor that comes back, or a page that brings no path not
 * seen before, ends the listing with PaginationError.
 */
import { isDomoError, PaginationError } from './errors';
import { checkedRemotePath } from './remote-path';
import type { Requester } from './requester';
import { filePageBody } from './shapes';
import type { FilePage, ListFilesOptions, SearchBody } from './types';

/** Page size every server accepts: the OpenAPI spec's default (no maximum is documented). */
export const SAFE_PAGE_SIZE = 100;

/** What the client learnt about listings, kept for its whole life. */
export interface ListingLimits {
  /** Set to SAFE_PAGE_SIZE once a server answered 400 to a larger page size. */
  maxPageSize: number | null;
}

/** The search body of both search endpoints: only the keys the caller set. */
export function searchBody(opts: SearchBody | undefined): SearchBody {
  const body: SearchBody = {};
  if (opts?.fieldSort) body.fieldSort = opts.fieldSort;
  if (opts?.filters) body.filters = opts.filters;
  if (opts?.dateFilters) body.dateFilters = opts.dateFilters;
  return body;
}

/**
 * Pages of a FileSet's listing. A 400 to a page size above SAFE_PAGE_SIZE is retried once with
 * SAFE_PAGE_SIZE, and `limits` keeps it for later listings (and for those in flight, whose own 400 may
 * arrive after another listing's lowered it).
 */
export async function* listFilePages(
  req: Requester,
  limits: ListingLimits,
  fileSetId: string,
  pageSize: number,
  opts: ListFilesOptions,
): AsyncIterableIterator<FilePage> {
  const directoryPath = opts.directoryPath === undefined ? '' : checkedRemotePath(opts.directoryPath, { allowEmpty: true, what: 'directoryPath' });
  const sent = new Set<string>();
  const paths = new Set<string>();
  let cursor: string | undefined;
  for (let pageNo = 1; ; pageNo++) {
    const limit = limits.maxPageSize === null ? pageSize : Math.min(pageSize, limits.maxPageSize);
    let page: FilePage;
    try {
      page = await req.call(
        { operation: 'listFilesForFileset', idempotency: 'idempotent' },
        'POST',
        `/filesets/${encodeURIComponent(fileSetId)}/files/search`,
        'json',
        filePageBody,
        {
          query: { directoryPath: directoryPath === '' ? undefined : directoryPath, immediateChildren: opts.immediateChildren, limit, next: cursor },
          json: searchBody(opts),
          signal: opts.signal,
        },
      );
    } catch (e) {
      // Whether this listing or another one in flight learnt it first, the page is asked again with 100.
      if (isDomoError(e) && e.status === 400 && limit > SAFE_PAGE_SIZE) {
        limits.maxPageSize = SAFE_PAGE_SIZE;
        pageNo--;
        continue;
      }
      throw e;
    }
    const done = page.next === null || page.next === cursor;
    let fresh = 0;
    for (const f of page.files) {
      if (paths.has(f.path)) continue;
      paths.add(f.path);
      fresh++;
    }
    if (!done) {
      const next = page.next as string;
      if (sent.has(next)) {
        throw new PaginationError(`The listing of FileSet ${fileSetId} does not end: page ${pageNo} handed out a cursor the server had given before`, {
          operation: 'listFilesForFileset',
        });
      }
      if (fresh === 0) {
        throw new PaginationError(
          `The listing of FileSet ${fileSetId} does not end: page ${pageNo} brought no path that was not listed before, yet a new cursor`,
          { operation: 'listFilesForFileset' },
        );
      }
    }
    const files = opts.filesOnly ? page.files.filter((f) => f.kind !== 'directory') : page.files;
    yield { files, next: done ? null : page.next };
    if (done) return;
    if (cursor !== undefined) sent.add(cursor);
    cursor = page.next as string;
  }
}

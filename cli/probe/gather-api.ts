/** The requests behind the listing, delete, missing-object, indexing, query and rate-limit checks. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { normalizeFile } from '../../client/normalize';
import { ok } from './answers';
import { enc, idOf, upload, type GatherCtx } from './io';
import {
  FINAL_INDEX_STATUSES,
  judgeEndCursor,
  type CascadeObs,
  type DeleteFileObs,
  type DeleteFileSetObs,
  type EndCursorObs,
  type IndexObs,
  type MaxLimitObs,
  type MissingObs,
  type QueryObs,
  type RateLimitObs,
} from './judge-api';
import { jsonOf } from './raw';

/** Page sizes tried, largest first; 1000 is what the loader asks for. */
const LIMITS = [1000, 500, 200, 100] as const;

/** One listing page of the scratch FileSet. */
function listPage(ctx: GatherCtx, limit: number, next: string | null = null) {
  return ctx.raw.send('POST', `/filesets/${enc(ctx.fileSetId)}/files/search`, { query: { limit, next }, json: {} });
}

/** Tries page sizes from the largest down until one is accepted. */
export async function gatherMaxLimit(ctx: GatherCtx): Promise<MaxLimitObs> {
  const tries: MaxLimitObs['tries'] = [];
  for (const limit of LIMITS) {
    const answer = await listPage(ctx, limit);
    tries.push({ limit, answer });
    if (ok(answer)) break;
  }
  return { tries };
}

/** Page size of the cursor check: small, so the scratch FileSet's few dozen entries take several pages. */
const CURSOR_PAGE = 4;
const MAX_CURSOR_PAGES = 100;

/** Pages through the scratch FileSet until the listing ends (as judgeEndCursor reads it) or clearly does not. */
export async function gatherEndCursor(ctx: GatherCtx): Promise<EndCursorObs> {
  const pages: EndCursorObs['pages'] = [];
  let sent: string | null = null;
  while (pages.length < MAX_CURSOR_PAGES) {
    const answer = await listPage(ctx, CURSOR_PAGE, sent);
    pages.push({ sent, answer });
    if (judgeEndCursor({ pages }).value !== 'does not end') break;
    const body = jsonOf(answer) as { pageContext?: { next?: unknown }; next?: unknown };
    sent = String(body.pageContext?.next ?? body.next);
  }
  return { pages };
}

/** Deletes one file by id and another by path. */
export async function gatherDeleteFile(ctx: GatherCtx): Promise<DeleteFileObs> {
  const id = idOf(await upload(ctx, 'delete', 'by-id.txt', 'to be deleted by id\n'), 'uploading a file to delete');
  const byId = await ctx.raw.send('DELETE', `/filesets/${enc(ctx.fileSetId)}/files/${enc(id)}`);
  idOf(await upload(ctx, 'delete', 'by-path.txt', 'to be deleted by path\n'), 'uploading a file to delete');
  const byPath = await ctx.raw.send('DELETE', `/filesets/${enc(ctx.fileSetId)}/path`, { query: { path: 'delete/by-path.txt' } });
  return { byId, byPath };
}

/** GET of a FileSet after its delete; records it as gone unless it is still there. */
async function afterDelete(ctx: GatherCtx, id: string) {
  const after = await ctx.raw.send('GET', `/filesets/${enc(id)}`);
  if (after.status !== 200) ctx.gone(id);
  return after;
}

/** Creates an empty FileSet and deletes it. */
export async function gatherDeleteFileSet(ctx: GatherCtx): Promise<DeleteFileSetObs> {
  const id = await ctx.extraFileSet('empty');
  const answer = await ctx.raw.send('DELETE', `/filesets/${enc(id)}`);
  return { answer, after: await afterDelete(ctx, id) };
}

/** Creates a FileSet holding one file and deletes it; after a 409, deletes the file and the FileSet again. */
export async function gatherCascade(ctx: GatherCtx): Promise<CascadeObs> {
  const id = await ctx.extraFileSet('full');
  const fileId = idOf(
    await upload(ctx, '', 'held.txt', 'a file that keeps the FileSet non-empty\n', { fileSetId: id }),
    'uploading into the FileSet to delete',
  );
  const first = await ctx.raw.send('DELETE', `/filesets/${enc(id)}`);
  const obs: CascadeObs = { first, after: null };
  if (first.status === 409) {
    obs.emptied = await ctx.raw.send('DELETE', `/filesets/${enc(id)}/files/${enc(fileId)}`);
    obs.second = await ctx.raw.send('DELETE', `/filesets/${enc(id)}`);
  }
  obs.after = await afterDelete(ctx, id);
  return obs;
}

/** Asks for a FileSet, a file, a path and a file delete that do not exist. */
export async function gatherMissing(ctx: GatherCtx): Promise<MissingObs> {
  const fs = `/filesets/${enc(ctx.fileSetId)}`;
  return {
    answers: [
      { what: 'FileSet', answer: await ctx.raw.send('GET', `/filesets/${enc(randomUUID())}`) },
      { what: 'file', answer: await ctx.raw.send('GET', `${fs}/files/${enc(randomUUID())}`) },
      { what: 'path', answer: await ctx.raw.send('GET', `${fs}/path`, { query: { path: `missing/${randomUUID()}.txt` } }) },
      { what: 'file delete', answer: await ctx.raw.send('DELETE', `${fs}/files/${enc(randomUUID())}`) },
    ],
  };
}

const FIRST_POLL_MS = 100;
const MAX_POLL_MS = 2000;

/** Uploads a text file holding the marker word and polls its index status until final or the wait ends. */
export async function gatherIndex(ctx: GatherCtx): Promise<IndexObs> {
  const text = `# domo-filesets probe\n\nThis file holds the word ${ctx.marker}, which no other file holds.\n`;
  const answer = await upload(ctx, 'index', 'probe.md', text);
  const obs: IndexObs = { upload: answer, polls: [], waitMs: ctx.indexWaitMs };
  if (!ok(answer)) return obs;
  const id = idOf(answer, 'uploading the file to index');
  const started = Date.now();
  let status = normalizeFile(jsonOf(answer)).indexStatus;
  obs.polls.push({ atMs: 0, status });
  for (let delay = FIRST_POLL_MS; !(status !== null && FINAL_INDEX_STATUSES.has(status)); delay = Math.min(MAX_POLL_MS, delay * 2)) {
    const left = ctx.indexWaitMs - (Date.now() - started);
    if (left <= 0) break;
    await sleep(Math.min(delay, left), undefined, { signal: ctx.signal });
    const got = await ctx.raw.send('GET', `/filesets/${enc(ctx.fileSetId)}/files/${enc(id)}`);
    if (!ok(got)) throw new Error(`reading the file's index status answered ${got.status}`);
    status = normalizeFile(jsonOf(got)).indexStatus;
    obs.polls.push({ atMs: Date.now() - started, status });
    // A server that gives no index status gives none later either.
    if (status === null && obs.polls.length >= 2) break;
  }
  return obs;
}

/** Queries the scratch FileSet for the marker word. */
export async function gatherQuery(ctx: GatherCtx): Promise<QueryObs> {
  return { answer: await ctx.raw.send('POST', `/filesets/${enc(ctx.fileSetId)}/query`, { json: { query: ctx.marker, topK: 3 } }) };
}

/** The rate-limit headers every earlier answer carried. */
export async function gatherRateLimit(ctx: GatherCtx): Promise<RateLimitObs> {
  return { headers: Object.fromEntries(ctx.raw.rateLimitHeaders), throttled: ctx.raw.throttled };
}

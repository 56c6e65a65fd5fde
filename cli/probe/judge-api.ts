/**
 * Pure verdicts on listings, deletes, missing objects, indexing, rate limits and queries: each takes the
 * answers its gatherer collected and decides, with the client's own readers, whether this version copes.
 */
import { normalizeQueryMatch } from '../../client/normalize';
import { filePageBody, queryBody, ShapeFailure } from '../../client/shapes';
import { SAFE_PAGE_SIZE } from '../../client/listing';
import type { FilePage } from '../../client/types';
import { bodyOf, describeAnswer, ok } from './answers';
import type { RawAnswer } from './raw';
import type { Json, Verdict } from './types';

/** Listing page sizes tried, largest first, until one was accepted. */
export interface MaxLimitObs {
  tries: { limit: number; answer: RawAnswer }[];
}

/** The page the client would read from an answer, or why it would not. */
function pageOf(a: RawAnswer): FilePage | string {
  if (!ok(a)) return describeAnswer(a);
  const body = bodyOf(a, 'json');
  if ('refused' in body) return body.refused;
  try {
    return filePageBody(body.value);
  } catch (e) {
    if (e instanceof ShapeFailure) return e.message;
    throw e;
  }
}

/** The largest listing `limit` the server accepts, and whether the client gets there. */
export function judgeMaxLimit(o: MaxLimitObs): Verdict {
  const accepted = o.tries.find((t) => typeof pageOf(t.answer) !== 'string');
  const refused = o.tries.filter((t) => t !== accepted);
  const first = o.tries[0];
  const refusals = refused.map((t) => `${t.limit}: ${t.answer.status}`).join(', ');
  if (!accepted) {
    return { observed: `no page size accepted (${refusals})`, value: null, handled: false, note: 'listings fail: plans cannot read the FileSet' };
  }
  const value = accepted.limit;
  const fallsBack = first !== undefined && first !== accepted && first.answer.status === 400 && first.limit > SAFE_PAGE_SIZE;
  return {
    observed: refused.length === 0 ? `${value} accepted` : `${value} (refused: ${refusals})`,
    value,
    handled: refused.length === 0 || fallsBack,
    note:
      refused.length === 0
        ? `the loader lists ${value} entries a page`
        : fallsBack
          ? `the client's first large page gets 400, and it lists ${SAFE_PAGE_SIZE} a page from then on`
          : `the client falls back to ${SAFE_PAGE_SIZE} only after a 400; this server answered ${first?.answer.status}`,
    emulator: [`--max-limit ${refused.length === 0 ? 'none' : value}`],
  };
}

/** Pages of one listing with a small page size: the cursor sent and the answer, in order. */
export interface EndCursorObs {
  pages: { sent: string | null; answer: RawAnswer }[];
}

/** The cursor exactly as the answer gave it (the client reads an empty string as null). */
function rawCursor(a: RawAnswer): unknown {
  const body = bodyOf(a, 'json');
  if ('refused' in body || typeof body.value !== 'object' || body.value === null) return undefined;
  const o = body.value as { pageContext?: { next?: unknown }; next?: unknown };
  return o.pageContext && typeof o.pageContext === 'object' ? o.pageContext.next : o.next;
}

/** What ends a listing: a null cursor, an echo of the token sent, or something the client cannot end on. */
export function judgeEndCursor(o: EndCursorObs): Verdict {
  const seen = new Set<string>();
  const paths = new Set<string>();
  let value: string = 'does not end';
  let at = o.pages.length;
  for (let i = 0; i < o.pages.length; i++) {
    const { sent, answer } = o.pages[i];
    const page = pageOf(answer);
    if (typeof page === 'string') {
      value = `page ${i + 1} refused: ${page}`;
      at = i + 1;
      break;
    }
    if (rawCursor(answer) === '') {
      value = 'empty';
      at = i + 1;
      break;
    }
    if (page.next === null) {
      value = 'null';
      at = i + 1;
      break;
    }
    if (page.next === sent) {
      value = 'echo';
      at = i + 1;
      break;
    }
    const fresh = page.files.filter((f) => !paths.has(f.path));
    for (const f of page.files) paths.add(f.path);
    if (seen.has(page.next)) {
      value = 'repeats a cursor';
      at = i + 1;
      break;
    }
    if (fresh.length === 0) {
      value = 'new cursor, no new entries';
      at = i + 1;
      break;
    }
    seen.add(page.next);
  }
  const handled = value === 'echo' || value === 'null' || value === 'empty';
  const words: Record<string, string> = {
    echo: 'the token just sent, echoed',
    null: 'null',
    empty: 'an empty string',
  };
  return {
    observed: handled ? `${words[value]} (page ${at})` : `${value} (page ${at})`,
    value,
    handled,
    note: handled
      ? 'the client ends a listing on null, an empty cursor, or the token it just sent'
      : 'the client stops such a listing with PAGINATION: plans cannot read the FileSet',
  };
}

/** The answers to deleting a file by id and another by path. */
export interface DeleteFileObs {
  byId: RawAnswer;
  byPath: RawAnswer;
}

/** Whether the client reads a delete answer as done. */
function deleteDone(a: RawAnswer): boolean {
  return ok(a) && !('refused' in bodyOf(a, 'json-or-empty'));
}

function deleteReading(answers: RawAnswer[]): string[] | undefined {
  if (answers.every((a) => a.status === 204)) return ['--delete-status 204'];
  if (answers.every((a) => a.status === 200 && a.text.trim() !== '')) return ['--delete-status 200'];
  return undefined;
}

/** The status (and body) of a successful file delete. */
export function judgeDeleteFile(o: DeleteFileObs): Verdict {
  const same = describeAnswer(o.byId) === describeAnswer(o.byPath);
  const handled = deleteDone(o.byId) && deleteDone(o.byPath);
  const emulator = deleteReading([o.byId, o.byPath]);
  return {
    observed: same ? describeAnswer(o.byId) : `by id ${describeAnswer(o.byId)}; by path ${describeAnswer(o.byPath)}`,
    value: { byId: o.byId.status, byPath: o.byPath.status },
    handled,
    note: handled ? 'any 2xx with an empty or JSON body is a done delete' : 'the client cannot read this as a done delete: prunes fail',
    ...(emulator ? { emulator } : {}),
  };
}

/** Deleting an empty FileSet, and a GET of it afterwards. */
export interface DeleteFileSetObs {
  answer: RawAnswer;
  after: RawAnswer;
}

/** The status (and body) of a successful FileSet delete. */
export function judgeDeleteFileSet(o: DeleteFileSetObs): Verdict {
  const gone = o.after.status !== 200;
  const handled = deleteDone(o.answer) && gone;
  const emulator = deleteReading([o.answer]);
  return {
    observed: `${describeAnswer(o.answer)}${gone ? '' : ', but the FileSet is still there'}`,
    value: o.answer.status,
    handled,
    note: handled ? 'any 2xx with an empty or JSON body is a done delete' : 'destroy cannot tell that the FileSet is gone',
    ...(emulator ? { emulator } : {}),
  };
}

/** Deleting a FileSet that holds a file; after a 409, emptying it and deleting again; a GET afterwards. */
export interface CascadeObs {
  first: RawAnswer;
  emptied?: RawAnswer;
  second?: RawAnswer;
  after: RawAnswer | null;
}

/** Whether deleting a non-empty FileSet takes its files along or is refused. */
export function judgeCascade(o: CascadeObs): Verdict {
  const gone = o.after !== null && o.after.status !== 200;
  if (ok(o.first)) {
    return {
      observed: gone ? 'deleted with its files' : 'answered success, but the FileSet is still there',
      value: 'cascade',
      handled: gone,
      note: gone ? 'destroy deletes a FileSet with its files in one request' : 'destroy cannot tell that the FileSet is gone',
      emulator: ['--cascade-delete'],
    };
  }
  if (o.first.status === 409) {
    const again = o.second !== undefined && ok(o.second) && gone;
    return {
      observed: `409: refused while it holds files${o.second ? `; after emptying: ${describeAnswer(o.second)}` : ''}`,
      value: 'conflict',
      handled: again,
      note: again
        ? 'destroy (and a Pulumi FileSet with forceDestroy) empties it file by file, then deletes it again'
        : 'emptying the FileSet did not make it deletable',
      emulator: ['--no-cascade-delete'],
    };
  }
  return { observed: describeAnswer(o.first), value: o.first.status, handled: false, note: 'the client expects success or 409 here: destroy fails' };
}

/** Requests for objects that do not exist. */
export interface MissingObs {
  answers: { what: string; answer: RawAnswer }[];
}

/** The status a server gives for a FileSet, file or path that does not exist. */
export function judgeMissing(o: MissingObs): Verdict {
  const statuses = o.answers.map((a) => a.answer.status);
  const uniform = statuses.every((s) => s === statuses[0]) ? statuses[0] : undefined;
  const value: Json = uniform ?? Object.fromEntries(o.answers.map((a) => [a.what, a.answer.status]));
  const handled = statuses.length > 0 && statuses.every((s) => s === 404 || s === 403);
  const has403 = statuses.includes(403);
  return {
    observed:
      uniform !== undefined ? `${uniform} (${o.answers.map((a) => a.what).join(', ')})` : o.answers.map((a) => `${a.what} ${a.answer.status}`).join(', '),
    value,
    handled,
    note: !handled
      ? 'the client reads only 404 as gone and 403 as refused; anything else is an error'
      : has403
        ? 'only 404 is read as gone; a 403 stays an error naming the permission, so a delete of something already gone fails instead of passing'
        : 'a 404 is read as gone (a delete of something already gone is done)',
    ...(uniform === 404 || uniform === 403 ? { emulator: [`--missing-status ${uniform}`] } : {}),
  };
}

/** A new text file's index status, from the upload answer (at 0 ms) and then polled until final or the wait ends. */
export interface IndexObs {
  upload: RawAnswer;
  /** Index status seen at each poll (null: the file carries none), with ms since the upload answer. */
  polls: { atMs: number; status: string | null }[];
  waitMs: number;
}

/** Index statuses a file does not leave by itself. */
export const FINAL_INDEX_STATUSES: ReadonlySet<string> = new Set(['COMPLETED', 'FAILED', 'SKIPPED']);

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** How long a new file stays PENDING, and what it ends as. */
export function judgeIndex(o: IndexObs): Verdict {
  if (!ok(o.upload))
    return { observed: `the upload was refused: ${describeAnswer(o.upload)}`, value: null, handled: false, note: 'uploads do not work with this token' };
  const polls = o.polls;
  if (polls.length === 0 || polls.every((p) => p.status === null)) {
    return {
      observed: 'files carry no indexStatus',
      value: { leftPendingMs: null, final: null },
      handled: true,
      note: 'apply --wait-indexed reports that it cannot tell when files are indexed',
    };
  }
  const left = polls.find((p) => p.status !== null && p.status !== 'PENDING');
  const final = polls.find((p) => p.status !== null && FINAL_INDEX_STATUSES.has(p.status));
  const last = polls[polls.length - 1];
  const observed = final
    ? `${final.status} after ${seconds(final.atMs)}${left && left !== final ? ` (left PENDING after ${seconds(left.atMs)})` : ''}`
    : left
      ? `left PENDING after ${seconds(left.atMs)}; ${last.status} when the ${seconds(o.waitMs)} wait ended`
      : `still PENDING after ${seconds(o.waitMs)}`;
  return {
    observed,
    value: { leftPendingMs: left?.atMs ?? null, final: final?.status ?? null },
    handled: true,
    note: final
      ? 'apply --wait-indexed waits for this; status and reindex read the same fields'
      : 'apply --wait-indexed needs an --index-timeout longer than this; status shows progress later',
  };
}

/** Every rate-limit header seen on any answer of the probe, and how many answers were 429. */
export interface RateLimitObs {
  headers: Record<string, string>;
  throttled: number;
}

/** Which rate-limit headers the server sends. */
export function judgeRateLimit(o: RateLimitObs): Verdict {
  const names = Object.keys(o.headers).sort();
  const throttled = o.throttled > 0 ? ` (${o.throttled} answer${o.throttled === 1 ? ' was' : 's were'} 429)` : '';
  return {
    observed: names.length === 0 ? `none seen${throttled}` : `${names.map((n) => `${n}: ${o.headers[n]}`).join(', ')}${throttled}`,
    value: names,
    handled: true,
    note: 'the client paces itself from 429 answers and honours Retry-After; other rate-limit headers are informational',
  };
}

/** A query for a word only the indexed probe file holds. */
export interface QueryObs {
  answer: RawAnswer;
}

/** The shape of query matches: the spec's {content, metadata}, the older {id, node}, or both. */
export function judgeQuery(o: QueryObs): Verdict {
  if (!ok(o.answer)) return { observed: describeAnswer(o.answer), value: null, handled: false, note: 'the query command fails on this server' };
  const body = bodyOf(o.answer, 'json');
  let matches: Record<string, unknown>[];
  try {
    if ('refused' in body) throw new ShapeFailure(body.refused);
    queryBody(body.value);
    matches = (body.value as { matches: Record<string, unknown>[] }).matches;
  } catch (e) {
    if (!(e instanceof ShapeFailure)) throw e;
    return { observed: `an answer the client cannot read: ${e.message}`, value: 'unknown', handled: false, note: 'the query command fails on this server' };
  }
  if (matches.length === 0) {
    return {
      observed: 'no matches (the file was not indexed in time), so the shape is unknown',
      value: 'none',
      handled: true,
      note: 'the client reads both documented shapes',
    };
  }
  const isObj = (v: unknown): boolean => typeof v === 'object' && v !== null;
  const spec = matches.every((m) => isObj(m.content) && isObj(m.metadata));
  const seed = matches.every((m) => isObj(m.node));
  const value = spec && seed ? 'both' : spec ? 'spec' : seed ? 'seed' : 'unknown';
  const readable = matches.every((m) => normalizeQueryMatch(m).path !== null);
  const words: Record<string, string> = {
    both: 'both shapes: {content, metadata, score} and {id, node, score}',
    spec: "the spec's {content, metadata, score}",
    seed: 'the older {id, node, score}',
    unknown: 'neither documented shape',
  };
  return {
    observed: words[value],
    value,
    handled: readable,
    note: readable ? 'the client reads both documented shapes' : 'the client finds no path in these matches: query --expect cannot match them',
    // Only the spec profile answers queries in the spec's shape alone (the switches above override the rest of it).
    ...(value === 'spec' ? { emulator: ['--profile spec'] } : {}),
  };
}

/**
 * The probe's verdicts are pure functions of the answers it gathered: each is checked here on answers the
 * emulator never gives (the readings this version does not handle), and the cursor verdict is checked to
 * agree with the client's own listing on any sequence of pages.
 */
import fc from 'fast-check';
import { listFilePages } from '../../client/listing';
import type { Requester } from '../../client/requester';
import { RATE_LIMIT_HEADER, type RawAnswer } from '../../cli/probe/raw';
import {
  judgeCascade,
  judgeDeleteFile,
  judgeDeleteFileSet,
  judgeEndCursor,
  judgeIndex,
  judgeMaxLimit,
  judgeMissing,
  judgeQuery,
  judgeRateLimit,
} from '../../cli/probe/judge-api';
import {
  judgeContentType,
  judgeImplicitDirs,
  judgeOverwrite,
  judgePathFidelity,
  judgeSha256,
  judgeSplit,
  judgeUploadField,
  type SplitRun,
} from '../../cli/probe/judge-uploads';
import { probeStatus } from '../../cli/probe/summary';
import type { ProbeReport } from '../../cli/probe/types';

/** An answer with a JSON body (or a raw string body). */
function ans(status: number, body?: unknown, headers: Record<string, string> = {}): RawAnswer {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { status, headers: { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers }, text };
}

const file = (path: string, extra: Record<string, unknown> = {}) => ans(201, { id: `id-${path}`, path, size: 3, fileType: 'TEXT', ...extra });
const domoError = (status: number, message: string) => ans(status, { status, statusReason: 'x', message, toe: 'T' });

describe('upload verdicts', () => {
  it('upload field: only createFileRequest read, and a server that reads neither', () => {
    const crf = judgeUploadField({
      crf: { requested: 'c/crf.txt', answer: file('c/crf.txt') },
      dp: { requested: 'd/dp.txt', answer: file('dp.txt') },
      both: { requested: 'b/both.txt', answer: file('b/both.txt') },
    });
    expect(crf).toMatchObject({ value: 'createFileRequest', handled: true, emulator: ['--upload-field createFileRequest'] });
    expect(crf.observed).toContain('directoryPath alone landed at "dp.txt"');
    const neither = judgeUploadField({
      crf: { requested: 'c/crf.txt', answer: file('crf.txt') },
      dp: { requested: 'd/dp.txt', answer: domoError(400, 'bad field') },
      both: { requested: 'b/both.txt', answer: file('both.txt') },
    });
    expect(neither).toMatchObject({ value: 'neither', handled: false });
    expect(neither.emulator).toBeUndefined();
    expect(neither.note).toContain('PATH_MISMATCH');
  });

  it('paths: changed, refused or not listed are each not handled', () => {
    const v = judgePathFidelity({
      cases: [
        { label: 'case', requested: 'p/ReadMe.TXT', answer: file('p/readme.txt') },
        { label: '#%&+', requested: 'p/a#b.txt', answer: domoError(400, 'bad name') },
        { label: 'spaces', requested: 'p/a b.txt', answer: file('p/a b.txt') },
        { label: 'NFC', requested: 'p/caf\u00e9.txt', answer: file('p/caf\u00e9.txt') },
      ],
      listed: ['p/readme.txt', 'p/caf\u00e9.txt'],
    });
    expect(v.handled).toBe(false);
    expect(v.observed).toBe(
      'changed: case "p/ReadMe.TXT" returned "p/readme.txt"; #%&+ "p/a#b.txt" refused (400: bad name); spaces "p/a b.txt" not listed under that path',
    );
    expect(judgePathFidelity({ cases: [{ label: 'NFC', requested: 'caf\u00e9', answer: file('caf\u00e9') }], listed: ['caf\u00e9'] }).handled).toBe(true);
  });

  it('overwrite: 409 is not handled; a new id is; success that kept the old size is not', () => {
    expect(judgeOverwrite({ first: file('o.txt'), second: domoError(409, 'exists'), secondSize: 9 })).toMatchObject({
      handled: false,
      emulator: ['--no-overwrite'],
    });
    expect(judgeOverwrite({ first: file('o.txt'), second: ans(201, { id: 'other', path: 'o.txt', size: 9 }), secondSize: 9 })).toMatchObject({
      handled: true,
      value: { status: 201, sameId: false },
      observed: '201, file id changed',
    });
    expect(judgeOverwrite({ first: file('o.txt'), second: file('o.txt'), secondSize: 9 }).handled).toBe(false);
  });

  it('implicit directories: a refused upload is not handled; some parents only is handled', () => {
    expect(judgeImplicitDirs({ upload: domoError(404, 'no such directory'), parents: ['a'], listed: [] }).handled).toBe(false);
    const partial = judgeImplicitDirs({ upload: file('a/b/x'), parents: ['a', 'a/b'], listed: [{ path: 'a/b', kind: 'directory' }] });
    expect(partial).toMatchObject({ value: 'partial', handled: true });
    expect(partial.emulator).toBeUndefined();
  });

  it('SHA-256: a wrong hash or an unlisted file is not handled; another algorithm counts as none', () => {
    const sha = 'a'.repeat(64);
    expect(judgeSha256({ expected: sha, upload: file('s', { hash: 'b'.repeat(64), hashAlgorithm: 'SHA_256_HEX' }), listed: null }).handled).toBe(false);
    expect(judgeSha256({ expected: sha, upload: file('s'), listed: null }).value).toEqual({ upload: 'absent', listing: 'not listed' });
    const sha1 = judgeSha256({ expected: sha, upload: file('s', { hash: 'c'.repeat(40), hashAlgorithm: 'SHA_1' }), listed: { id: 'i', path: 's', size: 3 } });
    expect(sha1).toMatchObject({ value: { upload: 'other algorithm', listing: 'absent' }, handled: true });
    expect(sha1.emulator).toBeUndefined();
    expect(judgeSha256({ expected: sha, upload: file('s'), listed: { id: 'i', path: 's', size: 3, hash: sha } })).toMatchObject({
      observed: 'in listings only (upload answer: absent)',
      handled: true,
    });
  });

  it('content type: kept, derived, or not reported', () => {
    expect(judgeContentType({ declared: 'text/markdown', upload: file('t', { contentType: 'text/markdown; charset=utf-8' }) }).value).toBe('kept');
    expect(judgeContentType({ declared: 'text/markdown', upload: file('t', { contentType: 'text/plain' }) }).value).toBe('derived');
    expect(judgeContentType({ declared: 'text/markdown', upload: file('t') })).toMatchObject({ value: null, handled: true });
  });

  it('split upload: part 0 refused is handled; parts from 1 put together out of order are not', () => {
    const run = (over: Partial<SplitRun>): SplitRun => ({
      order: [2, 1],
      steps: [{ step: 'initiate', answer: ans(202, {}) }],
      content: 'AB',
      expected: 'AB',
      ...over,
    });
    const zeroRefused = judgeSplit({
      fromOne: run({}),
      fromZero: run({ order: [0, 1], steps: [{ step: 'part 0', answer: domoError(400, 'part numbers start at 1') }] }),
    });
    expect(zeroRefused).toMatchObject({ value: { fromOne: 'assembled', fromZero: 'refused' }, handled: true });
    expect(zeroRefused.observed).toContain('parts 0, 1: refused at part 0 (400: part numbers start at 1)');
    expect(judgeSplit({ fromOne: run({ content: 'BA' }), fromZero: run({}) })).toMatchObject({
      value: { fromOne: 'wrong content', fromZero: 'assembled' },
      handled: false,
    });
  });
});

describe('API verdicts', () => {
  const page = (paths: string[], next: string | null) => ans(200, { files: paths.map((p) => ({ id: p, path: p, size: 1 })), pageContext: { next } });

  it('listing limit: a 400 above 100 falls back; any other refusal does not; HTML is not accepted', () => {
    expect(judgeMaxLimit({ tries: [{ limit: 1000, answer: page([], null) }] })).toMatchObject({ value: 1000, handled: true, emulator: ['--max-limit none'] });
    const fallback = judgeMaxLimit({
      tries: [
        { limit: 1000, answer: domoError(400, 'too big') },
        { limit: 500, answer: page([], null) },
      ],
    });
    expect(fallback).toMatchObject({ value: 500, handled: true, observed: '500 (refused: 1000: 400)', emulator: ['--max-limit 500'] });
    expect(
      judgeMaxLimit({
        tries: [
          { limit: 1000, answer: domoError(422, 'too big') },
          { limit: 500, answer: page([], null) },
        ],
      }).handled,
    ).toBe(false);
    const html = judgeMaxLimit({ tries: [{ limit: 1000, answer: ans(200, '<html>login</html>', { 'content-type': 'text/html' }) }] });
    expect(html).toMatchObject({ value: null, handled: false });
  });

  it('end cursor: null, echo and empty are handled; a cursor without new entries is not', () => {
    expect(
      judgeEndCursor({
        pages: [
          { sent: null, answer: page(['a'], 'c1') },
          { sent: 'c1', answer: page([], 'c1') },
        ],
      }).value,
    ).toBe('echo');
    expect(judgeEndCursor({ pages: [{ sent: null, answer: page(['a'], null) }] }).value).toBe('null');
    expect(
      judgeEndCursor({
        pages: [
          { sent: null, answer: page(['a'], 'c1') },
          { sent: 'c1', answer: page(['b'], '') },
        ],
      }).value,
    ).toBe('empty');
    const endless = judgeEndCursor({
      pages: [
        { sent: null, answer: page(['a'], 'c1') },
        { sent: 'c1', answer: page(['a'], 'c2') },
      ],
    });
    expect(endless).toMatchObject({ value: 'new cursor, no new entries', handled: false });
  });

  it('end cursor: the verdict is handled exactly when the client ends the same listing without an error', async () => {
    // Mostly new cursors, so listings run long enough to repeat a cursor or a page of entries.
    const cursorKind = fc.oneof(
      { arbitrary: fc.constant('new'), weight: 4 },
      { arbitrary: fc.constant('old'), weight: 2 },
      fc.constantFrom('null', 'empty', 'echo'),
    );
    const spec = fc.array(fc.record({ files: fc.subarray(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']), next: cursorKind }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(spec, async (specs) => {
        // The pages as a server would answer them, each to the cursor the previous page handed out.
        const pages: { sent: string | null; answer: RawAnswer }[] = [];
        const given: string[] = [];
        let sent: string | null = null;
        for (const [i, s] of specs.entries()) {
          const next: string | null =
            s.next === 'null' ? null : s.next === 'empty' ? '' : s.next === 'echo' ? sent : s.next === 'old' && given.length ? given[0] : `c${i}`;
          pages.push({ sent, answer: page(s.files, next) });
          if (next) given.push(next);
          sent = next;
        }
        let served = 0;
        const req = {
          call: async (_m: unknown, _method: unknown, _path: unknown, _rule: unknown, shape: (v: unknown) => unknown) => {
            if (served >= pages.length) throw new Error('out of pages');
            return shape(JSON.parse(pages[served++].answer.text));
          },
        } as unknown as Requester;
        let clientEnded = true;
        try {
          for await (const _p of listFilePages(req, { maxPageSize: null }, 'fs', 4, {})) void _p;
        } catch {
          clientEnded = false;
        }
        // The gatherer fetches pages until the verdict says the listing ended (or it gives up).
        let n = 1;
        while (n < pages.length && judgeEndCursor({ pages: pages.slice(0, n) }).value === 'does not end') n++;
        const verdict = judgeEndCursor({ pages: pages.slice(0, n) });
        expect(verdict.handled).toBe(clientEnded);
      }),
      { numRuns: 500 },
    );
  });

  it('deletes: any 2xx with an empty or JSON body is done; HTML is not; a FileSet still there is not', () => {
    expect(judgeDeleteFile({ byId: ans(204), byPath: ans(204) })).toMatchObject({
      handled: true,
      observed: '204 (no body)',
      emulator: ['--delete-status 204'],
    });
    const mixed = judgeDeleteFile({ byId: ans(200, { status: 'success' }), byPath: ans(204) });
    expect(mixed).toMatchObject({ handled: true, observed: 'by id 200 with a JSON body; by path 204 (no body)' });
    expect(mixed.emulator).toBeUndefined();
    expect(judgeDeleteFile({ byId: ans(200, '<!DOCTYPE html><p>ok</p>', { 'content-type': 'text/html' }), byPath: ans(204) }).handled).toBe(false);
    expect(judgeDeleteFileSet({ answer: ans(204), after: ans(200, { id: 'x' }) }).handled).toBe(false);
    expect(judgeDeleteFileSet({ answer: ans(204), after: domoError(404, 'gone') }).handled).toBe(true);
  });

  it('non-empty FileSet delete: 409 then success is handled; 409 twice or another status is not', () => {
    const gone = domoError(404, 'gone');
    expect(judgeCascade({ first: domoError(409, 'holds files'), emptied: ans(204), second: ans(204), after: gone })).toMatchObject({
      value: 'conflict',
      handled: true,
    });
    expect(
      judgeCascade({ first: domoError(409, 'holds files'), emptied: ans(204), second: domoError(409, 'still'), after: ans(200, { id: 'x' }) }).handled,
    ).toBe(false);
    expect(judgeCascade({ first: domoError(400, 'no'), after: ans(200, { id: 'x' }) })).toMatchObject({ value: 400, handled: false });
  });

  it('missing ids: 404 and 403 are handled (mixed too); anything else is not', () => {
    const mixed = judgeMissing({
      answers: [
        { what: 'FileSet', answer: ans(403, 'Forbidden') },
        { what: 'file', answer: domoError(404, 'none') },
      ],
    });
    expect(mixed).toMatchObject({ value: { FileSet: 403, file: 404 }, handled: true, observed: 'FileSet 403, file 404' });
    expect(mixed.emulator).toBeUndefined();
    expect(judgeMissing({ answers: [{ what: 'path', answer: domoError(500, 'oops') }] }).handled).toBe(false);
  });

  it('indexing: no status, still pending, and final after leaving PENDING', () => {
    expect(
      judgeIndex({
        upload: file('i'),
        polls: [
          { atMs: 0, status: null },
          { atMs: 100, status: null },
        ],
        waitMs: 1000,
      }).observed,
    ).toBe('files carry no indexStatus');
    expect(
      judgeIndex({
        upload: file('i'),
        polls: [
          { atMs: 0, status: 'PENDING' },
          { atMs: 900, status: 'PENDING' },
        ],
        waitMs: 1000,
      }),
    ).toMatchObject({ observed: 'still PENDING after 1.0 s', handled: true, value: { leftPendingMs: null, final: null } });
    expect(
      judgeIndex({
        upload: file('i'),
        polls: [
          { atMs: 0, status: 'PENDING' },
          { atMs: 1500, status: 'QUEUED' },
          { atMs: 30000, status: 'COMPLETED' },
        ],
        waitMs: 60000,
      }).observed,
    ).toBe('COMPLETED after 30 s (left PENDING after 1.5 s)');
    expect(judgeIndex({ upload: domoError(403, 'no'), polls: [], waitMs: 1 }).handled).toBe(false);
  });

  it('rate-limit headers: listed by name; the header pattern', () => {
    expect(judgeRateLimit({ headers: { 'x-ratelimit-remaining': '3', 'retry-after': '2' }, throttled: 1 }).observed).toBe(
      'retry-after: 2, x-ratelimit-remaining: 3 (1 answer was 429)',
    );
    for (const h of ['X-RateLimit-Limit', 'RateLimit-Remaining', 'x-rate-limit-reset', 'Retry-After', 'ratelimit']) expect(h).toMatch(RATE_LIMIT_HEADER);
    for (const h of ['x-ratelimited', 'content-type', 'x-retry']) expect(h).not.toMatch(RATE_LIMIT_HEADER);
  });

  it('query: both shapes read; matches without a path or an unreadable answer are not handled', () => {
    const spec = { content: { type: 'TEXT', text: 't' }, metadata: { fileId: 'f', path: 'p' }, score: 1 };
    expect(judgeQuery({ answer: ans(200, { matches: [spec] }) })).toMatchObject({ value: 'spec', handled: true, emulator: ['--profile spec'] });
    expect(judgeQuery({ answer: ans(200, { matches: [{ id: 'f', node: { id: 'f', path: 'p' }, score: 1 }] }) }).value).toBe('seed');
    expect(judgeQuery({ answer: ans(200, { matches: [] }) })).toMatchObject({ value: 'none', handled: true });
    expect(judgeQuery({ answer: ans(200, { matches: [{ score: 1, text: 'x' }] }) })).toMatchObject({ value: 'unknown', handled: false });
    expect(judgeQuery({ answer: ans(200, { results: [] }) }).handled).toBe(false);
    expect(judgeQuery({ answer: domoError(400, 'AI is not enabled') }).handled).toBe(false);
  });
});

describe('exit status of a report', () => {
  const report = (over: Partial<ProbeReport>): ProbeReport => ({
    version: '9.9.9',
    startedAt: 't',
    scratch: { name: 'domo-filesets-probe-x', id: 'id1', kept: false, leftBehind: [] },
    checks: [],
    ...over,
  });
  const row = (handled: boolean) => ({ id: 'a', assumption: 'A thing', observed: 'odd', value: null, handled, note: '' });

  it('0 when all handled; 1 naming what is not; 143 for SIGTERM; 1 naming a FileSet left behind', () => {
    expect(probeStatus(report({ checks: [row(true)] }))).toBeUndefined();
    expect(probeStatus(report({ checks: [row(false)] }))?.message).toBe(
      'probe: not handled by domo-filesets 9.9.9: A thing (odd) — paste the --format markdown table into an issue',
    );
    const term = probeStatus(report({ interrupted: 'SIGTERM', checks: [row(false)] })) as Error & { exitCode: number };
    expect([term.exitCode, term.message]).toEqual([143, 'probe interrupted by SIGTERM; the scratch FileSet was deleted']);
    const left = probeStatus(
      report({ checks: [row(true)], scratch: { name: 'n', id: 'id1', kept: false, leftBehind: [{ id: 'id1', name: 'n', error: '403' }] } }),
    );
    expect(left?.message).toBe('probe: could not delete n (id1): delete it with domo-filesets filesets delete ID');
  });
});

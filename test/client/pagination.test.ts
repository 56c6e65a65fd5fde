import { PaginationError } from '../../client';
import { catchErr, testClient } from './helpers/client';
import { json, scriptedServer, type ScriptedServer } from './helpers/scripted-server';

const files = (ids: string[]) => ids.map((id) => ({ id, path: `d/${id}.txt`, name: `${id}.txt`, fileType: 'TEXT', size: 1 }));

describe('file listing pagination', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('stops when next equals the token just sent, URL-encoding cursors', async () => {
    const c1 = 'eyJpZCI6IjEifQ==+/&#?%';
    const c2 = 'eyJpZCI6IjIifQ==';
    const seen: (string | null)[] = [];
    server = await scriptedServer((req, res) => {
      const next = new URL(req.url, 'http://x').searchParams.get('next');
      seen.push(next);
      if (next === null) return json(res, 200, { files: files(['a', 'b']), pageContext: { next: c1 } });
      if (next === c1) return json(res, 200, { files: files(['c', 'd']), pageContext: { next: c2 } });
      return json(res, 200, { files: files(['e']), pageContext: { next: c2 } }); // the end marker: same token
    });
    const client = testClient(server.url);
    const pages = [];
    for await (const p of client.listFilePages('fs', { limit: 2 })) pages.push(p);
    expect(pages.map((p) => p.files.map((f) => f.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(pages.map((p) => p.next)).toEqual([c1, c2, null]);
    expect(seen).toEqual([null, c1, c2]);
    expect(server.requests[1].url).toContain(`next=${encodeURIComponent(c1)}`);
    await client.close();
  });

  it('stops when next is null (empty FileSet)', async () => {
    server = await scriptedServer((_req, res) => json(res, 200, { files: [], pageContext: { next: null } }));
    const client = testClient(server.url);
    const all = [];
    for await (const f of client.listFiles('fs')) all.push(f);
    expect(all).toEqual([]);
    expect(server.requests).toHaveLength(1);
    await client.close();
  });

  it('ends a cursor cycle that never repeats the last token with PaginationError', async () => {
    server = await scriptedServer((req, res) => {
      const next = new URL(req.url, 'http://x').searchParams.get('next');
      json(res, 200, { files: files([next ?? 'first']), pageContext: { next: next === 'A' ? 'B' : 'A' } });
    });
    const client = testClient(server.url);
    const ids: string[] = [];
    const err = await catchErr(
      (async () => {
        for await (const f of client.listFiles('fs')) ids.push(f.id);
      })(),
    );
    expect(err).toBeInstanceOf(PaginationError);
    expect(err).toMatchObject({ code: 'PAGINATION', operation: 'listFilesForFileset' });
    expect(ids).toEqual(['first', 'A']);
    expect(server.requests).toHaveLength(3);
    await client.close();
  });

  it('sends directoryPath, immediateChildren, limit and the search body; filesOnly drops directories', async () => {
    server = await scriptedServer((_req, res) =>
      json(res, 200, { files: [...files(['a']), { id: 'dir', path: 'd/sub', name: 'sub', size: null, fileType: 'DIRECTORY' }], pageContext: { next: null } }),
    );
    const client = testClient(server.url);
    const got = [];
    const fieldSort = [{ field: 'name', order: 'ASC' as const }];
    for await (const f of client.listFiles('fs', { directoryPath: '/a b/c&d/', immediateChildren: true, limit: 7, filesOnly: true, fieldSort })) got.push(f.id);
    expect(got).toEqual(['a']);
    const u = new URL(server.requests[0].url, 'http://x');
    expect(u.pathname).toBe('/api/files/v1/filesets/fs/files/search');
    expect(u.searchParams.get('directoryPath')).toBe('a b/c&d');
    expect(u.searchParams.get('immediateChildren')).toBe('true');
    expect(u.searchParams.get('limit')).toBe('7');
    expect(JSON.parse(server.requests[0].body.toString())).toEqual({ fieldSort });
    await client.close();
  });
});

describe('listing page size and endless listings', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('retries a 400 to a page size above 100 once with 100, and keeps 100 for the client', async () => {
    server = await scriptedServer((req, res) => {
      const limit = Number(new URL(req.url, 'http://x').searchParams.get('limit'));
      if (limit > 100) return json(res, 400, { status: 400, message: 'limit must be at most 100' });
      json(res, 200, { files: files(['a']), pageContext: { next: null } });
    });
    const client = testClient(server.url);
    const first: string[] = [];
    for await (const f of client.listFiles('fs', { limit: 1000 })) first.push(f.id);
    expect(first).toEqual(['a']);
    for await (const _ of client.listFiles('fs', { limit: 1000 })) void _;
    const limits = server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('limit'));
    expect(limits).toEqual(['1000', '100', '100']);
    await client.close();
  });

  it('retries every listing that was in flight when the first 400 to a page size above 100 came back', async () => {
    // Both listings ask for 1000 before either answer is in; the second 400 arrives after the first has
    // already lowered the client's page size.
    const held: (() => void)[] = [];
    server = await scriptedServer((req, res) => {
      const limit = Number(new URL(req.url, 'http://x').searchParams.get('limit'));
      if (limit <= 100) return json(res, 200, { files: files(['a']), pageContext: { next: null } });
      held.push(() => json(res, 400, { status: 400, message: 'limit must be at most 100' }));
      if (held.length === 2) for (const answer of held.splice(0)) answer();
    });
    const client = testClient(server.url);
    const list = async (): Promise<string[]> => {
      const out: string[] = [];
      for await (const f of client.listFiles('fs', { limit: 1000 })) out.push(f.id);
      return out;
    };
    await expect(Promise.all([list(), list()])).resolves.toEqual([['a'], ['a']]);
    const limits = server.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('limit'));
    expect(limits).toEqual(['1000', '1000', '100', '100']);
    await client.close();
  });

  it('does not retry a 400 to a page size of 100 or less', async () => {
    server = await scriptedServer((_req, res) => json(res, 400, { status: 400, message: 'bad filter' }));
    const client = testClient(server.url);
    await expect(
      catchErr(
        (async () => {
          for await (const _ of client.listFiles('fs', { limit: 100 })) void _;
        })(),
      ),
    ).resolves.toMatchObject({ code: 'HTTP_ERROR', status: 400 });
    expect(server.requests).toHaveLength(1);
    await client.close();
  });

  it('ends a listing whose every page carries a new cursor but no new path (not 32,000 pages)', async () => {
    let n = 0;
    server = await scriptedServer((_req, res) => json(res, 200, { files: files(['same']), pageContext: { next: `cursor-${++n}` } }));
    const client = testClient(server.url);
    const err = await catchErr(
      (async () => {
        for await (const _ of client.listFiles('fs')) void _;
      })(),
    );
    expect(err).toBeInstanceOf(PaginationError);
    expect(err.message).toContain('no path that was not listed before');
    expect(server.requests).toHaveLength(2);
    await client.close();
  });

  it('filesOnly leaves out only entries that are positively directories', async () => {
    server = await scriptedServer((_req, res) =>
      json(res, 200, {
        files: [
          { id: 'f', path: 'a.txt', fileType: 'TEXT', size: 1 },
          { id: 'd', path: 'dir', fileType: 'directory', size: null },
          { id: 'u', path: 'odd', size: null, hash: null }, // a directory in another shape?
        ],
        pageContext: { next: null },
      }),
    );
    const client = testClient(server.url);
    const got: [string, string][] = [];
    for await (const f of client.listFiles('fs', { filesOnly: true })) got.push([f.id, f.kind]);
    expect(got).toEqual([
      ['f', 'file'],
      ['u', 'unknown'],
    ]);
    await client.close();
  });
});

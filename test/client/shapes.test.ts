import type { ServerResponse } from 'node:http';
import { testClient } from './helpers/client';
import { json, scriptedServer, type Recorded, type ScriptedServer } from './helpers/scripted-server';

function page(req: Recorded): { limit: number; offset: number } {
  const u = new URL(req.url, 'http://x');
  return { limit: Number(u.searchParams.get('limit')), offset: Number(u.searchParams.get('offset')) };
}

const ALL = Array.from({ length: 5 }, (_, i) => ({ id: `fs${i}`, name: i === 3 ? 'dup' : `n${i}`, createdBy: 100 + i, created: 1718826000000 }));

describe('response shapes', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each([
    [
      'spec: fileSets + {count,totalCount,offset}',
      (res: ServerResponse, items: unknown[], offset: number) =>
        json(res, 200, { fileSets: items, pageContext: { count: items.length, totalCount: ALL.length, offset } }),
    ],
    [
      'older reference: fileSets + {offset,limit,total}',
      (res: ServerResponse, items: unknown[], offset: number, limit: number) =>
        json(res, 200, { fileSets: items, pageContext: { offset, limit, total: ALL.length } }),
    ],
    ['filesets key, no pageContext', (res: ServerResponse, items: unknown[]) => json(res, 200, { filesets: items })],
  ])('pages FileSet search with %s', async (_label, answer) => {
    server = await scriptedServer((req, res) => {
      const { limit, offset } = page(req);
      answer(res, ALL.slice(offset, offset + limit), offset, limit);
    });
    const client = testClient(server.url);
    const got = [];
    for await (const fs of client.searchFileSets({ limit: 2 })) got.push(fs);
    expect(got.map((f) => f.id)).toEqual(['fs0', 'fs1', 'fs2', 'fs3', 'fs4']);
    expect(got[0]).toMatchObject({ createdBy: '100', created: '2024-06-19T19:40:00.000Z' });
    // totals known → 3 requests; unknown → a 4th request finds the empty page (or the short page ends it)
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    expect(server.requests.length).toBeLessThanOrEqual(4);
    expect(JSON.parse(server.requests[0].body.toString())).toEqual({});
    await client.close();
  });

  it('stops when a server ignores offset and repeats the same page', async () => {
    server = await scriptedServer((_req, res) => json(res, 200, { fileSets: ALL.slice(0, 2) }));
    const client = testClient(server.url);
    const got = [];
    for await (const fs of client.searchFileSets({ limit: 2 })) got.push(fs.id);
    expect(got).toEqual(['fs0', 'fs1']);
    await client.close();
  });

  it('findFileSetsByName sends an EQUALS filter and re-checks names client-side', async () => {
    server = await scriptedServer((_req, res) => json(res, 200, { fileSets: [ALL[3], { id: 'x', name: 'dup-like' }, { id: 'y', name: 'dup' }] }));
    const client = testClient(server.url);
    const found = await client.findFileSetsByName('dup');
    expect(found.map((f) => f.id)).toEqual(['fs3', 'y']);
    expect(JSON.parse(server.requests[0].body.toString())).toEqual({ filters: [{ field: 'name', value: ['dup'], operator: 'EQUALS', not: false }] });
    await client.close();
  });

  it('treats 204 and 200 with a status body or an empty body as a done delete', async () => {
    server = await scriptedServer((req, res, n) => {
      if (req.method === 'GET') return json(res, 404, { status: 404, message: 'gone' });
      if (n === 1) return void res.writeHead(204).end();
      if (n === 2) return json(res, 200, { status: 'success', message: 'File deleted successfully.' });
      res.writeHead(200, { 'content-length': '0' });
      res.end();
    });
    const client = testClient(server.url);
    await expect(client.deleteFile('fs', 'f')).resolves.toBeUndefined();
    await expect(client.deleteFileByPath('fs', 'a')).resolves.toBeUndefined();
    await expect(client.deleteFileSet('fs')).resolves.toBeUndefined();
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE', 'DELETE', 'GET']);
    await client.close();
  });

  it('accepts both query match shapes and sends the prefix under both names', async () => {
    server = await scriptedServer((_req, res, n) =>
      json(
        res,
        200,
        n === 1
          ? { matches: [{ content: { type: 'TEXT', text: 'PTO policy' }, metadata: { fileId: 'f1', path: 'hr/pto.md' }, score: 0.41 }] }
          : {
              matches: [
                { id: 'f3', node: { id: 'f3', path: 'reports/q2.pdf', name: 'q2.pdf', fileType: 'FILE', created: 1718826000000, type: 'TEXT' }, score: 0.89 },
              ],
            },
      ),
    );
    const client = testClient(server.url);
    const spec = await client.query('fs', { query: 'pto', topK: 2, directoryPath: 'hr' });
    expect(spec).toEqual([{ fileId: 'f1', path: 'hr/pto.md', score: 0.41, text: 'PTO policy', uri: null, file: null }]);
    const seed = await client.query('fs', { query: 'sales' });
    expect(seed[0]).toMatchObject({ fileId: 'f3', path: 'reports/q2.pdf', score: 0.89 });
    expect(seed[0].file).toMatchObject({ name: 'q2.pdf', created: '2024-06-19T19:40:00.000Z' });
    expect(JSON.parse(server.requests[0].body.toString())).toEqual({ query: 'pto', topK: 2, directoryPath: 'hr', pathPrefixFilter: 'hr' });
    expect(JSON.parse(server.requests[1].body.toString())).toEqual({ query: 'sales' });
    await client.close();
  });

  it('normalizes an older-reference create response (200, createdBy number)', async () => {
    server = await scriptedServer((_req, res) =>
      json(res, 200, { id: 'x', name: 'Sample', description: 'd', created: '2025-01-01T00:00:00.000Z', createdBy: 111111111 }),
    );
    const client = testClient(server.url);
    await expect(client.createFileSet({ name: 'Sample', description: 'd' })).resolves.toMatchObject({ id: 'x', createdBy: '111111111', aiEnabled: null });
    expect(server.requests[0].headers['content-type']).toBe('application/json');
    await client.close();
  });
});

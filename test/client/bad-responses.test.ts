/**
 * Every operation checks its 2xx answer: HTML from a proxy, truncated JSON, an empty body where one is
 * required, or JSON of another shape is UnexpectedResponseError naming the operation, status and content type
 * — retried where the request is idempotent, never read as "empty".
 */
import type { ServerResponse } from 'node:http';
import { CONFIRM_DELAYS_MS, UnconfirmedDeleteError, UnexpectedResponseError, type DomoFilesClient } from '../../client';
import { catchErr, testClient } from './helpers/client';
import { domoError, scriptedServer, type ScriptedServer } from './helpers/scripted-server';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

type Op = [operation: string, run: (c: DomoFilesClient) => Promise<unknown>, idempotent: boolean, bodyRequired: boolean];

const OPS: Op[] = [
  ['createFileSet', (c) => c.createFileSet({ name: 'n' }), false, true],
  ['getFileSet', (c) => c.getFileSet('fs'), true, true],
  ['updateFileSet', (c) => c.updateFileSet('fs', { description: 'd' }), true, true],
  ['deleteFileSet', (c) => c.deleteFileSet('fs'), true, false],
  ['listFileSets', (c) => collect(c.searchFileSets()), true, true],
  ['listFilesForFileset', (c) => collect(c.listFiles('fs')), true, true],
  ['getFile', (c) => c.getFile('fs', 'f'), true, true],
  ['getFileByPath', (c) => c.getFileByPath('fs', 'a/b.txt'), true, true],
  ['createFile', (c) => c.uploadFile('fs', { path: 'a/b.txt', source: { content: 'x' } }), true, true],
  ['createFile', (c) => c.createDirectory('fs', 'a/b'), true, true],
  ['deleteFile', (c) => c.deleteFile('fs', 'f'), true, false],
  ['deleteFileByPath', (c) => c.deleteFileByPath('fs', 'a/b.txt'), true, false],
  ['queryFileSet', (c) => c.query('fs', { query: 'q' }), true, true],
  ['initiateSplitFileUpload', (c) => c.initiateSplitUpload('fs', 'a.bin'), false, true],
  ['uploadSplitFilePart', (c) => c.uploadSplitPart('fs', 'u', 1, Buffer.from('x')), true, false],
  ['finalizeSplitFileUpload', (c) => c.finalizeSplitUpload('fs', 'u'), false, true],
  ['abortSplitFileUpload', (c) => c.abortSplitUpload('fs', 'u'), true, false],
  ['getAccess', (c) => c.getAccess('fs'), true, true],
  ['updateAccess', (c) => c.updateAccess('fs', [{ entityId: 42, entityType: 'GROUP', permission: 'READ' }]), true, true],
  ['updateOwnership', (c) => c.transferOwnership('fs', 7), true, true],
  ['getFileSetStats', (c) => c.getStats('fs'), true, true],
  ['reindexFileSetFiles', (c) => c.reindexFiles('fs', ['f1']), true, false],
];

const BAD: Record<string, { type: string; body: string; onlyWhenRequired?: boolean; wrongShape?: boolean }> = {
  'an HTML page': { type: 'text/html; charset=utf-8', body: '<!DOCTYPE html><html><body>Sign in</body></html>' },
  'truncated JSON': { type: 'application/json', body: '{"id":"fs","name":"Do' },
  'an empty body': { type: 'application/json', body: '', onlyWhenRequired: true },
  'JSON of another shape': { type: 'application/json', body: '{"unexpected":true}', onlyWhenRequired: true, wrongShape: true },
};

function answer(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

describe('answers that are not what the operation needs', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const cases = OPS.flatMap(([operation, run, idempotent, required]) =>
    Object.entries(BAD)
      .filter(([, b]) => required || !b.onlyWhenRequired)
      // a reindex answer may be any object (retriedFilesCount is optional)
      .filter(([, b]) => !(operation === 'reindexFileSetFiles' && b.wrongShape))
      .map(([label, bad]) => ({ operation, run, idempotent, label, bad })),
  );

  it.each(cases)('$operation answered with $label → UnexpectedResponseError', async ({ operation, run, idempotent, bad }) => {
    server = await scriptedServer((_req, res) => answer(res, 200, bad.type, bad.body));
    const client = testClient(server.url);
    const err = await catchErr(run(client));
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect(err).toMatchObject({ code: 'BAD_RESPONSE', operation, status: 200 });
    expect(err.message).toContain(operation);
    expect(err.message).toContain('200');
    expect(err.message).toContain(bad.type.split(';')[0]);
    // Retried only where a repeat is harmless; a create may have happened.
    expect(server.requests).toHaveLength(idempotent ? 3 : 1);
    expect(err.attempts).toBe(idempotent ? 3 : 1);
    await client.close();
  });

  it('recovers when a retry gets a good answer', async () => {
    server = await scriptedServer((_req, res, n) =>
      n === 1 ? answer(res, 200, 'text/html', '<html>proxy</html>') : answer(res, 200, 'application/json', '{"id":"fs","name":"n"}'),
    );
    const retries: string[] = [];
    const client = testClient(server.url, { onRetry: (i) => retries.push(i.reason) });
    await expect(client.getFileSet('fs')).resolves.toMatchObject({ id: 'fs', name: 'n' });
    expect(retries).toEqual(['bad response']);
    await client.close();
  });

  it.each([
    ['an empty 200', 200, ''],
    ['a 204', 204, ''],
    ['a status object', 200, '{"status":"success","message":"deleted"}'],
  ])('accepts %s as a done delete', async (_label, status, body) => {
    server = await scriptedServer((req, res) => {
      // The look after a FileSet delete finds it gone.
      if (req.method === 'GET') return domoError(res, 404, 'gone');
      res.writeHead(status, body ? { 'content-type': 'application/json' } : {});
      res.end(body);
    });
    const client = testClient(server.url);
    await expect(client.deleteFile('fs', 'f')).resolves.toBeUndefined();
    await expect(client.deleteFileSet('fs')).resolves.toBeUndefined();
    await client.close();
  });

  it('a FileSet delete answered as done whose FileSet is still there is UnconfirmedDeleteError (looked up again, then given up)', async () => {
    server = await scriptedServer((req, res) => {
      if (req.method === 'DELETE') return void res.writeHead(200).end();
      answer(res, 200, 'application/json', '{"id":"fs","name":"still here"}');
    });
    const client = testClient(server.url);
    const err = await client.deleteFileSet('fs').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnconfirmedDeleteError);
    expect(err).toMatchObject({
      code: 'DELETE_NOT_DONE',
      message: 'DELETE /filesets/fs answered success, but the FileSet is still there when looked up again; it was not deleted',
    });
    expect(server.requests.map((r) => r.method)).toEqual(['DELETE', ...CONFIRM_DELAYS_MS.map(() => 'GET')]);
    await client.close();
  });

  it('refuses a listing page whose entries are not objects, or whose cursor is not a string', async () => {
    server = await scriptedServer((_req, res, n) =>
      answer(res, 200, 'application/json', n <= 3 ? '{"files":[null]}' : '{"files":[],"pageContext":{"next":7}}'),
    );
    const client = testClient(server.url);
    await expect(collect(client.listFiles('fs'))).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(collect(client.listFiles('fs'))).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await client.close();
  });

  it('refuses a FileSet search page with a FileSet without id (a duplicate would be created on the next run)', async () => {
    server = await scriptedServer((_req, res) => answer(res, 200, 'application/json', '{"fileSets":[{"name":"docs"}]}'));
    const client = testClient(server.url);
    await expect(client.findFileSetsByName('docs')).rejects.toMatchObject({ code: 'BAD_RESPONSE', operation: 'listFileSets' });
    await client.close();
  });
});

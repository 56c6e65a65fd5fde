import { ForbiddenError, NotFoundError, UnauthorizedError, isDomoError } from '../../client';
import { TOKEN, catchErr, testClient } from './helpers/client';
import { json, scriptedServer, type ScriptedServer } from './helpers/scripted-server';

describe('error responses over HTTP', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('parses a Domo JSON error body into a typed error', async () => {
    server = await scriptedServer((_req, res) => json(res, 404, { status: 404, statusReason: 'Not Found', message: 'File not found', toe: 'CA6JXYZ' }));
    const client = testClient(server.url);
    const err = await catchErr(client.getFileByPath('fs 1', 'a b/c.txt'));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(isDomoError(err)).toBe(true);
    expect(err).toMatchObject({
      code: 'NOT_FOUND',
      status: 404,
      method: 'GET',
      toe: 'CA6JXYZ',
      domoMessage: 'File not found',
      attempts: 1,
      path: '/api/files/v1/filesets/fs%201/path?path=a%20b%2Fc.txt',
    });
    expect(err.message).toBe('404 Not Found: GET /api/files/v1/filesets/fs%201/path?path=a%20b%2Fc.txt — File not found (toe CA6JXYZ, 1 attempt)');
    await client.close();
  });

  it('accepts a plain-string 403 body', async () => {
    server = await scriptedServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Forbidden: no access to this FileSet');
    });
    const client = testClient(server.url);
    const err = await catchErr(client.getFileSet('x'));
    expect(err).toBeInstanceOf(ForbiddenError);
    expect(err.domoMessage).toBe('Forbidden: no access to this FileSet');
    expect(err.toe).toBeUndefined();
    await client.close();
  });

  it('accepts an empty error body', async () => {
    server = await scriptedServer((_req, res) => void res.writeHead(401).end());
    const client = testClient(server.url);
    const err = await catchErr(client.getFileSet('x'));
    expect(err).toBeInstanceOf(UnauthorizedError);
    expect(err.message).toBe('401 Unauthorized: GET /api/files/v1/filesets/x (1 attempt)');
    await client.close();
  });

  it('never puts the token in an error, even when the server echoes it', async () => {
    server = await scriptedServer((req, res) =>
      json(res, 401, { status: 401, statusReason: 'Unauthorized', message: `bad token ${String(req.headers['x-domo-developer-token'])}`, toe: 'T' }),
    );
    const client = testClient(server.url);
    const err = await catchErr(client.getFileSet('x'));
    expect(server.requests[0].headers['x-domo-developer-token']).toBe(TOKEN);
    expect(err.message).not.toContain(TOKEN);
    expect(err.domoMessage).not.toContain(TOKEN);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    await client.close();
  });

  it('maps a 404 on delete to NotFoundError (callers decide whether gone is done)', async () => {
    server = await scriptedServer((_req, res) => json(res, 404, { status: 404, message: 'gone' }));
    const client = testClient(server.url);
    await expect(client.deleteFileByPath('fs', 'a.txt')).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.deleteFileSet('fs')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await client.close();
  });

  it('maps 409 and 413 on upload', async () => {
    server = await scriptedServer((_req, res, n) => json(res, n === 1 ? 409 : 413, { status: n === 1 ? 409 : 413, message: 'no' }));
    const client = testClient(server.url);
    await expect(client.uploadFile('fs', { path: 'a.txt', source: { content: 'x' } })).rejects.toMatchObject({ code: 'CONFLICT', attempts: 1 });
    await expect(client.uploadFile('fs', { path: 'a.txt', source: { content: 'x' } })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    await client.close();
  });
});

import { Readable } from 'node:stream';
import { NetworkError, RateLimitedError, ServerError } from '../../client';
import { catchErr, testClient } from './helpers/client';
import { domoError, json, reset, scriptedServer, type ScriptedServer } from './helpers/scripted-server';

const FS = { id: 'fs1', name: 'n' };

describe('retries against a scripted server', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it.each([429, 502, 503, 504])('retries a GET after %i and reports each retry', async (status) => {
    server = await scriptedServer((_req, res, n) => (n < 3 ? domoError(res, status, 'busy') : json(res, 200, FS)));
    const retries: unknown[] = [];
    const client = testClient(server.url, { onRetry: (i) => retries.push(i) });
    await expect(client.getFileSet('fs1')).resolves.toMatchObject({ id: 'fs1' });
    expect(server.requests).toHaveLength(3);
    expect(retries).toEqual([
      expect.objectContaining({ method: 'GET', attempt: 1, reason: `HTTP ${status}`, path: '/api/files/v1/filesets/fs1' }),
      expect.objectContaining({ attempt: 2 }),
    ]);
    await client.close();
  });

  it('gives up after the configured attempts with the attempt count and Domo details', async () => {
    server = await scriptedServer((_req, res) => domoError(res, 503, 'down for maintenance'));
    const client = testClient(server.url, { retry: { attempts: 4 } });
    const err = await catchErr(client.getFileSet('fs1'));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ code: 'SERVER_ERROR', status: 503, attempts: 4, toe: 'TOE123', domoMessage: 'down for maintenance', method: 'GET' });
    expect(err.message).toContain('(toe TOE123, 4 attempts)');
    expect(server.requests).toHaveLength(4);
    await client.close();
  });

  it('retries a 500 for a GET but not a 400', async () => {
    server = await scriptedServer((req, res, n) =>
      req.url.endsWith('/bad') ? domoError(res, 400, 'bad') : n === 1 ? domoError(res, 500, 'boom') : json(res, 200, FS),
    );
    const client = testClient(server.url);
    await expect(client.getFileSet('fs1')).resolves.toMatchObject({ id: 'fs1' });
    expect(server.requests).toHaveLength(2);
    const err = await catchErr(client.getFileSet('bad'));
    expect(err).toMatchObject({ code: 'HTTP_ERROR', status: 400, attempts: 1 });
    expect(server.requests).toHaveLength(3);
    await client.close();
  });

  it('attempts: 1 disables retries', async () => {
    server = await scriptedServer((_req, res) => domoError(res, 503, 'x'));
    const client = testClient(server.url, { retry: { attempts: 1 } });
    await expect(client.getFileSet('fs1')).rejects.toMatchObject({ attempts: 1 });
    expect(server.requests).toHaveLength(1);
    await client.close();
  });

  it('honours Retry-After in seconds', async () => {
    server = await scriptedServer((_req, res, n) => (n === 1 ? domoError(res, 429, 'slow down', { 'retry-after': '1' }) : json(res, 200, FS)));
    const delays: number[] = [];
    const client = testClient(server.url, { retry: { baseDelayMs: 5, maxDelayMs: 5000 }, onRetry: (i) => delays.push(i.delayMs) });
    await client.getFileSet('fs1');
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(1000);
    expect(delays[0]).toBeLessThanOrEqual(1005);
    await client.close();
  });

  it('honours Retry-After as an HTTP-date, capped at maxDelayMs', async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    server = await scriptedServer((_req, res, n) => (n === 1 ? domoError(res, 503, 'later', { 'retry-after': later }) : json(res, 200, FS)));
    const delays: number[] = [];
    const client = testClient(server.url, { retry: { baseDelayMs: 1, maxDelayMs: 40 }, onRetry: (i) => delays.push(i.delayMs) });
    await client.getFileSet('fs1');
    expect(delays).toEqual([40]);
    await client.close();
  });

  it('does not spend attempts on 429s with Retry-After; fails with RateLimitedError once the wait budget is spent', async () => {
    server = await scriptedServer((_req, res) => domoError(res, 429, 'too many', { 'retry-after': '0' }));
    // adaptive: false — this is about the retry budget, not about pacing (which would slow the retries down)
    const client = testClient(server.url, { adaptive: false, retry: { attempts: 2, maxRateLimitWaitMs: 150 } });
    const err = await catchErr(client.getFileSet('fs1'));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterMs).toBe(0);
    expect(err.attempts).toBeGreaterThan(2); // more than `attempts`: the budget, not the count, ended it
    expect(server.requests).toHaveLength(err.attempts);
    expect(client.stats()).toMatchObject({ requests: err.attempts, throttled: err.attempts, retries: err.attempts - 1 });
    await client.close();
  });

  it('spends attempts on 429s without Retry-After', async () => {
    server = await scriptedServer((_req, res) => domoError(res, 429, 'too many'));
    const client = testClient(server.url);
    const err = await catchErr(client.getFileSet('fs1'));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ attempts: 3 });
    expect(server.requests).toHaveLength(3);
    await client.close();
  });

  it('retries a connection reset for a GET', async () => {
    server = await scriptedServer((_req, res, n) => (n === 1 ? reset(res) : json(res, 200, FS)));
    const reasons: string[] = [];
    const client = testClient(server.url, { onRetry: (i) => reasons.push(i.reason) });
    await expect(client.getFileSet('fs1')).resolves.toMatchObject({ id: 'fs1' });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/UND_ERR_SOCKET|ECONNRESET/);
    await client.close();
  });

  it('retries a headers timeout', async () => {
    server = await scriptedServer((_req, res, n) => {
      if (n > 1) json(res, 200, FS); // the first request is never answered
    });
    const client = testClient(server.url, { headersTimeoutMs: 150 });
    await expect(client.getFileSet('fs1')).resolves.toMatchObject({ id: 'fs1' });
    expect(server.requests).toHaveLength(2);
    await client.close();
  });

  it('reports a timeout as NetworkError naming the request', async () => {
    server = await scriptedServer(() => undefined);
    const client = testClient(server.url, { headersTimeoutMs: 100, retry: { attempts: 2 } });
    const err = await catchErr(client.getFileSet('fs1'));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ code: 'NETWORK', attempts: 2, method: 'GET', path: '/api/files/v1/filesets/fs1' });
    expect(err.message).toMatch(/UND_ERR_HEADERS_TIMEOUT/);
    expect(err.message).not.toContain('tok-SECRET');
    await client.close();
  });

  it('retries a body that stalls mid-response (body timeout)', async () => {
    server = await scriptedServer((_req, res, n) => {
      if (n === 1) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"id":'); // then nothing
        return;
      }
      json(res, 200, FS);
    });
    const client = testClient(server.url, { bodyTimeoutMs: 150 });
    await expect(client.getFileSet('fs1')).resolves.toMatchObject({ id: 'fs1' });
    expect(server.requests).toHaveLength(2);
    await client.close();
  });

  it('retries a connection refused, even for a create (it never reached a server)', async () => {
    const gone = await scriptedServer(() => undefined);
    const url = gone.url;
    await gone.close();
    const client = testClient(url);
    const err = await catchErr(client.createFileSet({ name: 'x' }));
    expect(err).toMatchObject({ code: 'NETWORK', attempts: 3 });
    expect(err.message).toContain('ECONNREFUSED');
    await client.close();
  });

  it.each([500, 502, 503, 504])('does not retry a FileSet create answered %i (it may have been created)', async (status) => {
    server = await scriptedServer((_req, res) => domoError(res, status, 'oops'));
    const client = testClient(server.url);
    const err = await catchErr(client.createFileSet({ name: 'x' }));
    expect(err).toMatchObject({ code: 'SERVER_ERROR', status, attempts: 1 });
    expect(server.requests).toHaveLength(1);
    await client.close();
  });

  it('does not retry a FileSet create after a reset (the server may have acted)', async () => {
    server = await scriptedServer((_req, res) => reset(res));
    const client = testClient(server.url);
    await expect(client.createFileSet({ name: 'x' })).rejects.toMatchObject({ code: 'NETWORK', attempts: 1 });
    expect(server.requests).toHaveLength(1);
    await client.close();
  });

  it('retries a FileSet create answered 429 (refused before acting)', async () => {
    server = await scriptedServer((_req, res, n) => (n === 1 ? domoError(res, 429, 'slow', { 'retry-after': '0' }) : json(res, 201, FS)));
    const client = testClient(server.url);
    await expect(client.createFileSet({ name: 'x' })).resolves.toMatchObject({ id: 'fs1' });
    expect(server.requests).toHaveLength(2);
    await client.close();
  });

  it('does not retry an upload from a caller stream (it cannot be replayed)', async () => {
    server = await scriptedServer((_req, res) => domoError(res, 503, 'busy'));
    const client = testClient(server.url);
    const err = await catchErr(client.uploadFile('fs1', { path: 'a.txt', source: { stream: Readable.from([Buffer.from('hello')]) } }));
    expect(err).toMatchObject({ code: 'SERVER_ERROR', attempts: 1 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].body.toString()).toContain('hello');
    await client.close();
  });

  it('retries an upload from a Buffer, sending identical bodies (same path overwritten)', async () => {
    server = await scriptedServer((_req, res, n) =>
      n === 1 ? domoError(res, 503, 'busy') : json(res, 201, { id: 'f1', path: 'd/a.txt', name: 'a.txt', size: 5 }),
    );
    const client = testClient(server.url);
    await expect(client.uploadFile('fs1', { path: 'd/a.txt', source: { content: 'hello' } })).resolves.toMatchObject({ id: 'f1' });
    expect(server.requests).toHaveLength(2);
    const strip = (b: Buffer) => b.toString('latin1').replace(/----domo-filesets-[0-9a-f]+/g, 'B');
    expect(strip(server.requests[1].body)).toBe(strip(server.requests[0].body));
    await client.close();
  });

  it('retries DELETE and search requests', async () => {
    server = await scriptedServer((req, res, n) => {
      if (n % 2 === 1) return domoError(res, 502, 'gateway');
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      if (req.method === 'GET' && req.url.endsWith('/filesets/fs1')) return domoError(res, 404, 'gone');
      if (req.url.includes('/files/search')) return json(res, 200, { files: [], pageContext: { next: null } });
      if (req.url.includes('/query')) return json(res, 200, { matches: [] });
      return json(res, 200, { fileSets: [], pageContext: { count: 0, totalCount: 0, offset: 0 } });
    });
    const client = testClient(server.url);
    await client.deleteFile('fs1', 'f1');
    await client.deleteFileByPath('fs1', 'a/b.txt');
    await client.deleteFileSet('fs1');
    for await (const _ of client.listFiles('fs1')) void _;
    for await (const _ of client.searchFileSets()) void _;
    await client.query('fs1', { query: 'x' });
    expect(server.requests).toHaveLength(14);
    await client.close();
  });
});

/** Fault injection (by header and by seeded rate) and the stats/log/reset endpoints. */
import { request } from 'node:http';
import { startEmulator, type FaultKind } from '../../emulator';
import { API, startEmu, TOKEN, waitFor, type Emu } from './helpers';

let emu: Emu;
afterEach(() => emu?.close());

/** Sends a raw request and reports whether the socket was reset before a response arrived. */
function raw(url: string, method: string, path: string, body: Buffer | null, headers: Record<string, string>): Promise<{ status: number } | { reset: true }> {
  return new Promise((resolve) => {
    const req = request(
      url + path,
      { method, headers: { 'X-DOMO-Developer-Token': TOKEN, ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', () => resolve({ reset: true }));
    if (body) req.end(body);
    else req.end();
  });
}

describe('x-emulator-fault header', () => {
  beforeEach(async () => {
    emu = await startEmu({ slowMs: 50, retryAfterSeconds: 3 });
  });

  it('500 and 429 answer Domo error bodies; 429 carries Retry-After', async () => {
    const e500 = await emu.req('POST', `${API}/filesets/search`, {}, { 'x-emulator-fault': '500' });
    expect(e500.status).toBe(500);
    expect(e500.body).toMatchObject({ status: 500, statusReason: 'Internal Server Error', toe: expect.any(String) });
    const e429 = await emu.req('POST', `${API}/filesets/search`, {}, { 'x-emulator-fault': '429' });
    expect(e429.status).toBe(429);
    expect(e429.headers.get('retry-after')).toBe('3');
    expect(e429.body.status).toBe(429);
  });

  it('slow delays and then answers normally', async () => {
    const r = await emu.req('POST', `${API}/filesets`, { name: 'slow' }, { 'x-emulator-fault': 'slow' });
    expect(r.status).toBe(201);
    expect(emu.e.stats().faults).toEqual({ slow: 1 });
  });

  it('reset drops the connection mid-upload and stores nothing', async () => {
    const fs = await emu.createFileSet();
    const boundary = 'b0undary';
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.txt"\r\ncontent-type: text/plain\r\n\r\n`),
      big,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const r = await raw(emu.url, 'POST', `${API}/filesets/${fs.id}/files`, body, {
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'x-emulator-fault': 'reset',
    });
    expect(r).toEqual({ reset: true });
    expect(await emu.listAll(fs.id, '')).toEqual([]);
    const got = await emu.req('GET', `${API}/filesets/${fs.id}`);
    expect(got.body).toMatchObject({ size: 0, fileCount: 0 });
    expect(emu.e.stats().faults).toEqual({ reset: 1 });
    expect(emu.e.requestLog().find((l) => l.operationId === 'createFile')).toMatchObject({ status: 0 });
  });

  it('a client that disconnects mid-upload leaves nothing stored', async () => {
    const fs = await emu.createFileSet();
    const boundary = 'b0undary';
    const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="half.txt"\r\n\r\n`;
    const req = request(`${emu.url}${API}/filesets/${fs.id}/files`, {
      method: 'POST',
      headers: { 'X-DOMO-Developer-Token': TOKEN, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + 1e6) },
    });
    req.on('error', () => undefined);
    req.write(head + 'x'.repeat(1000));
    // Leave once the server is reading the body.
    await waitFor(() => emu.e.stats().bytesIn >= head.length + 1000, 'the server to read the first part of the body');
    req.destroy();
    // The server logs the request when it has given up on it.
    await waitFor(() => emu.e.requestLog().some((l) => l.operationId === 'createFile'), 'the upload in the request log');
    expect(await emu.listAll(fs.id, '')).toEqual([]);
    expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).body).toMatchObject({ fileCount: 0, size: 0 });
  });

  it('a request whose client leaves during a slow fault is not acted on and is logged with status 0', async () => {
    const slow = await startEmu({ slowMs: 300 });
    try {
      const fs = await slow.createFileSet();
      await slow.upload(fs.id, '', 'keep.txt', 'k');
      const ac = new AbortController();
      const pending = fetch(`${slow.url}${API}/filesets/${fs.id}/path?path=keep.txt`, {
        method: 'DELETE',
        headers: { 'X-DOMO-Developer-Token': TOKEN, 'x-emulator-fault': 'slow' },
        signal: ac.signal,
      }).catch(() => 'aborted');
      // Leave while the fault delays the request.
      await waitFor(() => slow.e.stats().faults.slow === 1, 'the slow fault to be drawn');
      ac.abort();
      expect(await pending).toBe('aborted');
      await waitFor(() => slow.e.requestLog().some((l) => l.operationId === 'deleteFileByPath'), 'the delete in the request log');
      expect(slow.e.requestLog().find((l) => l.operationId === 'deleteFileByPath')).toMatchObject({ status: 0, removed: [] });
      expect((await slow.req('GET', `${API}/filesets/${fs.id}/path?path=keep.txt`)).status).toBe(200);
    } finally {
      await slow.close();
    }
  });

  it('reset on a bodiless request drops the connection', async () => {
    expect(await raw(emu.url, 'GET', `${API}/filesets/x`, null, { 'x-emulator-fault': 'reset' })).toEqual({ reset: true });
  });

  it('rejects an unknown fault name with 400 and never faults /_emulator routes', async () => {
    expect((await emu.req('POST', `${API}/filesets/search`, {}, { 'x-emulator-fault': 'boom' })).status).toBe(400);
    const s = await fetch(`${emu.url}/_emulator/stats`, { headers: { 'x-emulator-fault': '500' } });
    expect(s.status).toBe(200);
  });
});

describe('seeded fault rate', () => {
  async function sequence(seed: number): Promise<(number | string)[]> {
    const e = await startEmulator({ token: TOKEN, faults: { rate: 0.5, kinds: ['500', '429'], seed } });
    try {
      const out: (number | string)[] = [];
      for (let i = 0; i < 30; i++) {
        const r = await fetch(`${e.url}${API}/filesets/search`, { method: 'POST', body: '{}', headers: { 'X-DOMO-Developer-Token': TOKEN } });
        out.push(r.status);
        await r.arrayBuffer();
      }
      const stats = e.stats();
      expect((stats.faults['500'] ?? 0) + (stats.faults['429'] ?? 0)).toBe(out.filter((s) => s !== 200).length);
      return out;
    } finally {
      await e.close();
    }
  }

  it('gives the same fault sequence for the same seed and a different one for another seed', async () => {
    const a = await sequence(42);
    const b = await sequence(42);
    const c = await sequence(7);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((s) => s !== 200).length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(3);
    expect(new Set(a)).toEqual(new Set([200, 500, 429]));
  });

  it('restarts the sequence on reset and never faults /_emulator routes', async () => {
    emu = await startEmu({ faults: { rate: 0.5, kinds: ['500', '429'], seed: 3 } });
    const run = async () => {
      const out: number[] = [];
      for (let i = 0; i < 12; i++) {
        out.push((await emu.req('GET', `${API}/filesets/x`)).status);
        // Admin routes in between neither fault nor consume draws.
        expect((await fetch(`${emu.url}/_emulator/stats`)).status).toBe(200);
      }
      return out;
    };
    const first = await run();
    await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
    expect(await run()).toEqual(first);
    expect(first.some((s) => s === 404)).toBe(true);
    expect(first.some((s) => s !== 404)).toBe(true);
  });

  it('validates fault options', async () => {
    await expect(startEmulator({ faults: { rate: 2, kinds: ['500'] } })).rejects.toThrow(/rate/);
    await expect(startEmulator({ faults: { rate: 0.1, kinds: ['boom' as FaultKind] } })).rejects.toThrow(/boom/);
  });
});

describe('stats, log and reset', () => {
  beforeEach(async () => {
    emu = await startEmu({ maxRequestLog: 3 });
  });

  it('counts requests per operation id, mutating ones, and bytes in and out', async () => {
    const fs = await emu.createFileSet();
    await emu.upload(fs.id, 'a', 'f.txt', 'x'.repeat(1000));
    await emu.listAll(fs.id, '');
    await emu.req('POST', `${API}/filesets/${fs.id}/query`, { query: 'x' });
    await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=a/f.txt`);
    const s = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as ReturnType<typeof emu.e.stats>;
    expect(s).toEqual(emu.e.stats());
    expect(s.requests).toEqual({ createFileSet: 1, createFile: 1, listFilesForFileset: 2, queryFileSet: 1, deleteFileByPath: 1 });
    expect(s.total).toBe(6);
    expect(s.mutating).toBe(3);
    expect(s.bytesIn).toBeGreaterThan(1000);
    expect(s.bytesOut).toBeGreaterThan(500);
  });

  it('keeps the last maxRequestLog entries with fileSetId and path; reset clears data, counters and log', async () => {
    const fs = await emu.createFileSet();
    await emu.upload(fs.id, 'd', 'one.txt', '1');
    await emu.upload(fs.id, 'd', 'two.txt', '2');
    await emu.req('GET', `${API}/filesets/${fs.id}`);
    const log = (await (await fetch(`${emu.url}/_emulator/log`)).json()) as { entries: unknown[] };
    expect(log.entries).toEqual([
      { seq: 2, operationId: 'createFile', method: 'POST', fileSetId: fs.id, path: 'd/one.txt', status: 201 },
      { seq: 3, operationId: 'createFile', method: 'POST', fileSetId: fs.id, path: 'd/two.txt', status: 201 },
      { seq: 4, operationId: 'getFileSet', method: 'GET', fileSetId: fs.id, path: null, status: 200 },
    ]);
    const r = await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(emu.e.stats()).toEqual({ total: 0, mutating: 0, bytesIn: 0, bytesOut: 0, requests: {}, faults: {}, limited: 0, peakInFlight: 0 });
    expect(emu.e.requestLog()).toEqual([]);
    expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).status).toBe(404);
  });
});

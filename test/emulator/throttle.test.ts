/**
 * Latency and rate limits: the token bucket and the jitter as units on injected clocks, then over HTTP —
 * 429 with Retry-After before any work, per token, counted in stats — and the two delays of a request on a
 * fake clock (handled after one delay, answered after a second).
 */
import { readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { startEmulator } from '../../emulator';
import { Latency, RateLimiter } from '../../emulator/throttle';
import { API, startEmu, tempDir, TOKEN, waitFor, type Emu } from './helpers';

describe('RateLimiter', () => {
  it('allows a burst, then answers the whole seconds (rounded up, at least 1) until a token frees, and refills at the rate', () => {
    let now = 0;
    const rl = new RateLimiter({ rate: 0.4, burst: 2 }, () => now);
    expect([rl.take('a'), rl.take('a')]).toEqual([null, null]);
    expect(rl.take('a')).toBe(3); // 2.5 s until a token: rounded up
    now = 2000; // 0.8 token saved up: 0.5 s to go, still at least 1
    expect(rl.take('a')).toBe(1);
    now = 2500;
    expect(rl.take('a')).toBeNull();
    expect(rl.take('b')).toBeNull(); // every token has its own bucket
    now = 1e9;
    expect([rl.take('a'), rl.take('a'), rl.take('a')]).toEqual([null, null, 3]); // never more than the burst saved
  });

  it('a fast rate answers at least one second', () => {
    let now = 0;
    const rl = new RateLimiter({ rate: 100, burst: 1 }, () => now);
    expect(rl.take('k')).toBeNull();
    expect(rl.take('k')).toBe(1);
    now = 10;
    expect(rl.take('k')).toBeNull();
  });
});

describe('Latency', () => {
  it('draws latencyMs ± jitter, the same sequence for the same seed, from the start again after restart', () => {
    const a = new Latency(20, 5, 42);
    const first = Array.from({ length: 50 }, () => a.next());
    for (const d of first) expect(d >= 15 && d <= 25).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(40);
    const b = new Latency(20, 5, 42);
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(first);
    const c = new Latency(20, 5, 7);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(first);
    a.restart();
    expect(a.next()).toBe(first[0]);
    expect(new Latency(0, 0, 1).active).toBe(false);
    expect(new Latency(10, 0, 1).next()).toBe(10);
  });

  it('is validated at start', async () => {
    await expect(startEmulator({ latencyMs: -1 })).rejects.toThrow('latencyMs must be a number >= 0');
    await expect(startEmulator({ rateLimit: { rate: 0, burst: 1 } })).rejects.toThrow('rateLimit.rate must be a number > 0');
    await expect(startEmulator({ rateLimit: { rate: 1, burst: 0.5 } })).rejects.toThrow('rateLimit.burst must be an integer >= 1');
  });
});

describe('rate limit over HTTP', () => {
  let emu: Emu;
  beforeEach(async () => {
    emu = await startEmu({ token: undefined, rateLimit: { rate: 0.1, burst: 2 } });
  });
  afterEach(() => emu.close());

  it('answers 429 with Retry-After and Domo’s error body before any work, per token, and counts it', async () => {
    const fs = await emu.createFileSet('one');
    expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).status).toBe(200);
    const fd = new FormData();
    fd.append('file', new Blob([Buffer.alloc(512 * 1024, 0x61)]), 'big.txt');
    const limited = await emu.req('POST', `${API}/filesets/${fs.id}/files`, fd);
    expect(limited.status).toBe(429);
    // 10 s per token at 0.1/s: the wait is just under 10 s, rounded up.
    expect(limited.headers.get('retry-after')).toBe('10');
    expect(limited.body).toEqual({ status: 429, statusReason: 'Too Many Requests', message: expect.stringMatching(/rate limit/i), toe: expect.any(String) });
    // Another token has its own bucket; the upload above stored nothing.
    const other = { 'X-DOMO-Developer-Token': 'second-token' };
    expect((await emu.req('POST', `${API}/filesets/${fs.id}/files/search`, {}, other)).body.files).toEqual([]);
    const stats = (await (await fetch(`${emu.url}/_emulator/stats`)).json()) as ReturnType<typeof emu.e.stats>;
    expect(stats).toMatchObject({ limited: 1, total: 4, requests: { createFileSet: 1, getFileSet: 1, createFile: 1, listFilesForFileset: 1 } });
    expect(stats.bytesIn).toBeGreaterThan(512 * 1024);
    expect(emu.e.requestLog().find((l) => l.operationId === 'createFile')).toMatchObject({ status: 429, path: null });
  });

  it('never limits the /_emulator routes', async () => {
    for (let i = 0; i < 5; i++) expect((await fetch(`${emu.url}/_emulator/stats`)).status).toBe(200);
    expect(emu.e.stats().limited).toBe(0);
  });
});

/** A raw request whose completion is observable without waiting on it. */
function send(url: string, method: string, path: string): { done: () => boolean; status: () => number } {
  let status = 0;
  const req = request(url + path, { method, headers: { 'X-DOMO-Developer-Token': TOKEN } }, (res) => {
    res.resume();
    res.on('end', () => (status = res.statusCode ?? 0));
  });
  req.on('error', () => undefined);
  req.end();
  return { done: () => status !== 0, status: () => status };
}

/** Lets real I/O happen (setImmediate is not faked). */
const io = async (turns = 20): Promise<void> => {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
};

describe('latency over HTTP', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('emu-latency-');
  });
  afterEach(() => {
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('handles a request after one delay and answers after a second; /_emulator routes are not delayed', async () => {
    // Data made without latency; the journal on disk then shows the moment the delete is carried out.
    const setup = await startEmu({ dataDir: dir, indexDelayMs: 0 });
    const fs = await setup.createFileSet('slow');
    await setup.upload(fs.id, '', 'gone.txt', 'x');
    await setup.close();
    const journal = () => readFileSync(join(dir, 'meta.ndjson'), 'utf8');
    const deleted = () => journal().includes('"t":"dn"');

    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    const e = await startEmulator({ token: TOKEN, dataDir: dir, latencyMs: 1000 });
    try {
      const del = send(e.url, 'DELETE', `${API}/filesets/${fs.id}/path?path=gone.txt`);
      // The request has arrived when its first delay is on the (fake) clock.
      while (jest.getTimerCount() === 0) await io();
      await jest.advanceTimersByTimeAsync(999);
      await io();
      expect([deleted(), del.done()]).toEqual([false, false]);
      // Admin routes answer at once, whatever the clock.
      const stats = send(e.url, 'GET', '/_emulator/stats');
      while (!stats.done()) await io();
      await jest.advanceTimersByTimeAsync(1);
      // Carried out (the journal has it) and its second delay is on the clock, but nothing is answered yet.
      while (!deleted() || jest.getTimerCount() === 0) await io();
      expect(del.done()).toBe(false);
      await jest.advanceTimersByTimeAsync(999);
      await io();
      expect(del.done()).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      while (!del.done()) await io();
      expect(del.status()).toBe(200);
    } finally {
      jest.useRealTimers();
      await e.close();
    }
  });

  it('stats count the most requests handled at once (peakInFlight): delays included, answered ones not', async () => {
    const setup = await startEmu({ dataDir: dir, indexDelayMs: 0 });
    const fs = await setup.createFileSet('peak');
    await setup.close();
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
    const e = await startEmulator({ token: TOKEN, dataDir: dir, latencyMs: 1000 });
    try {
      const get = (): ReturnType<typeof send> => send(e.url, 'GET', `${API}/filesets/${fs.id}`);
      const five = Array.from({ length: 5 }, get);
      // All five have arrived and sleep on the (fake) clock: in flight together.
      while (e.stats().total < 5 || jest.getTimerCount() < 5) await io();
      expect(e.stats().peakInFlight).toBe(5);
      while (!five.every((r) => r.done())) {
        await jest.advanceTimersByTimeAsync(1000);
        await io();
      }
      expect(five.map((r) => r.status())).toEqual([200, 200, 200, 200, 200]);
      await e.reset();
      expect(e.stats().peakInFlight).toBe(0);
      // One after another: never more than one at a time, and an unrouted /api path counts too.
      for (const path of [`${API}/filesets/${fs.id}`, `${API}/no-such-operation`]) {
        const one = send(e.url, 'GET', path);
        while (!one.done()) {
          await jest.advanceTimersByTimeAsync(1000);
          await io();
        }
      }
      expect(e.stats()).toMatchObject({ total: 2, peakInFlight: 1 });
    } finally {
      jest.useRealTimers();
      await e.close();
    }
  });

  it('does not act on a request whose client leaves during the first delay', async () => {
    const emu = await startEmu({ latencyMs: 150, indexDelayMs: 0 });
    try {
      const fs = await emu.createFileSet();
      await emu.upload(fs.id, '', 'keep.txt', 'k');
      const before = emu.e.stats().total;
      const ac = new AbortController();
      const pending = fetch(`${emu.url}${API}/filesets/${fs.id}/path?path=keep.txt`, {
        method: 'DELETE',
        headers: { 'X-DOMO-Developer-Token': TOKEN },
        signal: ac.signal,
      }).catch(() => 'aborted');
      await waitFor(() => emu.e.stats().total > before, 'the delete to arrive');
      ac.abort();
      expect(await pending).toBe('aborted');
      await waitFor(() => emu.e.requestLog().some((l) => l.operationId === 'deleteFileByPath'), 'the delete in the request log');
      expect(emu.e.requestLog().find((l) => l.operationId === 'deleteFileByPath')).toMatchObject({ status: 0, removed: [] });
      expect((await emu.req('GET', `${API}/filesets/${fs.id}/path?path=keep.txt`)).status).toBe(200);
    } finally {
      await emu.close();
    }
  });
});

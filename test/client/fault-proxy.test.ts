/**
 * The client against the real emulator behind the fault-injecting proxy (test/support/fault-proxy.ts): every
 * misbehaving answer yields a clear typed error (or a recovery by retry), never a silently wrong result.
 */
import { NetworkError, PaginationError, UnexpectedResponseError, type DomoFilesClient } from '../../client';
import type { EmulatorHandle } from '../../emulator';
import { startTestEmulator } from '../support/harness';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy';
import { TOKEN, catchErr, testClient } from './helpers/client';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('client behind a faulty proxy in front of the emulator', () => {
  let emu: EmulatorHandle;
  let proxy: FaultProxy;
  let client: DomoFilesClient;
  let fsId: string;

  beforeAll(async () => {
    emu = await startTestEmulator({ token: TOKEN });
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    await emu.reset();
    proxy = await startFaultProxy(emu.url);
    client = testClient(proxy.url, { requestTimeoutMs: 2_000 });
    fsId = (await client.createFileSet({ name: 'faults' })).id;
    for (const p of ['a/1.txt', 'a/2.txt', 'b.txt']) await client.uploadFile(fsId, { path: p, source: { content: p } });
  });
  afterEach(async () => {
    await client.close();
    await proxy.close();
  });

  it('an HTML page instead of the FileSet search is an error, not "no FileSet of that name"', async () => {
    proxy.addRule({ fault: 'html200', match: { path: /\/filesets\/search/ } });
    const err = await catchErr(client.findFileSetsByName('faults'));
    expect(err).toBeInstanceOf(UnexpectedResponseError);
    expect(err.message).toMatch(/listFileSets.*200 \(text\/html\)/);
    expect(proxy.log.filter((e) => e.fault === 'html200')).toHaveLength(3);
  });

  it('truncated JSON in a listing is retried, then an error — never a short listing', async () => {
    proxy.addRule({ fault: 'truncatedJson', match: { path: /\/files\/search/ } });
    const err = await catchErr(collect(client.listFiles(fsId)));
    expect(err).toMatchObject({ code: 'BAD_RESPONSE', operation: 'listFilesForFileset', attempts: 3 });
    expect(err.message).toContain('not valid JSON');
  });

  it('one bad answer is retried and the listing is complete', async () => {
    proxy.once('empty200', { path: /\/files\/search/ });
    const files = await collect(client.listFiles(fsId, { filesOnly: true }));
    expect(files.map((f) => f.path).sort()).toEqual(['a/1.txt', 'a/2.txt', 'b.txt']);
    const faults = proxy.log.filter((e) => e.url.includes('/files/search')).map((e) => e.fault);
    expect(faults[0]).toBe('empty200');
    expect(faults.slice(1).every((f) => f === null)).toBe(true);
  });

  it('a listing whose cursor never ends stops with PaginationError', async () => {
    proxy.addRule({ fault: 'endlessCursor', match: { path: /\/files\/search/ } });
    const err = await catchErr(collect(client.listFiles(fsId, { limit: 1 })));
    expect(err).toBeInstanceOf(PaginationError);
    // The first page is new; the second repeats it under a new cursor: two requests, not thousands.
    expect(proxy.log.filter((e) => e.url.includes('/files/search'))).toHaveLength(2);
  });

  it('a body dripping one byte at a time ends at the per-attempt deadline (reason "deadline"), retried', async () => {
    const dripping = testClient(proxy.url, { requestTimeoutMs: 300 });
    proxy.addRule({ fault: 'drip', match: { method: 'GET', path: /\/filesets\/[^/]+$/ }, dripMs: 100 });
    const err = await catchErr(dripping.getFileSet(fsId));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toMatchObject({ reason: 'deadline', attempts: 3, operation: 'getFileSet' });
    expect(err.message).toContain('deadline');
    expect(proxy.log.filter((e) => e.fault === 'drip')).toHaveLength(3);
    await dripping.close();
  });

  it('a create whose answer was replaced is not repeated (no duplicate FileSet)', async () => {
    proxy.once('html200', { method: 'POST', path: /\/filesets$/ }, { forward: true });
    const err = await catchErr(client.createFileSet({ name: 'once' }));
    expect(err).toMatchObject({ code: 'BAD_RESPONSE', operation: 'createFileSet', attempts: 1 });
    expect((await client.findFileSetsByName('once')).length).toBe(1);
  });

  it('an upload answered with HTML after the server stored it is retried (same bytes, same path) and verified', async () => {
    proxy.once('html200', { method: 'POST', path: /\/files$/ }, { forward: true });
    await expect(client.uploadFile(fsId, { path: 'a/1.txt', source: { content: 'new' } })).resolves.toMatchObject({ path: 'a/1.txt', verified: 'size' });
    expect(emu.stats().requests.createFile).toBe(3 + 2);
  });
});

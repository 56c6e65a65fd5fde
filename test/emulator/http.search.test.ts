/** files/search: cursor pagination that terminates, directoryPath, immediateChildren, filters, sort, dates. */
import { API, startEmu, type Emu } from './helpers';

let emu: Emu;
let fsId: string;
beforeAll(async () => {
  emu = await startEmu();
  fsId = (await emu.createFileSet('search')).id;
  // sizes: a=1, b=22, c=333 ...
  await emu.upload(fsId, 'docs', 'alpha.md', 'a');
  await emu.upload(fsId, 'docs', 'beta.pdf', 'bb'.repeat(11));
  await emu.upload(fsId, 'docs/deep', 'gamma.txt', 'c'.repeat(333));
  await emu.upload(fsId, '', 'root.csv', 'dddd');
});
afterAll(() => emu.close());

const search = (q: string, body: unknown = {}) => emu.req('POST', `${API}/filesets/${fsId}/files/search?${q}`, body);
const paths = (files: { path: string }[]) => files.map((f) => f.path);

describe('cursor pagination', () => {
  it('walks limit=1 pages; next is base64 JSON with `=`; the page after the last echoes the token sent', async () => {
    const seen: string[] = [];
    let sent: string | null = null;
    let requests = 0;
    for (;;) {
      const r = await search(`limit=1${sent ? `&next=${encodeURIComponent(sent)}` : ''}`);
      requests++;
      expect(r.status).toBe(200);
      const next: string | null = r.body.pageContext.next;
      if (r.body.files.length === 0) {
        expect(next).toBe(sent);
        break;
      }
      expect(next).toContain('=');
      expect(JSON.parse(Buffer.from(next!, 'base64').toString('utf8'))).toMatchObject({ path: r.body.files[0].path, id: r.body.files[0].id });
      seen.push(...paths(r.body.files));
      sent = next;
    }
    expect(seen).toEqual(['docs', 'docs/alpha.md', 'docs/beta.pdf', 'docs/deep', 'docs/deep/gamma.txt', 'root.csv']);
    expect(requests).toBe(7);
  });

  it('answers next: null when there are no results at all', async () => {
    const r = await search('directoryPath=empty');
    expect(r.body).toEqual({ files: [], pageContext: { next: null } });
  });

  it('accepts the cursor with `=` percent-encoded; rejects a garbage cursor and limit=0 with 400', async () => {
    const first = await search('limit=2');
    const cursor: string = first.body.pageContext.next;
    const raw = await search(`limit=2&next=${cursor.replace(/=/g, '%3D')}`);
    expect(raw.status).toBe(200);
    expect((await search('next=!!!notbase64')).status).toBe(400);
    expect((await search('limit=0')).status).toBe(400);
  });
});

describe('scope', () => {
  it('directoryPath lists the subtree; immediateChildren only the direct children', async () => {
    expect(paths((await search('directoryPath=docs')).body.files)).toEqual(['docs/alpha.md', 'docs/beta.pdf', 'docs/deep', 'docs/deep/gamma.txt']);
    expect(paths((await search('directoryPath=docs&immediateChildren=true')).body.files)).toEqual(['docs/alpha.md', 'docs/beta.pdf', 'docs/deep']);
    expect(paths((await search('immediateChildren=true')).body.files)).toEqual(['docs', 'root.csv']);
  });
});

describe('filters', () => {
  const f = (field: string, operator: string, value?: unknown[], not = false) => search('', { filters: [{ field, operator, value, not }] });

  it('supports all eight operators and `not`', async () => {
    expect(paths((await f('name', 'EQUALS', ['beta.pdf'])).body.files)).toEqual(['docs/beta.pdf']);
    expect(paths((await f('name', 'EQUALS', ['beta.pdf'], true)).body.files)).not.toContain('docs/beta.pdf');
    expect(paths((await f('size', 'GREATER_THAN', [22])).body.files)).toEqual(['docs/deep/gamma.txt']);
    expect(paths((await f('size', 'GREATER_THAN_OR_EQUAL', [22])).body.files)).toEqual(['docs/beta.pdf', 'docs/deep/gamma.txt']);
    expect(paths((await f('size', 'LESS_THAN', [4])).body.files)).toEqual(['docs/alpha.md']);
    expect(paths((await f('size', 'LESS_THAN_OR_EQUAL', [4])).body.files)).toEqual(['docs/alpha.md', 'root.csv']);
    expect(paths((await f('fileType', 'IN', ['DOCUMENT', 'DIRECTORY'])).body.files)).toEqual(['docs', 'docs/beta.pdf', 'docs/deep']);
    expect(paths((await f('size', 'IS_NULL')).body.files)).toEqual(['docs', 'docs/deep']);
    expect(paths((await f('size', 'IS_NULL', [], true)).body.files)).toHaveLength(4);
    expect(paths((await f('name', 'LIKE', ['.PDF'])).body.files)).toEqual(['docs/beta.pdf']);
    expect(paths((await f('name', 'LIKE', ['%a.%'])).body.files)).toEqual(['docs/alpha.md', 'docs/beta.pdf', 'docs/deep/gamma.txt']);
  });

  it('paginates filtered results to the end', async () => {
    const all = await emu.listAll(fsId, 'limit=1', { filters: [{ field: 'fileType', operator: 'EQUALS', value: ['TEXT'] }] });
    expect(paths(all)).toEqual(['docs/alpha.md', 'docs/deep/gamma.txt', 'root.csv']);
  });

  it('applies dateFilters (inclusive range, `not`)', async () => {
    const past = { field: 'created', start: '2000-01-01T00:00:00Z', end: '2000-12-31T00:00:00Z' };
    expect((await search('', { dateFilters: [past] })).body.files).toEqual([]);
    expect((await search('', { dateFilters: [{ ...past, not: true }] })).body.files).toHaveLength(6);
    expect((await search('', { dateFilters: [{ field: 'created', start: new Date(Date.now() - 3600e3).toISOString() }] })).body.files).toHaveLength(6);
  });
});

describe('fieldSort', () => {
  it('sorts by size DESC (nulls last) and paginates the sorted order to the end', async () => {
    const body = { fieldSort: [{ field: 'size', order: 'DESC' }] };
    const one = await search('', body);
    expect(paths(one.body.files)).toEqual(['docs/deep/gamma.txt', 'docs/beta.pdf', 'root.csv', 'docs/alpha.md', 'docs', 'docs/deep']);
    expect(paths(await emu.listAll(fsId, 'limit=2', body))).toEqual(paths(one.body.files));
  });

  it('sorts by name ASC', async () => {
    const r = await search('', { fieldSort: [{ field: 'name', order: 'ASC' }] });
    expect(r.body.files.map((x: { name: string }) => x.name)).toEqual(['alpha.md', 'beta.pdf', 'deep', 'docs', 'gamma.txt', 'root.csv']);
  });
});

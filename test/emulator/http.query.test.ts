/** query: BM25 over text files, scores in 0..1, topK, prefix filters, both match shapes. */
import { API, startEmu, type Emu } from './helpers';

let emu: Emu;
let fsId: string;
beforeAll(async () => {
  emu = await startEmu({ indexDelayMs: 0 });
  fsId = (await emu.createFileSet('query', { aiEnabled: true })).id;
  await emu.upload(fsId, 'policies', 'pto.md', '# Paid Time Off\nEmployees accrue paid time off. Time off requests go to your manager. Benefit: vacation.');
  await emu.upload(fsId, 'policies', 'benefits.txt', 'Health benefit, dental benefit and vision benefit for all employees.');
  await emu.upload(fsId, 'reports/quarterly', 'q2.csv', 'region,sales\nwest,100\neast,200\nquarterly sales data');
  await emu.upload(fsId, 'images', 'logo.png', 'benefit benefit benefit');
});
afterAll(() => emu.close());

const query = (body: unknown) => emu.req('POST', `${API}/filesets/${fsId}/query`, body);

it('ranks text files by relevance with scores in (0, 1], carrying both match shapes', async () => {
  const r = await query({ query: 'benefit', topK: 5 });
  expect(r.status).toBe(200);
  const m = r.body.matches;
  expect(m.map((x: { metadata: { path: string } }) => x.metadata.path)).toEqual(['policies/benefits.txt', 'policies/pto.md']);
  expect(m[0].score).toBeGreaterThan(m[1].score);
  for (const x of m) {
    expect(x.score).toBeGreaterThan(0);
    expect(x.score).toBeLessThanOrEqual(1);
    expect(x).toMatchObject({
      id: x.metadata.fileId,
      node: { id: x.metadata.fileId, path: x.metadata.path, name: expect.any(String), fileType: 'TEXT', type: 'TEXT' },
      content: { type: 'TEXT', text: expect.stringMatching(/benefit/i) },
    });
  }
});

it('defaults topK to 1 (the spec) and honours topK', async () => {
  expect((await query({ query: 'benefit' })).body.matches).toHaveLength(1);
  expect((await query({ query: 'employees', topK: 1 })).body.matches).toHaveLength(1);
});

it('filters by directoryPath (seed) or pathPrefixFilter (spec)', async () => {
  const seed = await query({ query: 'quarterly sales data', directoryPath: 'reports/quarterly', topK: 5 });
  expect(seed.body.matches.map((x: { node: { name: string } }) => x.node.name)).toEqual(['q2.csv']);
  const spec = await query({ query: 'benefit', pathPrefixFilter: 'reports', topK: 5 });
  expect(spec.body.matches).toEqual([]);
});

it('sees uploads, overwrites and deletes made after the first query', async () => {
  await emu.upload(fsId, 'new', 'animal.txt', 'zebra crossing');
  expect((await query({ query: 'zebra' })).body.matches[0].metadata.path).toBe('new/animal.txt');
  await emu.upload(fsId, 'new', 'animal.txt', 'no stripes here');
  expect((await query({ query: 'zebra' })).body.matches).toEqual([]);
  expect((await query({ query: 'stripes' })).body.matches).toHaveLength(1);
  await emu.req('DELETE', `${API}/filesets/${fsId}/path?path=new`);
  expect((await query({ query: 'stripes' })).body.matches).toEqual([]);
});

it('answers only files whose indexing completed, and nothing while AI is disabled', async () => {
  const off = (await emu.createFileSet('ai off')).id;
  await emu.upload(off, '', 'note.txt', 'walrus tusks');
  expect((await emu.req('POST', `${API}/filesets/${off}/query`, { query: 'walrus' })).body.matches).toEqual([]);
  await emu.req('POST', `${API}/filesets/${off}`, { aiEnabled: true });
  await emu.indexed(off);
  expect((await emu.req('POST', `${API}/filesets/${off}/query`, { query: 'walrus' })).body.matches).toHaveLength(1);
  // An empty file fails indexing and is never a match, whatever its name says.
  await emu.upload(fsId, 'failed', 'walrus.txt', '');
  expect((await emu.req('GET', `${API}/filesets/${fsId}/path?path=failed/walrus.txt`)).body).toMatchObject({
    indexStatus: 'FAILED',
    indexReason: expect.any(String),
  });
  expect((await query({ query: 'walrus', topK: 5 })).body.matches).toEqual([]);
});

it('rejects a missing query with 400 and an unknown FileSet with 404', async () => {
  expect((await query({ topK: 2 })).status).toBe(400);
  expect((await emu.req('POST', `${API}/filesets/nope/query`, { query: 'x' })).status).toBe(404);
});

/**
 * One rule for remote paths: the emulator's copy agrees with the client's on every generated input, and
 * every path it accepts comes back from a listing byte for byte (under both upload fields).
 */
import fc from 'fast-check';
import { remotePathProblem } from '../../client/remote-path';
import { pathProblem } from '../../emulator/paths';
import { API, startEmu, TOKEN, type Emu } from './helpers';

/** Characters that matter to the rule, plus ordinary and non-ASCII ones. */
const tricky = fc.constantFrom(
  '/',
  '.',
  '\\',
  '"',
  '\r',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  '\u00a0',
  ' ',
  '%',
  '#',
  '?',
  'é',
  '文',
  '😀',
);
const anyChar = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), tricky, fc.constantFrom('a', 'b'));
const candidate = fc.oneof(
  fc.string({ unit: anyChar, maxLength: 24 }),
  // Long segments around the 255-byte limit, in 1- to 4-byte characters.
  fc.tuple(fc.constantFrom('a', 'é', '文', '😀'), fc.integer({ min: 60, max: 260 }), fc.constantFrom('', '/x', 'x/')).map(([c, n, end]) => c.repeat(n) + end),
);

describe('the emulator and the client apply the same path rule', () => {
  it('agree on every generated path, with and without an empty path allowed', () => {
    fc.assert(
      fc.property(fc.oneof(candidate, remotePath), fc.boolean(), (p, allowEmpty) => {
        expect(pathProblem(p, { allowEmpty }) === null).toBe(remotePathProblem(p, { allowEmpty }) === null);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuse each documented class', () => {
    for (const bad of ['a\\b', 'a"b', 'a\rb', 'a\nb', 'a\u0000', 'a\u0085', '/a', 'a/', 'a//b', './a', 'a/../b', 'é'.repeat(128)]) {
      expect(pathProblem(bad)).not.toBeNull();
      expect(remotePathProblem(bad)).not.toBeNull();
    }
    expect(pathProblem('')).not.toBeNull();
    expect(pathProblem('', { allowEmpty: true })).toBeNull();
  });
});

/** Names a user may well have: spaces, trailing dots and spaces, URL and shell specials, NFC and NFD, non-ASCII. */
const nameChar = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'B', '1', '-', '_') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(' ', '.', '%', '#', '?', '+', '&', ';', ':', '*', '<', '>', '|', '=', ',', "'", '~', '!', '@', '$', '[', ']', '{', '}'),
  },
  { weight: 2, arbitrary: fc.constantFrom('é', 'e\u0301', 'ñ', 'n\u0303', 'Å', 'A\u030a', '文', 'Ωμέγα', '😀', '\u00a0', '%20', '%2F', '%22') },
);
const segment = fc.string({ unit: nameChar, minLength: 1, maxLength: 12 }).filter((s) => s !== '.' && s !== '..');
const remotePath = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segs) => segs.join('/'));

describe.each(['seed', 'spec'] as const)('accepted names round-trip byte for byte (%s profile)', (profile) => {
  let emu: Emu;
  beforeAll(async () => {
    emu = await startEmu({ profile });
  });
  afterAll(() => emu.close());

  it('upload → list, get by path and download give back exactly the path sent', async () => {
    await fc.assert(
      fc.asyncProperty(remotePath, async (path) => {
        expect(pathProblem(path)).toBeNull();
        // A fresh FileSet per name, so directories an earlier name left cannot collide with this one.
        const fsId = (await emu.createFileSet('names')).id;
        const i = path.lastIndexOf('/');
        const fd = new FormData();
        fd.append('file', new Blob([path]), path.slice(i + 1));
        // Both documented forms, as the client sends them; each profile reads one.
        fd.append('createFileRequest', JSON.stringify({ directoryPath: i < 0 ? '' : path.slice(0, i) }));
        fd.append('directoryPath', i < 0 ? '' : path.slice(0, i));
        const up = await emu.req('POST', `${API}/filesets/${fsId}/files`, fd);
        expect(up.status).toBe(201);
        expect(Buffer.from(up.body.path).equals(Buffer.from(path))).toBe(true);
        const listed = (await emu.listAll(fsId, '')).map((f) => f.path as string);
        expect(listed).toContain(path);
        const got = await emu.req('GET', `${API}/filesets/${fsId}/path?path=${encodeURIComponent(path)}`);
        expect(got.body.id).toBe(up.body.id);
        const dl = await fetch(`${emu.url}${API}/filesets/${fsId}/files/${up.body.id}/download`, { headers: { 'X-DOMO-Developer-Token': TOKEN } });
        expect(await dl.text()).toBe(path);
        expect((await emu.req('DELETE', `${API}/filesets/${fsId}/path?path=${encodeURIComponent(path)}`)).status).toBeLessThan(300);
        expect((await emu.listAll(fsId, '')).map((f) => f.path)).not.toContain(path);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses with 400 and stores nothing for names the rule refuses', async () => {
    const fsId = (await emu.createFileSet('refused')).id;
    for (const [dir, name] of [
      ['a\\b', 'f.txt'],
      ['', 'a\\b.txt'],
      ['x/', 'f.txt'],
      ['x//y', 'f.txt'],
      ['.', 'f.txt'],
      ['', '..'],
      ['', 'x'.repeat(256)],
    ]) {
      const fd = new FormData();
      fd.append('file', new Blob(['x']), name);
      fd.append('createFileRequest', JSON.stringify({ directoryPath: dir }));
      fd.append('directoryPath', dir);
      const r = await emu.req('POST', `${API}/filesets/${fsId}/files`, fd);
      expect([r.status, r.body.status]).toEqual([400, 400]);
    }
    expect((await emu.req('POST', `${API}/filesets/${fsId}/files/multipart`, { path: 'a/../b' })).status).toBe(400);
    expect((await emu.req('POST', `${API}/filesets/${fsId}/files/search?directoryPath=a%5Cb`, {})).status).toBe(400);
    expect(await emu.listAll(fsId, '')).toEqual([]);
  });
});

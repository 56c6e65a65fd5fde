/**
 * The reading switches, one table per switch: under each profile, the server behaves as the switch's value
 * says, whatever the profile would have chosen.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are untyped JSON asserted field by field */
import { createHash } from 'node:crypto';
import { PROFILES, resolveReadings, type EmulatorOptions, type Readings } from '../../emulator';
import { API, startEmu, TOKEN, type Emu } from './helpers';

const profiles = ['seed', 'spec'] as const;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

/** Runs `fn` against an emulator started with the profile and one switch set. */
async function withSwitch<K extends keyof Readings>(
  profile: (typeof profiles)[number],
  key: K,
  value: Readings[K],
  fn: (emu: Emu) => Promise<void>,
  extra: EmulatorOptions = {},
): Promise<void> {
  const emu = await startEmu({ profile, readings: { [key]: value } as Partial<Readings>, indexDelayMs: 0, ...extra });
  try {
    await fn(emu);
  } finally {
    await emu.close();
  }
}

/** A multipart upload with exactly the given directory fields, declaring the file's type (text by default). */
function form(name: string, content: string, fields: { createFileRequest?: string; directoryPath?: string }, type = 'text/plain'): FormData {
  const fd = new FormData();
  if (name) fd.append('file', new Blob([content], { type }), name);
  if (fields.createFileRequest !== undefined) fd.append('createFileRequest', fields.createFileRequest);
  if (fields.directoryPath !== undefined) fd.append('directoryPath', fields.directoryPath);
  return fd;
}

describe('profiles', () => {
  it('seed answers as the API reference does, spec as the OpenAPI spec reads', () => {
    expect(resolveReadings()).toEqual(PROFILES.seed);
    expect(PROFILES.seed).toEqual({
      uploadField: 'both',
      deleteStatus: 200,
      maxLimit: null,
      implicitDirs: true,
      missingStatus: 404,
      honourContentType: false,
      cascadeDelete: true,
      hashes: true,
      fileSetPage: 'union',
      query: 'union',
      forbiddenBody: 'json',
    });
    expect(resolveReadings('spec')).toEqual({
      uploadField: 'directoryPath',
      deleteStatus: 204,
      maxLimit: 100,
      implicitDirs: false,
      missingStatus: 404,
      honourContentType: true,
      cascadeDelete: true,
      hashes: true,
      fileSetPage: 'spec',
      query: 'spec',
      forbiddenBody: 'text',
    });
    expect(resolveReadings('spec', { deleteStatus: 200, maxLimit: null })).toMatchObject({ deleteStatus: 200, maxLimit: null, implicitDirs: false });
  });

  it('refuses unknown switches and bad values with one line naming them', async () => {
    expect(() => resolveReadings('seed', { deleteStatus: 201 as never })).toThrow('readings.deleteStatus must be 200 or 204, got 201');
    expect(() => resolveReadings('seed', { maxLimit: 0 })).toThrow('readings.maxLimit must be an integer >= 1 or null');
    expect(() => resolveReadings('seed', { bogus: true } as never)).toThrow('unknown reading "bogus"');
    expect(() => resolveReadings('draft' as never)).toThrow('profile must be seed or spec');
    await expect(startEmu({ readings: { implicitDirs: 'yes' as never } })).rejects.toThrow('readings.implicitDirs must be true or false');
  });
});

describe.each(profiles)('uploadField (%s profile)', (profile) => {
  // [fields sent] → the path each reading stores (or the status it answers).
  const cases: [string, { createFileRequest?: string; directoryPath?: string }, Record<Readings['uploadField'], string | number>][] = [
    ['createFileRequest only', { createFileRequest: '{"directoryPath":"cfr"}' }, { createFileRequest: 'cfr/f.txt', directoryPath: 'f.txt', both: 'cfr/f.txt' }],
    ['directoryPath only', { directoryPath: 'dp' }, { createFileRequest: 'f.txt', directoryPath: 'dp/f.txt', both: 'dp/f.txt' }],
    [
      'both, disagreeing',
      { createFileRequest: '{"directoryPath":"cfr"}', directoryPath: 'dp' },
      { createFileRequest: 'cfr/f.txt', directoryPath: 'dp/f.txt', both: 'cfr/f.txt' },
    ],
    ['malformed createFileRequest', { createFileRequest: '{not json', directoryPath: 'dp' }, { createFileRequest: 400, directoryPath: 'dp/f.txt', both: 400 }],
  ];
  it.each(['createFileRequest', 'directoryPath', 'both'] as const)('%s: reads only its field(s)', async (value) => {
    await withSwitch(profile, 'uploadField', value, async (emu) => {
      for (const [, fields, expected] of cases) {
        const fs = await emu.createFileSet();
        const r = await emu.req('POST', `${API}/filesets/${fs.id}/files`, form('f.txt', 'x', fields));
        if (typeof expected[value] === 'number') expect(r.status).toBe(expected[value]);
        else expect([r.status, r.body.path]).toEqual([201, expected[value]]);
      }
      // A directory made with the field alone: only a reading that reads the field sees a directory to make.
      const fs = await emu.createFileSet();
      const dir = await emu.req('POST', `${API}/filesets/${fs.id}/files`, form('', '', { directoryPath: 'made' }));
      if (value === 'createFileRequest') expect(dir.status).toBe(400);
      else expect([dir.status, dir.body.fileType, dir.body.path]).toEqual([201, 'DIRECTORY', 'made']);
    });
  });
});

describe.each(profiles)('deleteStatus (%s profile)', (profile) => {
  it.each([200, 204] as const)('%s for files by id and by path and for FileSets', async (value) => {
    await withSwitch(profile, 'deleteStatus', value, async (emu) => {
      const fs = await emu.createFileSet();
      const a = (await emu.upload(fs.id, '', 'a.txt', 'a')).body;
      await emu.upload(fs.id, '', 'b.txt', 'b');
      for (const r of [
        await emu.req('DELETE', `${API}/filesets/${fs.id}/files/${a.id}`),
        await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=b.txt`),
        await emu.req('DELETE', `${API}/filesets/${fs.id}`),
      ]) {
        expect(r.status).toBe(value);
        if (value === 204) expect(r.body).toBeNull();
        else expect(r.body).toEqual({ status: 'success', message: expect.any(String) });
      }
    });
  });
});

describe.each(profiles)('maxLimit (%s profile)', (profile) => {
  it.each([null, 100, 5])('%s: listings up to it answer, above it 400', async (value) => {
    await withSwitch(profile, 'maxLimit', value, async (emu) => {
      const fs = await emu.createFileSet();
      const files = (limit: number) => emu.req('POST', `${API}/filesets/${fs.id}/files/search?limit=${limit}`, {});
      const sets = (limit: number) => emu.req('POST', `${API}/filesets/search?limit=${limit}`, {});
      if (value === null) {
        expect((await files(100_000)).status).toBe(200);
        expect((await sets(100_000)).status).toBe(200);
        return;
      }
      expect((await files(value)).status).toBe(200);
      expect((await sets(value)).status).toBe(200);
      const over = await files(value + 1);
      expect([over.status, over.body.message]).toEqual([400, `limit must be at most ${value}, got ${value + 1}`]);
      expect((await sets(value + 1)).status).toBe(400);
    });
  });
});

describe.each(profiles)('implicitDirs (%s profile)', (profile) => {
  it.each([true, false])('%s', async (value) => {
    await withSwitch(profile, 'implicitDirs', value, async (emu) => {
      const fs = await emu.createFileSet();
      const fields = { createFileRequest: '{"directoryPath":"a/b"}', directoryPath: 'a/b' };
      expect((await emu.req('POST', `${API}/filesets/${fs.id}/files`, form('x.txt', 'x', fields))).status).toBe(201);
      const listed = () => emu.listAll(fs.id, '').then((all) => all.map((f) => [f.path, f.fileType]));
      if (value) {
        expect(await listed()).toEqual([
          ['a', 'DIRECTORY'],
          ['a/b', 'DIRECTORY'],
          ['a/b/x.txt', 'TEXT'],
        ]);
        expect(
          (await emu.req('POST', `${API}/filesets/${fs.id}/files`, form('', '', { createFileRequest: '{"directoryPath":"a/b"}', directoryPath: 'a/b' })))
            .status,
        ).toBe(200);
        return;
      }
      expect(await listed()).toEqual([['a/b/x.txt', 'TEXT']]);
      expect((await emu.req('GET', `${API}/filesets/${fs.id}/path?path=a`)).status).toBe(404);
      // As in the spec's examples: the directory is created (201) after a file was uploaded into it.
      const made = await emu.req(
        'POST',
        `${API}/filesets/${fs.id}/files`,
        form('', '', { createFileRequest: '{"directoryPath":"a/b"}', directoryPath: 'a/b' }),
      );
      expect([made.status, made.body.fileType]).toEqual([201, 'DIRECTORY']);
      expect(await listed()).toEqual([
        ['a/b', 'DIRECTORY'],
        ['a/b/x.txt', 'TEXT'],
      ]);
      // A path that already holds entries cannot become a file, directory entry or not.
      expect((await emu.req('POST', `${API}/filesets/${fs.id}/files`, form('a', 'x', { createFileRequest: '{}', directoryPath: '' }))).status).toBe(409);
    });
  });
});

describe.each(profiles)('missingStatus (%s profile)', (profile) => {
  it.each([404, 403] as const)('%s for missing FileSets, files and paths; split uploads keep 404', async (value) => {
    await withSwitch(profile, 'missingStatus', value, async (emu) => {
      const fs = await emu.createFileSet();
      const answers = [
        await emu.req('GET', `${API}/filesets/nope`),
        await emu.req('DELETE', `${API}/filesets/nope`),
        await emu.req('GET', `${API}/filesets/${fs.id}/files/nope`),
        await emu.req('DELETE', `${API}/filesets/${fs.id}/files/nope`),
        await emu.req('GET', `${API}/filesets/${fs.id}/path?path=nope.txt`),
        await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=nope.txt`),
        await emu.req('GET', `${API}/filesets/${fs.id}/path/download?path=nope.txt`),
      ];
      for (const r of answers) {
        expect(r.status).toBe(value);
        // 403 bodies follow forbiddenBody: the spec profile answers a plain string.
        if (value === 403 && profile === 'spec') expect([typeof r.body, r.headers.get('content-type')]).toEqual(['string', 'text/plain;charset=UTF-8']);
        else expect(r.body).toMatchObject({ status: value, toe: expect.any(String) });
      }
      expect((await emu.req('POST', `${API}/filesets/${fs.id}/files/multipart/nope/finalize`)).status).toBe(404);
    });
  });
});

describe.each(profiles)('honourContentType (%s profile)', (profile) => {
  it.each([true, false])('%s', async (value) => {
    await withSwitch(profile, 'honourContentType', value, async (emu) => {
      const fs = await emu.createFileSet();
      const up = (name: string, type: string) =>
        emu.req('POST', `${API}/filesets/${fs.id}/files`, form(name, '%PDF-1.4 x', { createFileRequest: '{}', directoryPath: '' }, type)).then((r) => r.body);
      const md = await up('notes.md', 'text/plain');
      const pdf = await up('data.txt', 'application/pdf');
      if (value) {
        expect([md.contentType, md.fileType]).toEqual(['text/plain', 'TEXT']);
        expect([pdf.contentType, pdf.fileType]).toEqual(['application/pdf', 'DOCUMENT']);
      } else {
        expect([md.contentType, md.fileType]).toEqual(['text/markdown', 'TEXT']);
        expect([pdf.contentType, pdf.fileType]).toEqual(['text/plain', 'TEXT']);
      }
    });
  });
});

describe.each(profiles)('cascadeDelete (%s profile)', (profile) => {
  it.each([true, false])('%s', async (value) => {
    await withSwitch(profile, 'cascadeDelete', value, async (emu) => {
      const fs = await emu.createFileSet();
      await emu.upload(fs.id, '', 'f.txt', 'x');
      const del = await emu.req('DELETE', `${API}/filesets/${fs.id}`);
      if (value) {
        expect(del.status).toBeLessThan(300);
        expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).status).toBe(404);
        return;
      }
      expect([del.status, del.body.status]).toEqual([409, 409]);
      expect((await emu.req('GET', `${API}/filesets/${fs.id}`)).body.fileCount).toBe(1);
      await emu.req('DELETE', `${API}/filesets/${fs.id}/path?path=f.txt`);
      expect((await emu.req('DELETE', `${API}/filesets/${fs.id}`)).status).toBeLessThan(300);
    });
  });
});

describe.each(profiles)('hashes (%s profile)', (profile) => {
  it.each([true, false])('%s: in upload, get, listing, split upload and download answers', async (value) => {
    await withSwitch(profile, 'hashes', value, async (emu) => {
      const fs = await emu.createFileSet();
      const up = (await emu.req('POST', `${API}/filesets/${fs.id}/files`, form('f.txt', 'hello', { createFileRequest: '{}', directoryPath: '' }))).body;
      const init = (await emu.req('POST', `${API}/filesets/${fs.id}/files/multipart`, { path: 's.bin' })).body;
      const part = new FormData();
      part.append('part', new Blob(['split']), 'p');
      await emu.req('POST', `${API}/filesets/${fs.id}/files/multipart/${init.file.id}/part/1`, part);
      const fin = (await emu.req('POST', `${API}/filesets/${fs.id}/files/multipart/${init.file.id}/finalize`)).body.file;
      const got = (await emu.req('GET', `${API}/filesets/${fs.id}/files/${up.id}`)).body;
      const listed = await emu.listAll(fs.id, '');
      const dl = await fetch(`${emu.url}${API}/filesets/${fs.id}/files/${up.id}/download`, { headers: { 'X-DOMO-Developer-Token': TOKEN } });
      expect(await dl.text()).toBe('hello');
      const hashes = [up, got, fin, ...listed].map((f: any) => [f.hash, f.hashAlgorithm]);
      if (value) {
        expect(hashes).toEqual([
          [sha('hello'), 'SHA_256_HEX'],
          [sha('hello'), 'SHA_256_HEX'],
          [sha('split'), 'SHA_256_HEX'],
          [sha('hello'), 'SHA_256_HEX'],
          [sha('split'), 'SHA_256_HEX'],
        ]);
        expect(dl.headers.get('etag')).toBe(`"${sha('hello')}"`);
      } else {
        expect(hashes).toEqual(Array(5).fill([null, null]));
        expect(dl.headers.get('etag')).toBeNull();
      }
      expect(up.downloadUrl).toMatch(/\/download$/);
    });
  });
});

describe.each(profiles)('fileSetPage (%s profile)', (profile) => {
  it.each(['union', 'spec'] as const)('%s', async (value) => {
    await withSwitch(profile, 'fileSetPage', value, async (emu) => {
      for (const n of ['a', 'b', 'c']) await emu.createFileSet(n);
      const r = (await emu.req('POST', `${API}/filesets/search?limit=2&offset=1`, {})).body;
      expect(r.fileSets).toHaveLength(2);
      if (value === 'spec') {
        expect(Object.keys(r).sort()).toEqual(['fileSets', 'pageContext']);
        expect(r.pageContext).toEqual({ count: 2, totalCount: 3, offset: 1 });
      } else {
        expect(r.filesets).toEqual(r.fileSets);
        expect(r.pageContext).toEqual({ offset: 1, limit: 2, total: 3, count: 2, totalCount: 3 });
      }
    });
  });
});

describe.each(profiles)('query (%s profile)', (profile) => {
  it.each(['union', 'spec'] as const)('%s', async (value) => {
    await withSwitch(profile, 'query', value, async (emu) => {
      const fs = await emu.createFileSet('q', { aiEnabled: true });
      const fields = (dir: string) => ({ createFileRequest: JSON.stringify({ directoryPath: dir }), directoryPath: dir });
      await emu.req('POST', `${API}/filesets/${fs.id}/files`, form('in.txt', 'otter facts', fields('inside')));
      await emu.req('POST', `${API}/filesets/${fs.id}/files`, form('out.txt', 'otter facts', fields('outside')));
      const q = (body: object) => emu.req('POST', `${API}/filesets/${fs.id}/query`, { query: 'otter', topK: 5, ...body }).then((r) => r.body.matches);
      const [m] = await q({ pathPrefixFilter: 'inside' });
      expect(m).toMatchObject({ content: { type: 'TEXT', text: 'otter facts' }, metadata: { path: 'inside/in.txt' }, score: expect.any(Number) });
      const byOldKey = await q({ directoryPath: 'inside' });
      if (value === 'spec') {
        expect(Object.keys(m).sort()).toEqual(['content', 'metadata', 'score']);
        expect(byOldKey).toHaveLength(2);
      } else {
        expect(m).toMatchObject({ id: m.metadata.fileId, node: { path: 'inside/in.txt', type: 'TEXT' } });
        expect(byOldKey.map((x: any) => x.metadata.path)).toEqual(['inside/in.txt']);
      }
    });
  });
});

describe.each(profiles)('forbiddenBody (%s profile)', (profile) => {
  it.each(['json', 'text'] as const)('%s', async (value) => {
    await withSwitch(
      profile,
      'forbiddenBody',
      value,
      async (emu) => {
        const fs = await emu.createFileSet();
        const other = await emu.req('GET', `${API}/filesets/${fs.id}`, undefined, { 'X-DOMO-Developer-Token': 'other' });
        const forged = await fetch(`${emu.url}${API}/filesets/${fs.id}/files/x/content?token=forged`);
        const forgedBody = await forged.text();
        expect([other.status, forged.status]).toEqual([403, 403]);
        if (value === 'text') {
          expect(other.body).toMatch(/^User 2 has no access to FileSet /);
          expect(forgedBody).toBe('Download token is invalid or expired');
        } else {
          expect(other.body).toMatchObject({ status: 403, statusReason: 'Forbidden', message: expect.stringMatching(/^User 2 /), toe: expect.any(String) });
          expect(JSON.parse(forgedBody)).toMatchObject({ status: 403 });
        }
      },
      { users: [{ token: 'other', userId: 2 }] },
    );
  });
});

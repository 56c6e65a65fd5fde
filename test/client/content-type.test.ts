import fc from 'fast-check';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentTypeFor } from '../../client';
import { looksLikeText } from '../../client/content-type';
import { testClient } from './helpers/client';
import { parseForm } from './helpers/multipart-parse';
import { json, scriptedServer } from './helpers/scripted-server';

const TEXT = 'text/plain; charset=utf-8';

describe('contentTypeFor', () => {
  it.each([
    ['index.ts', TEXT],
    ['App.tsx', TEXT],
    ['mod.mts', TEXT],
    ['mod.cts', TEXT],
    ['main.rs', TEXT],
    ['run.sh', TEXT],
    ['query.sql', TEXT],
    ['conf.toml', TEXT],
    ['a.py', TEXT],
    ['notes.txt', TEXT],
    ['x.c', TEXT],
    ['A.java', TEXT],
    ['README.md', 'text/markdown; charset=utf-8'],
    ['data.csv', 'text/csv; charset=utf-8'],
    ['page.html', 'text/html; charset=utf-8'],
    ['app.js', 'text/javascript; charset=utf-8'],
    ['cfg.yaml', 'text/yaml; charset=utf-8'],
    ['data.json', 'application/json'],
    ['doc.pdf', 'application/pdf'],
    ['report.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['photo.JPG', 'image/jpeg'],
    ['clip.mp4', 'video/mp4'],
  ])('%s → %s', (name, type) => {
    expect(contentTypeFor(name)).toBe(type);
  });

  it('never declares a TypeScript file as video', () => {
    for (const ext of ['ts', 'tsx', 'mts', 'cts']) expect(contentTypeFor(`dir.v2/file.${ext}`)).toBe(TEXT);
  });

  it('sniffs names without a known extension: UTF-8 without NUL is text, anything else octet-stream', () => {
    expect(contentTypeFor('Makefile', Buffer.from('all:\n\techo hi\n'))).toBe(TEXT);
    expect(contentTypeFor('README', Buffer.from('Grüße, 世界\n'))).toBe(TEXT);
    expect(contentTypeFor('LICENSE', Buffer.alloc(0))).toBe(TEXT);
    expect(contentTypeFor('blob', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]))).toBe('application/octet-stream');
    expect(contentTypeFor('latin1', Buffer.from([0x47, 0x72, 0xfc, 0x65]))).toBe('application/octet-stream');
    expect(contentTypeFor('data.unknownext', Buffer.from('plain words'))).toBe(TEXT);
    expect(contentTypeFor('Makefile')).toBe('application/octet-stream');
  });

  it('does not hold a multi-byte character cut at the end of the sample against the text', () => {
    const s = Buffer.from('€'.repeat(3000)); // 9000 bytes: the 8 KiB sample ends inside a character
    expect(looksLikeText(s)).toBe(true);
  });

  it('property: any UTF-8 string without NUL is text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => !s.includes('\u0000')),
        (s) => looksLikeText(Buffer.from(s)),
      ),
    );
  });
});

describe('declared content type of uploads', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'client-ct-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sends text as text/plain; charset=utf-8, sniffs extension-less files, and honours an override', async () => {
    const server = await scriptedServer(async (req, res) => {
      const f = (await parseForm(req)).files[0];
      json(res, 201, { id: 'f', path: f.filename, size: f.data.length });
    });
    const client = testClient(server.url);
    await writeFile(join(dir, 'Dockerfile'), 'FROM node:20\n');
    await writeFile(join(dir, 'image'), Buffer.from([0xff, 0xd8, 0xff, 0x00]));
    await client.uploadFile('fs', { path: 'main.ts', source: { content: 'export {};\n' } });
    await client.uploadFile('fs', { path: 'Dockerfile', source: { filePath: join(dir, 'Dockerfile') } });
    await client.uploadFile('fs', { path: 'image', source: { filePath: join(dir, 'image') } });
    await client.uploadFile('fs', { path: 'notes.md', source: { content: '# hi' }, contentType: 'text/x-custom' });
    const types = await Promise.all(server.requests.map(async (r) => (await parseForm(r)).files[0].mimeType));
    expect(types).toEqual(['text/plain', 'text/plain', 'application/octet-stream', 'text/x-custom']);
    expect(server.requests[0].body.toString('latin1')).toContain('Content-Type: text/plain; charset=utf-8');
    await client.close();
    await server.close();
  });
});

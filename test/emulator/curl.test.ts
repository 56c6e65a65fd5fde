/**
 * The issue's "Done when" flow with real curl as a child process: create a FileSet, upload into a/b with
 * `-F file=@x -F 'createFileRequest={"directoryPath":"a/b"}'`, list with limit=1 following next to the end,
 * download (-L), query, delete.
 */
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type EmulatorHandle } from '../../emulator';
import { tempDir } from './helpers';

const run = promisify(execFile);

let e: EmulatorHandle;
let dir: string;
beforeAll(async () => {
  e = await startEmulator({ port: 0, token: 't', indexDelayMs: 0 });
  dir = tempDir('emu-curl-');
});
afterAll(async () => {
  await e.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs curl; returns the HTTP status and body (curl prints the status on the last line via -w). */
async function curl(...args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '-H', 'X-DOMO-Developer-Token: t', '-w', '\n%{http_code}', ...args], { cwd: dir });
  const i = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) };
}

it('create, upload into a/b, list with limit=1 to the end, download, query and delete — with plain curl', async () => {
  const api = `${e.url}/api/files/v1`;
  const created = await curl('-X', 'POST', `${api}/filesets`, '-H', 'Content-Type: application/json', '-d', '{"name":"curl demo","aiEnabled":true}');
  expect(created.status).toBe(201);
  const fs = JSON.parse(created.body) as { id: string };

  writeFileSync(join(dir, 'x'), 'the quick brown fox jumps over the lazy dog\n');
  const up = await curl('-X', 'POST', `${api}/filesets/${fs.id}/files`, '-F', 'file=@x', '-F', 'createFileRequest={"directoryPath":"a/b"}');
  expect(up.status).toBe(201);
  const file = JSON.parse(up.body) as { id: string; path: string; size: number };
  expect(file).toMatchObject({ path: 'a/b/x', size: 44 });

  const listed: string[] = [];
  let sent: string | null = null;
  for (let guard = 0; guard < 10; guard++) {
    const q = `limit=1${sent ? `&next=${encodeURIComponent(sent)}` : ''}`;
    const page = await curl('-X', 'POST', `${api}/filesets/${fs.id}/files/search?${q}`, '-H', 'Content-Type: application/json', '-d', '{}');
    expect(page.status).toBe(200);
    const body = JSON.parse(page.body) as { files: { path: string }[]; pageContext: { next: string | null } };
    listed.push(...body.files.map((f) => f.path));
    if (body.pageContext.next === null || body.pageContext.next === sent) break;
    sent = body.pageContext.next;
  }
  expect(listed).toEqual(['a', 'a/b', 'a/b/x']);

  const dl = await curl('-L', '-o', 'out', `${api}/filesets/${fs.id}/files/${file.id}/download`);
  expect(dl.status).toBe(200);
  expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('the quick brown fox jumps over the lazy dog\n');
  const byPath = await curl('-L', '-G', '--data-urlencode', 'path=a/b/x', `${api}/filesets/${fs.id}/path/download`);
  expect(byPath.body).toBe('the quick brown fox jumps over the lazy dog\n');

  const q = await curl('-X', 'POST', `${api}/filesets/${fs.id}/query`, '-H', 'Content-Type: application/json', '-d', '{"query":"lazy fox","topK":3}');
  expect(q.status).toBe(200);
  const matches = (JSON.parse(q.body) as { matches: { metadata: { path: string }; score: number }[] }).matches;
  expect(matches.map((m) => m.metadata.path)).toEqual(['a/b/x']);
  expect(matches[0].score).toBeGreaterThan(0);

  const del = await curl('-X', 'DELETE', `${api}/filesets/${fs.id}/path?path=a/b/x`);
  expect(del.status).toBe(200);
  expect(JSON.parse(del.body)).toMatchObject({ status: 'success' });
  expect((await curl(`${api}/filesets/${fs.id}/files/${file.id}`)).status).toBe(404);
  expect((await curl('-X', 'DELETE', `${api}/filesets/${fs.id}`)).status).toBe(200);
  expect(e.stats().requests).toMatchObject({
    createFileSet: 1,
    createFile: 1,
    download: 1,
    downloadByPath: 1,
    getFileContent: 2,
    queryFileSet: 1,
    deleteFileByPath: 1,
    deleteFileSet: 1,
  });
});

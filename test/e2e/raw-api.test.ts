import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TOKEN, assertBuilt, expectOneLineError, runCli, sha256, startBackend, workspace, type Backend, type Workspace } from '../support/harness';

let be: Backend;
let ws: Workspace;

beforeAll(async () => {
  assertBuilt();
  be = await startBackend();
  ws = await workspace();
});
afterAll(async () => {
  await be?.close();
  await ws?.cleanup();
});

/** Runs the CLI against the test emulator and parses stdout as JSON (exit 0 required). */
async function json<T = unknown>(args: string[]): Promise<T> {
  const r = await runCli(args, { env: be.env, cwd: ws.dir });
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  expect(r.stdout).not.toContain(TOKEN);
  expect(r.stderr).not.toContain(TOKEN);
  return JSON.parse(r.stdout) as T;
}

interface Fs {
  id: string;
  name: string;
  description: string | null;
}
interface Entry {
  id: string;
  path: string;
  size: number | null;
  hash: string | null;
}

describe('raw API commands (JSON on stdout)', () => {
  it('filesets create → list → get → update → delete', async () => {
    const created = await json<Fs>(['filesets', 'create', '--name', 'raw api', '--description', 'first']);
    expect(created).toMatchObject({ name: 'raw api', description: 'first' });
    expect(typeof created.id).toBe('string');

    const listed = await json<Fs[]>(['filesets', 'list']);
    expect(listed.map((f) => f.id)).toContain(created.id);
    const byName = await json<Fs[]>(['filesets', 'list', '--name', 'raw api']);
    expect(byName.map((f) => f.id)).toEqual([created.id]);

    expect(await json<Fs>(['filesets', 'get', created.id])).toMatchObject({ id: created.id, name: 'raw api' });
    expect(await json<Fs>(['filesets', 'update', created.id, '--description', 'second'])).toMatchObject({ description: 'second' });
    expect((await be.client.getFileSet(created.id)).description).toBe('second');

    expect(await json(['filesets', 'delete', created.id])).toEqual({ deleted: true, id: created.id });
    const after = await runCli(['filesets', 'get', created.id], { env: be.env });
    expect(after.code).toBe(1);
    expect(expectOneLineError(after.stderr)).toMatch(/404/);
  });

  it('files upload → list → get (id and --path) → download → delete (id and --path)', async () => {
    const fs = await be.client.createFileSet({ name: 'raw files' });
    const body = 'hello, fileset\n'.repeat(100);
    await ws.write('local/notes.md', body);
    await ws.write('local/other.txt', 'x');

    const up = await json<Entry>(['files', 'upload', fs.id, 'local/notes.md', '--path', 'dir/a b #1.md']);
    expect(up).toMatchObject({ path: 'dir/a b #1.md', size: Buffer.byteLength(body), hash: sha256(body) });
    const up2 = await json<Entry>(['files', 'upload', fs.id, 'local/other.txt']);
    expect(up2.path).toBe('other.txt');

    const all = await json<Entry[]>(['files', 'list', fs.id, '--files-only']);
    expect(all.map((f) => f.path).sort()).toEqual(['dir/a b #1.md', 'other.txt']);
    const underDir = await json<Entry[]>(['files', 'list', fs.id, '--directory', 'dir', '--files-only']);
    expect(underDir.map((f) => f.path)).toEqual(['dir/a b #1.md']);

    expect(await json<Entry>(['files', 'get', fs.id, up.id])).toMatchObject({ id: up.id, path: 'dir/a b #1.md' });
    expect(await json<Entry>(['files', 'get', fs.id, '--path', 'dir/a b #1.md'])).toMatchObject({ id: up.id });

    const raw = await runCli(['files', 'download', fs.id, up.id], { env: be.env });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toBe(body);
    const saved = await json<{ bytes: number; sha256: string; output: string }>(['files', 'download', fs.id, '--path', 'dir/a b #1.md', '-o', 'out/copy.md']);
    expect(saved).toMatchObject({ bytes: Buffer.byteLength(body), sha256: sha256(body), output: join(ws.dir, 'out/copy.md') });
    expect(await readFile(join(ws.dir, 'out/copy.md'), 'utf8')).toBe(body);

    expect(await json(['files', 'delete', fs.id, '--path', 'other.txt'])).toMatchObject({ deleted: true, path: 'other.txt' });
    expect(await json(['files', 'delete', fs.id, up.id])).toMatchObject({ deleted: true, fileId: up.id });
    expect(await json<Entry[]>(['files', 'list', fs.id, '--files-only'])).toEqual([]);
  });

  it('query returns matches as JSON', async () => {
    const fs = await be.client.createFileSet({ name: 'raw query', aiEnabled: true });
    await be.client.uploadFile(fs.id, { path: 'kb/pumpkin.md', source: { content: 'Pumpkin pie needs cinnamon and nutmeg.' } });
    await be.client.uploadFile(fs.id, { path: 'kb/other.md', source: { content: 'Quarterly revenue report.' } });
    const matches = await json<{ path: string | null; score: number }[]>(['query', fs.id, 'pumpkin', 'pie', '--top-k', '1']);
    expect(Array.isArray(matches)).toBe(true);
    expect(matches.length).toBeLessThanOrEqual(1);
    if (matches.length > 0) expect(matches[0].path).toBe('kb/pumpkin.md');
  });

  it('API errors are one line with exit 1 and never echo the token', async () => {
    const wrong = await runCli(['filesets', 'list'], { env: { ...be.env, DOMO_DEVELOPER_TOKEN: 'wrong-token-abcdef' } });
    expect(wrong.code).toBe(1);
    expect(expectOneLineError(wrong.stderr)).toMatch(/401/);
    expect(wrong.stderr + wrong.stdout).not.toContain('wrong-token-abcdef');
    expect(wrong.stderr).not.toMatch(/\n\s+at /);

    const missing = await runCli(['files', 'get', 'no-such-fileset', '--path', 'a.md'], { env: be.env });
    expect(missing.code).toBe(1);
    expect(expectOneLineError(missing.stderr)).toMatch(/404/);

    const noFile = await runCli(['files', 'upload', 'x', 'does-not-exist.md'], { env: be.env, cwd: ws.dir });
    expect(noFile.code).toBe(1);
    expect(expectOneLineError(noFile.stderr)).toBe('domo-filesets: error: files upload: cannot read does-not-exist.md: ENOENT');
  });

  it('names the missing variable when credentials are absent', async () => {
    const r = await runCli(['filesets', 'list'], { env: { DOMO_BASE_URL: be.emu.url } });
    expect(r.code).toBe(1);
    expect(expectOneLineError(r.stderr)).toMatch(/DOMO_DEVELOPER_TOKEN/);
  });
});

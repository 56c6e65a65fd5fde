/**
 * The upload opens what the caller approved: one descriptor, opened without following a symlink and checked
 * against the approved device and inode, read by position for every retry and split part. A FIFO where a file
 * was never blocks.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { mkdtemp, rename, rm, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceChangedError, ValidationError } from '../../client';
import type { EmulatorHandle } from '../../emulator';
import { startTestEmulator } from '../support/harness';
import { TOKEN, catchErr, testClient } from './helpers/client';
import { parseForm } from './helpers/multipart-parse';
import { domoError, json, scriptedServer, type ScriptedServer } from './helpers/scripted-server';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

function approve(path: string): { dev: number; ino: number } {
  const st = lstatSync(path);
  return { dev: st.dev, ino: st.ino };
}

describe('upload sources', () => {
  let dir: string;
  let emu: EmulatorHandle;
  let server: ScriptedServer | undefined;
  beforeAll(async () => {
    emu = await startTestEmulator({ token: TOKEN });
  });
  afterAll(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'client-src-'));
    await emu.reset();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a file swapped for a symlink between scan and upload (SourceChangedError, nothing sent)', async () => {
    const file = join(dir, 'notes.txt');
    const secret = join(dir, 'secret.txt');
    await writeFile(file, 'approved content');
    await writeFile(secret, 'outside the source');
    const expect_ = approve(file); // the scan
    await unlink(file);
    await symlink(secret, file); // the swap
    const client = testClient(emu.url);
    const fs = await client.createFileSet({ name: 'swap' });
    const before = emu.stats().requests.createFile ?? 0;
    const err = await catchErr(client.uploadFile(fs.id, { path: 'notes.txt', source: { filePath: file, expect: expect_ } }));
    expect(err).toBeInstanceOf(SourceChangedError);
    expect(err).toMatchObject({ code: 'SOURCE_CHANGED', filePath: file });
    expect(err.message).toContain('symbolic link');
    expect(emu.stats().requests.createFile ?? 0).toBe(before);
    await client.close();
  });

  it('refuses a file replaced by another file (another inode) since it was approved', async () => {
    const file = join(dir, 'a.txt');
    await writeFile(file, 'one');
    const expect_ = approve(file);
    await writeFile(join(dir, 'b.txt'), 'two');
    await rename(join(dir, 'b.txt'), file);
    const client = testClient(emu.url);
    const err = await catchErr(client.uploadFile('fs', { path: 'a.txt', source: { filePath: file, expect: expect_ } }));
    expect(err).toBeInstanceOf(SourceChangedError);
    expect(err.message).toContain('replaced');
    await client.close();
  });

  it('refuses a vanished file with expect', async () => {
    const file = join(dir, 'gone.txt');
    await writeFile(file, 'x');
    const expect_ = approve(file);
    await unlink(file);
    const client = testClient(emu.url);
    await expect(client.uploadFile('fs', { path: 'gone.txt', source: { filePath: file, expect: expect_ } })).rejects.toMatchObject({ code: 'SOURCE_CHANGED' });
    await client.close();
  });

  it('never hangs on a FIFO where a file was: SourceChangedError with expect, ValidationError without', async () => {
    const file = join(dir, 'pipe.txt');
    await writeFile(file, 'x');
    const expect_ = approve(file);
    await unlink(file);
    execFileSync('mkfifo', [file]);
    const client = testClient(emu.url);
    await expect(client.uploadFile('fs', { path: 'pipe.txt', source: { filePath: file, expect: expect_ } })).rejects.toBeInstanceOf(SourceChangedError);
    await expect(client.uploadFile('fs', { path: 'pipe.txt', source: { filePath: file } })).rejects.toBeInstanceOf(ValidationError);
    await client.close();
  });

  it('uploads through a symlink without expect (symlinks followed), and the approved file with expect', async () => {
    const file = join(dir, 'real.txt');
    await writeFile(file, 'real');
    await symlink(file, join(dir, 'link.txt'));
    const client = testClient(emu.url);
    const fs = await client.createFileSet({ name: 'links' });
    await expect(client.uploadFile(fs.id, { path: 'l.txt', source: { filePath: join(dir, 'link.txt') }, expectedSha256: sha('real') })).resolves.toMatchObject({
      verified: 'sha256',
    });
    await expect(
      client.uploadFile(fs.id, { path: 'r.txt', source: { filePath: file, expect: approve(file) }, expectedSha256: sha('real') }),
    ).resolves.toMatchObject({ verified: 'sha256' });
    await client.close();
  });

  it('sends the opened file for every retry and split part, even after its path was replaced', async () => {
    const file = join(dir, 'big.bin');
    const original = Buffer.alloc(300 * 1024, 1); // above the small-file size: read by position from the descriptor
    await writeFile(file, original);
    let swapped = false;
    server = await scriptedServer(async (req, res) => {
      const u = new URL(req.url, 'http://x');
      if (u.pathname.endsWith('/files/multipart')) return json(res, 202, { file: { id: 'up1', path: 'big.bin' }, status: 'CREATED' });
      if (/\/part\/1$/.test(u.pathname) && !swapped) {
        // Replace the path while the upload runs, then fail the part so it is read again.
        swapped = true;
        await writeFile(join(dir, 'other.bin'), Buffer.alloc(300 * 1024, 2));
        await rename(join(dir, 'other.bin'), file);
        return domoError(res, 503, 'busy');
      }
      if (u.pathname.includes('/part/')) return json(res, 202, {});
      if (u.pathname.endsWith('/finalize')) return json(res, 201, { file: { id: 'up1', path: 'big.bin', size: original.length }, status: 'SUCCESS' });
      return domoError(res, 500, 'unexpected');
    });
    const client = testClient(server.url, { splitUploadThreshold: 100 * 1024, splitPartSize: 100 * 1024 });
    await expect(client.uploadFile('fs', { path: 'big.bin', source: { filePath: file, expect: approve(file) } })).resolves.toMatchObject({ verified: 'size' });
    const parts = server.requests.filter((r) => r.url.includes('/part/'));
    expect(parts.length).toBe(4); // part 1 twice, then 2 and 3
    const sent = await Promise.all(parts.map(parseForm));
    for (const f of sent) expect(f.files[0].data.every((b) => b === 1)).toBe(true);
    await client.close();
  });

  it('fails with SourceChangedError when the file shrinks while it is read', async () => {
    const file = join(dir, 'shrink.bin');
    await writeFile(file, Buffer.alloc(600 * 1024, 3));
    server = await scriptedServer(async (req, res) => {
      const u = new URL(req.url, 'http://x');
      if (u.pathname.endsWith('/files/multipart')) {
        await truncate(file, 1000);
        return json(res, 202, { file: { id: 'up1', path: 'shrink.bin' }, status: 'CREATED' });
      }
      if (u.pathname.includes('/part/')) return json(res, 202, {});
      if (u.pathname.endsWith('/abort')) return json(res, 200, {});
      return json(res, 201, { file: { id: 'up1', path: 'shrink.bin', size: 1 }, status: 'SUCCESS' });
    });
    const client = testClient(server.url, { splitUploadThreshold: 100 * 1024, splitPartSize: 200 * 1024 });
    const err = await catchErr(client.uploadFile('fs', { path: 'shrink.bin', source: { filePath: file } }));
    expect(err).toBeInstanceOf(SourceChangedError);
    expect(err.message).toContain('shrank');
    expect(server.requests.some((r) => r.url.endsWith('/finalize'))).toBe(false);
    expect(server.requests.at(-1)?.url).toMatch(/\/abort$/);
    await client.close();
  });
});

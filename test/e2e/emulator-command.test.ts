import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, assertBuilt, cleanEnv } from '../support/harness';

/** Starts `domo-filesets emulator` and resolves with the child and the first stdout line. */
function startCommand(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; stderr: () => string; stdout: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'emulator', ...args], { env: cleanEnv() });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ child, url: out.slice(0, nl), stderr: () => err, stdout: () => out });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`emulator exited early (${code}): ${err}`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

beforeAll(assertBuilt);

describe('domo-filesets emulator', () => {
  it('prints its base URL as the first stdout line, serves the API, and exits 0 on SIGTERM', async () => {
    const { child, url, stderr, stdout } = await startCommand(['--port', '0', '--token', 'emu-cmd-token-123']);
    child.removeAllListeners('exit');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const stats = await fetch(`${url}/_emulator/stats`).then((r) => r.json());
    expect(stats).toEqual(expect.objectContaining({ total: expect.any(Number), mutating: 0, requests: expect.any(Object) }));
    const unauth = await fetch(`${url}/api/files/v1/filesets/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauth.status).toBe(401);
    const ok = await fetch(`${url}/api/files/v1/filesets/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-domo-developer-token': 'emu-cmd-token-123' },
      body: '{}',
    });
    expect(ok.status).toBe(200);
    const done = exited(child);
    child.kill('SIGTERM');
    expect(await done).toEqual({ code: 0, signal: null });
    expect(stdout()).toBe(`${url}\n`); // nothing else on stdout
    expect(stderr()).toContain('listening on');
    expect(stderr()).not.toContain('emu-cmd-token-123');
  });

  it('stops cleanly on SIGINT and keeps data in --data-dir across restarts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'domo-filesets-emu-'));
    try {
      const first = await startCommand(['--data-dir', dir]);
      first.child.removeAllListeners('exit');
      const headers = { 'content-type': 'application/json', 'x-domo-developer-token': 'any' };
      const created = await fetch(`${first.url}/api/files/v1/filesets`, { method: 'POST', headers, body: JSON.stringify({ name: 'persisted' }) });
      expect(created.status).toBeLessThan(300);
      const done = exited(first.child);
      first.child.kill('SIGINT');
      expect((await done).code).toBe(0);

      const second = await startCommand(['--data-dir', dir]);
      second.child.removeAllListeners('exit');
      const search = await fetch(`${second.url}/api/files/v1/filesets/search`, { method: 'POST', headers, body: '{}' }).then((r) => r.text());
      expect(search).toContain('persisted');
      const done2 = exited(second.child);
      second.child.kill('SIGTERM');
      expect((await done2).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('injects faults when asked, and the header forces one', async () => {
    const { child, url } = await startCommand(['--fault-rate', '1', '--faults', '500', '--fault-seed', '1']);
    child.removeAllListeners('exit');
    const headers = { 'content-type': 'application/json', 'x-domo-developer-token': 't' };
    const r = await fetch(`${url}/api/files/v1/filesets/search`, { method: 'POST', headers, body: '{}' });
    expect(r.status).toBe(500);
    const stats = await fetch(`${url}/_emulator/stats`).then((x) => x.json() as Promise<{ faults: Record<string, number> }>);
    expect(stats.faults['500']).toBe(1);
    const done = exited(child);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  });
});

/**
 * `domo-filesets emulator` as a child process with the reading, user, latency and rate-limit flags: the
 * running server behaves as the flags say, and no token reaches its output.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BIN, assertBuilt } from '../support/fs-state';

const API = 'http://placeholder/api/files/v1';

beforeAll(assertBuilt);

it('serves the spec reading with the users, limits and index delay given on the command line', async () => {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      BIN,
      'emulator',
      '--profile',
      'spec',
      '--user',
      'reader-secret-token=2:42',
      '--rate-limit',
      '0.1',
      '--burst',
      '3',
      '--latency-ms',
      '1:1',
      '--fault-seed',
      '5',
      '--index-delay-ms',
      '0',
    ],
    { env: { PATH: process.env.PATH ?? '' } },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.on('exit', (code) => reject(new Error(`emulator exited early (${code}): ${err}`)));
  });
  child.removeAllListeners('exit');
  try {
    const api = API.replace('http://placeholder', url);
    const owner = { 'content-type': 'application/json', 'x-domo-developer-token': 'owner-token' };
    const created = (await (await fetch(`${api}/filesets`, { method: 'POST', headers: owner, body: '{"name":"cli"}' })).json()) as {
      id: string;
      owner: string;
    };
    expect(created.owner).toBe('1');
    // User 2 sees nothing of user 1's FileSet: a 403 with a plain-string body (the spec reading).
    const denied = await fetch(`${api}/filesets/${created.id}`, { headers: { 'x-domo-developer-token': 'reader-secret-token' } });
    expect([denied.status, denied.headers.get('content-type'), await denied.text()]).toEqual([
      403,
      'text/plain;charset=UTF-8',
      expect.stringMatching(/^User 2 has no access/),
    ]);
    // The spec reading's listing maximum; then the owner's third request empties its bucket of 3 and the fourth is limited.
    const second = await fetch(`${api}/filesets/search?limit=101`, { method: 'POST', headers: owner, body: '{}' });
    expect(second.status).toBe(400);
    const third = await fetch(`${api}/filesets/search`, { method: 'POST', headers: owner, body: '{}' });
    expect(third.status).toBe(200);
    const fourth = await fetch(`${api}/filesets/search`, { method: 'POST', headers: owner, body: '{}' });
    expect([fourth.status, fourth.headers.get('retry-after')]).toEqual([429, '10']);
    const stats = (await (await fetch(`${url}/_emulator/stats`)).json()) as { limited: number };
    expect(stats.limited).toBe(1);
  } finally {
    const done = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await done;
  }
  expect(err).toContain('profile spec');
  expect(err + out).not.toContain('reader-secret-token');
});

/** The hash cache keyed by git blob id: a fresh clone of an unchanged tree reads no file, a modified file is read. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cleanBlobsUnder } from '../../loader/git-index';
import { HashCache } from '../../loader/hash-cache';
import { scanSource } from '../../loader/scan';
import { sha256 } from '../support/fs-state';

// The module's exports object itself (not an import-star copy), so a spy replaces what scan calls.
const hashModule = require('../../loader/hash') as typeof import('../../loader/hash');

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'git-index-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });
}

function repo(): string {
  const origin = path.join(root, 'origin');
  mkdirSync(path.join(origin, 'docs', 'sub'), { recursive: true });
  for (let i = 0; i < 20; i += 1) writeFileSync(path.join(origin, 'docs', i % 2 ? 'sub' : '', `f${i}.md`), `file ${i}\n`);
  git(origin, 'init', '-q');
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'docs');
  return origin;
}

test('clean tracked files are known by blob id; untracked and modified ones are not; outside a work tree nothing is', async () => {
  const origin = repo();
  writeFileSync(path.join(origin, 'docs', 'untracked.md'), 'u');
  writeFileSync(path.join(origin, 'docs', 'f0.md'), 'modified');
  const blobs = await cleanBlobsUnder(path.join(origin, 'docs'));
  expect(blobs.size).toBe(19);
  expect(blobs.has(path.join(origin, 'docs', 'f0.md'))).toBe(false);
  expect(blobs.has(path.join(origin, 'docs', 'untracked.md'))).toBe(false);
  expect(blobs.get(path.join(origin, 'docs', 'sub', 'f1.md'))).toMatch(/^[0-9a-f]{40}$/);
  const plain = path.join(root, 'plain');
  mkdirSync(plain);
  expect((await cleanBlobsUnder(plain)).size).toBe(0);
});

test('a fresh clone with the cache file restored hashes no file; a file modified after the clone is hashed', async () => {
  const origin = repo();
  const stateA = path.join(root, 'state-a');
  const cacheA = await HashCache.load(stateA);
  const src = path.join(origin, 'docs');
  const first = await scanSource({ source: src, cache: cacheA, blobs: await cleanBlobsUnder(src) });
  await cacheA.save();

  const clone = path.join(root, 'clone');
  execFileSync('git', ['clone', '-q', origin, clone]);
  const stateB = path.join(root, 'state-b');
  cpSync(stateA, stateB, { recursive: true }); // what actions/cache restores in CI
  writeFileSync(path.join(clone, 'docs', 'f2.md'), 'edited in the clone\n');
  const spy = jest.spyOn(hashModule, 'hashFile');
  try {
    const cacheB = await HashCache.load(stateB);
    const cloneSrc = path.join(clone, 'docs');
    const second = await scanSource({ source: cloneSrc, cache: cacheB, blobs: await cleanBlobsUnder(cloneSrc) });
    expect(spy.mock.calls.map(([p]) => path.relative(cloneSrc, String(p)))).toEqual(['f2.md']);
    expect(second.map((f) => [f.path, f.hash])).toEqual(first.map((f) => [f.path, f.path === 'f2.md' ? sha256('edited in the clone\n') : f.hash]));
  } finally {
    spy.mockRestore();
  }
});

/** Local scan: special names, NFC, dotfiles, include/exclude, symlinks, and the hash cache. */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LoaderError } from '../../loader';
import { execFileSync } from 'node:child_process';
import { HashCache, MAX_AGE_DAYS, MAX_CACHE_BYTES } from '../../loader/hash-cache';
import { scanSource } from '../../loader/scan';

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
let root: string;

function put(rel: string, content: string | Buffer = rel): void {
  const abs = path.join(root, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, content);
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'scan-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('scanSource', () => {
  test('special names, nested directories and empty files; POSIX paths sorted; correct hashes', async () => {
    const names = ['a b.md', 'x#1.txt', '100%.txt', 'what?.md', 'c++.txt', 'r&d.md', 'deep/er/still/n.txt', 'empty.txt'];
    for (const n of names) put(n, n === 'empty.txt' ? '' : `content of ${n}`);
    const files = await scanSource({ source: root });
    expect(files.map((f) => f.path)).toEqual([...names].sort());
    const empty = files.find((f) => f.path === 'empty.txt')!;
    expect(empty).toMatchObject({ size: 0, hash: sha('') });
    expect(files.find((f) => f.path === 'r&d.md')!.hash).toBe(sha('content of r&d.md'));
  });

  test('unicode: an NFD name on disk becomes NFC; the absolute path keeps the disk spelling', async () => {
    const nfd = 'cafe\u0301.md';
    put(nfd, 'x');
    const [f] = await scanSource({ source: root });
    expect(f.path).toBe('caf\u00e9.md');
    expect(f.abs).toBe(path.join(root, nfd));
  });

  test('unicode: two names equal after NFC are refused', async () => {
    put('cafe\u0301.md', '1');
    put('caf\u00e9.md', '2');
    await expect(scanSource({ source: root })).rejects.toThrow(/same name after Unicode NFC normalization/);
  });

  test('a name the remote path rule refuses is named on one line: a line break in it is shown escaped', async () => {
    put('ok.md');
    put('a\nb.md');
    const err = (await scanSource({ source: root }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(LoaderError);
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(err.message).toBe(
      `${path.join(root, 'a\\u000ab.md')}: file name contains a control character (U+000A), which does not survive an upload unchanged; rename it or exclude it`,
    );
  });

  test('dotfiles only with dot; include and exclude', async () => {
    put('.env', 's');
    put('a.md');
    put('b.tmp');
    put('build/x.md');
    put('.git/config');
    expect((await scanSource({ source: root })).map((f) => f.path)).toEqual(['a.md', 'b.tmp', 'build/x.md']);
    expect((await scanSource({ source: root, dot: true, exclude: ['.git'] })).map((f) => f.path)).toEqual(['.env', 'a.md', 'b.tmp', 'build/x.md']);
    expect((await scanSource({ source: root, include: ['**/*.md'], exclude: ['build'] })).map((f) => f.path)).toEqual(['a.md']);
  });

  test('patterns reaching outside the source are refused before any read', async () => {
    await expect(scanSource({ source: root, include: ['../**'] })).rejects.toThrow(/contains '\.\.'/);
    await expect(scanSource({ source: root, include: ['/etc/passwd'] })).rejects.toThrow(/absolute/);
  });

  test('a symlink to a file inside the source is read; one pointing outside is refused', async () => {
    put('real.md', 'real');
    symlinkSync(path.join(root, 'real.md'), path.join(root, 'alias.md'));
    const files = await scanSource({ source: root });
    expect(files.map((f) => [f.path, f.hash])).toEqual([
      ['alias.md', sha('real')],
      ['real.md', sha('real')],
    ]);
    const outside = mkdtempSync(path.join(tmpdir(), 'outside-'));
    writeFileSync(path.join(outside, 'secret'), 'secret');
    symlinkSync(path.join(outside, 'secret'), path.join(root, 'escape.md'));
    await expect(scanSource({ source: root })).rejects.toThrow(/escape\.md: symlink points outside source/);
    rmSync(path.join(root, 'escape.md'));
    symlinkSync(outside, path.join(root, 'dirlink'));
    await expect(scanSource({ source: root })).rejects.toThrow(/dirlink: symlink points outside source/);
    rmSync(outside, { recursive: true });
  });

  test('symlink loops are refused with a clear error', async () => {
    put('a.md');
    symlinkSync('loop2', path.join(root, 'loop1'));
    symlinkSync('loop1', path.join(root, 'loop2'));
    await expect(scanSource({ source: root })).rejects.toThrow(/loop1: symlink loop/);
    rmSync(path.join(root, 'loop1'));
    rmSync(path.join(root, 'loop2'));
    mkdirSync(path.join(root, 'sub'));
    symlinkSync('..', path.join(root, 'sub', 'up'));
    await expect(scanSource({ source: root })).rejects.toThrow(/up: symlink loop \(points to its own ancestor/);
  });

  test('a missing source is a LoaderError', async () => {
    await expect(scanSource({ source: path.join(root, 'nope') })).rejects.toBeInstanceOf(LoaderError);
  });
});

describe('hash cache', () => {
  const old = new Date(Date.now() - 60_000);
  function putOld(rel: string, content: string): void {
    put(rel, content);
    utimesSync(path.join(root, rel), old, old);
  }

  test('an unchanged tree is not re-read (a same-size, same-mtime edit goes unseen); a size change is read', async () => {
    putOld('a.md', 'one');
    putOld('b.md', 'two');
    const cacheDir = path.join(root, '.cache');
    let cache = await HashCache.load(cacheDir);
    await scanSource({ source: root, cache });
    await cache.save();
    expect(Object.keys(JSON.parse(readFileSync(path.join(cacheDir, 'hash-cache.json'), 'utf8')).entries)).toHaveLength(2);

    // Same size, same (old) mtime, same inode, other bytes: only a scan that reads the file could notice.
    putOld('a.md', 'ONE');
    cache = await HashCache.load(cacheDir);
    const again = await scanSource({ source: root, cache });
    expect(again.map((f) => f.hash)).toEqual([sha('one'), sha('two')]);

    putOld('b.md', 'twoo'); // same (old) mtime and inode, another size
    const changed = await scanSource({ source: root, cache });
    expect(changed.find((f) => f.path === 'b.md')!.hash).toBe(sha('twoo'));
  });

  test('a recently modified file is not cached (racily clean), so a same-size rewrite is still seen', async () => {
    put('a.md', 'one');
    const cache = await HashCache.load(null);
    await scanSource({ source: root, cache });
    expect(cache.size).toBe(0);
    writeFileSync(path.join(root, 'a.md'), 'ONE');
    const [f] = await scanSource({ source: root, cache });
    expect(f.hash).toBe(sha('ONE'));
  });

  test('a corrupt cache file is ignored and replaced', async () => {
    putOld('a.md', 'one');
    const cacheDir = path.join(root, '.cache');
    mkdirSync(cacheDir);
    writeFileSync(path.join(cacheDir, 'hash-cache.json'), '{not json');
    const cache = await HashCache.load(cacheDir);
    const [f] = await scanSource({ source: root, cache });
    expect(f.hash).toBe(sha('one'));
    await cache.save();
    expect(JSON.parse(readFileSync(path.join(cacheDir, 'hash-cache.json'), 'utf8')).version).toBe(2);
  });

  test('entries of deleted files are forgotten', async () => {
    putOld('a.md', 'one');
    putOld('b.md', 'two');
    const cacheDir = path.join(root, '.cache');
    const first = await HashCache.load(cacheDir);
    await scanSource({ source: root, cache: first });
    await first.save();
    rmSync(path.join(root, 'b.md'));
    const second = await HashCache.load(cacheDir);
    expect(second.size).toBe(2);
    await scanSource({ source: root, cache: second });
    await second.save();
    expect(second.size).toBe(1);
  });

  test('a FIFO, a directory or an oversized file at the cache path is ignored, never waited on', async () => {
    putOld('a.md', 'one');
    const cacheDir = path.join(root, '.cache');
    mkdirSync(cacheDir);
    const file = path.join(cacheDir, 'hash-cache.json');
    execFileSync('mkfifo', [file]);
    const viaFifo = await HashCache.load(cacheDir);
    expect(viaFifo.size).toBe(0);
    rmSync(file);
    mkdirSync(file);
    expect((await HashCache.load(cacheDir)).size).toBe(0);
    rmSync(file, { recursive: true });
    writeFileSync(file, Buffer.alloc(MAX_CACHE_BYTES + 1, 0x20));
    expect((await HashCache.load(cacheDir)).size).toBe(0);
  });

  test('the cache stays bounded: entries nobody saw for a month go, and the least recently seen beyond the cap', async () => {
    const cacheDir = path.join(root, '.cache');
    mkdirSync(cacheDir);
    const day = Math.floor(Date.now() / 86_400_000);
    const entries: Record<string, unknown> = {};
    for (let i = 0; i < 10; i += 1) entries[`/elsewhere/old${i}`] = [1, 1, 1, sha(`o${i}`), day - MAX_AGE_DAYS - 1];
    for (let i = 0; i < 5; i += 1) entries[`/elsewhere/recent${i}`] = [1, 1, 1, sha(`r${i}`), day - 1];
    writeFileSync(path.join(cacheDir, 'hash-cache.json'), JSON.stringify({ version: 2, entries }));
    const cache = await HashCache.load(cacheDir);
    expect(cache.size).toBe(15);
    await cache.save();
    expect(Object.keys(JSON.parse(readFileSync(path.join(cacheDir, 'hash-cache.json'), 'utf8')).entries).sort()).toEqual(
      [0, 1, 2, 3, 4].map((i) => `/elsewhere/recent${i}`),
    );
  });

  test('a cache holding more entries than its cap keeps the most recently seen on save, whatever their order in the file', async () => {
    const cacheDir = path.join(root, '.cache');
    mkdirSync(cacheDir);
    const day = Math.floor(Date.now() / 86_400_000);
    const cap = 20;
    // The least recently seen come first in the file and the most recent last: a cut in file order keeps the wrong ones.
    const seenOf = (i: number): number => (i < 10 ? day - 2 : i < cap + 5 ? day - 1 : day);
    const entries: Record<string, unknown> = {};
    const blobs: Record<string, unknown> = {};
    for (let i = 0; i < cap + 10; i += 1) {
      entries[`/f/${i}`] = [1, 1, i, sha(`f${i}`), seenOf(i)];
      blobs[i.toString(16).padStart(40, '0')] = [1, sha(`f${i}`), seenOf(i)];
    }
    writeFileSync(path.join(cacheDir, 'hash-cache.json'), JSON.stringify({ version: 2, entries, blobs }));
    const cache = await HashCache.load(cacheDir, cap);
    expect(cache.size).toBe(cap + 10);
    await cache.save();
    const saved = JSON.parse(readFileSync(path.join(cacheDir, 'hash-cache.json'), 'utf8')) as { entries: object; blobs: object };
    const kept = Array.from({ length: cap + 10 }, (_, i) => i).filter((i) => i >= 10);
    expect(Object.keys(saved.entries).sort()).toEqual(kept.map((i) => `/f/${i}`).sort());
    expect(Object.keys(saved.blobs).sort()).toEqual(kept.map((i) => i.toString(16).padStart(40, '0')).sort());
    // What was saved loads as is: within the cap.
    const again = await HashCache.load(cacheDir, cap);
    expect(again.size).toBe(cap);
  });
});

describe('state directories', () => {
  test('the state directory inside a source is never scanned, even with dotfiles and a pattern naming it', async () => {
    put('a.md', 'a');
    put('.domo-filesets/hash-cache.json', '{}');
    put('.domo-filesets/emulator/blob', 'x');
    const state = path.join(root, '.domo-filesets');
    const files = await scanSource({ source: root, dot: true, include: ['**/*', '.domo-filesets/**'], ignoreDirs: [state] });
    expect(files.map((f) => f.path)).toEqual(['a.md']);
    await expect(scanSource({ source: state, ignoreDirs: [state] })).rejects.toThrow(/is the tool's own state directory/);
  });
});

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertScannableNames } from '../../loader/names';
import { LoaderError } from '../../loader/errors';
import { scanSource } from '../../loader/scan';
import { normalizeDirectoryPath, MAX_DIRECTORY_PATH } from '../../loader/prefix';

describe('names that are not valid UTF-8', () => {
  it('accepts a tree of valid unicode names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    mkdirSync(join(dir, 'résumé', '日本'), { recursive: true });
    writeFileSync(join(dir, 'résumé', '日本', 'a b#%?+&.md'), 'x');
    await expect(assertScannableNames(dir, false)).resolves.toBeUndefined();
  });

  it('refuses a nested file whose name has a 0xff byte, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'sub') + '/b'), Buffer.from([0xff]), Buffer.from('.md')]), 'x');
    const err = await assertScannableNames(dir, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoaderError);
    expect((err as Error).message).toMatch(/sub\/b\uFFFD\.md: file name is not valid UTF-8/);
  });

  it('skips dot entries unless dotfiles are scanned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    writeFileSync(Buffer.concat([Buffer.from(dir + '/.x'), Buffer.from([0xfe])]), 'x');
    await expect(assertScannableNames(dir, false)).resolves.toBeUndefined();
    await expect(assertScannableNames(dir, true)).rejects.toThrow(/not valid UTF-8/);
  });
});

describe('directories the scan cannot look inside', () => {
  it.each(['d\rx', 'd\nx', 'd\u2028x', 'd\u2029x'])('refuses a directory named %j, naming it; the files in it are not silently left out', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    mkdirSync(join(dir, 'sub', name), { recursive: true });
    writeFileSync(join(dir, 'sub', name, 'f.md'), 'x');
    writeFileSync(join(dir, 'ok.md'), 'x');
    const err = await scanSource({ source: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoaderError);
    expect((err as Error).message).toContain(': directory name holds a line break, so the scan cannot look inside it; rename it');
    expect((err as Error).message).toContain(join(dir, 'sub', 'd'));
  });

  it.each(['\u2028a.md', '\u2029', '\na.md', '\r'])('refuses a file whose name starts with a line terminator (%j), naming it', async (name) => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', name), 'x');
    writeFileSync(join(dir, 'ok.md'), 'x');
    const err = await scanSource({ source: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoaderError);
    expect((err as Error).message).toMatch(/^.*\/sub\/\\u(2028|2029|000a|000d).*: file name starts with a line break, so the scan cannot see it; rename it$/);
  });

  it('keeps a file named with U+2028 after its first character: the glob finds it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    writeFileSync(join(dir, 'a\u2028b.md'), 'x');
    expect((await scanSource({ source: dir })).map((f) => f.path)).toEqual(['a\u2028b.md']);
  });
});

describe('directoryPath limits', () => {
  it('refuses a prefix longer than the limit and a segment over 255 bytes', () => {
    expect(normalizeDirectoryPath('a/'.repeat(MAX_DIRECTORY_PATH))).toEqual({ problem: expect.stringMatching(/at most 1024/) });
    expect(normalizeDirectoryPath('é'.repeat(128))).toEqual({ problem: expect.stringMatching(/segment of 256 bytes \(at most 255\)/) });
    expect(normalizeDirectoryPath('handbook/2024')).toEqual({ value: 'handbook/2024' });
  });
});

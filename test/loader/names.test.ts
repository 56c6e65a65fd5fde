import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertUtf8Names } from '../../loader/names';
import { LoaderError } from '../../loader/errors';
import { normalizeDirectoryPath, MAX_DIRECTORY_PATH } from '../../loader/prefix';

describe('names that are not valid UTF-8', () => {
  it('accepts a tree of valid unicode names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    mkdirSync(join(dir, 'résumé', '日本'), { recursive: true });
    writeFileSync(join(dir, 'résumé', '日本', 'a b#%?+&.md'), 'x');
    await expect(assertUtf8Names(dir, false)).resolves.toBeUndefined();
  });

  it('refuses a nested file whose name has a 0xff byte, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'sub') + '/b'), Buffer.from([0xff]), Buffer.from('.md')]), 'x');
    const err = await assertUtf8Names(dir, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoaderError);
    expect((err as Error).message).toMatch(/sub\/b\uFFFD\.md: file name is not valid UTF-8/);
  });

  it('skips dot entries unless dotfiles are scanned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    writeFileSync(Buffer.concat([Buffer.from(dir + '/.x'), Buffer.from([0xfe])]), 'x');
    await expect(assertUtf8Names(dir, false)).resolves.toBeUndefined();
    await expect(assertUtf8Names(dir, true)).rejects.toThrow(/not valid UTF-8/);
  });
});

describe('directoryPath limits', () => {
  it('refuses a prefix longer than the limit and a segment over 255 bytes', () => {
    expect(normalizeDirectoryPath('a/'.repeat(MAX_DIRECTORY_PATH))).toEqual({ problem: expect.stringMatching(/at most 1024/) });
    expect(normalizeDirectoryPath('é'.repeat(128))).toEqual({ problem: expect.stringMatching(/segment of 256 bytes \(at most 255\)/) });
    expect(normalizeDirectoryPath('handbook/2024')).toEqual({ value: 'handbook/2024' });
  });
});

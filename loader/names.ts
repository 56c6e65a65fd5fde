/**
 * File names that are not valid UTF-8. Linux allows any bytes in a name, but a remote path is text: such a
 * name cannot be uploaded, and fast-glob silently drops the whole directory that holds one, which would
 * make the source look empty (or smaller) and turn a scan into a prune of files that still exist.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LoaderError } from './errors';

/**
 * Walks `source` (not following symlinks) and throws LoaderError naming the first entry whose name is not
 * valid UTF-8. Dot entries are skipped unless `dot` (the scan does not see them either).
 */
export async function assertUtf8Names(source: string, dot: boolean): Promise<void> {
  const pending: Buffer[] = [Buffer.from(source)];
  while (pending.length > 0) {
    const dir = pending.pop() as Buffer;
    let entries: import('node:fs').Dirent<Buffer>[];
    try {
      entries = await fsp.readdir(dir, { encoding: 'buffer', withFileTypes: true });
    } catch {
      continue; // unreadable directories are reported by the scan itself, with its own message
    }
    for (const e of entries) {
      const name = e.name;
      if (!dot && name[0] === 0x2e) continue;
      const text = name.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(name)) {
        const shown = path.join(dir.toString('utf8'), text);
        throw new LoaderError(`${shown}: file name is not valid UTF-8 (shown with U+FFFD); rename it or exclude its directory`);
      }
      if (e.isDirectory()) pending.push(Buffer.concat([dir, Buffer.from('/'), name]));
    }
  }
}

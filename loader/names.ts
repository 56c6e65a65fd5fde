/**
 * Names the scan's glob cannot be trusted with. Linux allows any bytes in a name, but fast-glob silently
 * drops the whole directory that holds a name that is not valid UTF-8; and its patterns are regular
 * expressions whose `.` does not match a line terminator (CR, LF, U+2028, U+2029), so it never looks inside a
 * directory whose name holds one, nor sees a file whose name starts with one. Each would make the source look
 * smaller than it is: an apply that says it is done while files are missing, or a prune of files that still
 * exist.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { LoaderError } from './errors';

/** Line terminators: a directory name must not hold one, nor any name start with one. */
const LINE_TERMINATOR = /[\r\n\u2028\u2029]/;

/**
 * Walks `source` (not following symlinks) and throws LoaderError naming the first entry whose name is not
 * valid UTF-8, the first directory whose name holds a line terminator, or the first name that starts with
 * one. Dot entries are skipped unless `dot` (the scan does not see them either).
 */
export async function assertScannableNames(source: string, dot: boolean): Promise<void> {
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
      if (e.isDirectory() && LINE_TERMINATOR.test(text)) {
        throw new LoaderError(`${path.join(dir.toString('utf8'), text)}: directory name holds a line break, so the scan cannot look inside it; rename it`);
      }
      if (LINE_TERMINATOR.test(text[0])) {
        throw new LoaderError(`${path.join(dir.toString('utf8'), text)}: file name starts with a line break, so the scan cannot see it; rename it`);
      }
      if (e.isDirectory()) pending.push(Buffer.concat([dir, Buffer.from('/'), name]));
    }
  }
}

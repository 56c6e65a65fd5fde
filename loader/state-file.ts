/**
 * The loader's own state files (hash cache, upload ledger) under the state directory. They are only ever
 * hints: read without blocking (a FIFO or device put in their place is ignored, never waited on), size-capped,
 * parsed defensively by the caller, and written atomically (temp file + rename) so concurrent runs never see
 * half a file. Failures to read or write are not errors.
 */
import { constants, promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** The state file's text, or null when it is missing, not a regular file, larger than `maxBytes` or unreadable. */
export async function readStateFile(file: string, maxBytes: number): Promise<string | null> {
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return null;
  }
  try {
    const st = await fh.stat();
    if (!st.isFile() || st.size > maxBytes) return null;
    return await fh.readFile('utf8');
  } catch {
    return null;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Replaces the state file atomically; returns false (never throws) when it could not be written. */
export async function writeStateFile(file: string, text: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(tmp, text);
    await fsp.rename(tmp, file);
    return true;
  } catch {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    return false;
  }
}

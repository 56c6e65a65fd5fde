/**
 * SHA-256 of a local file, read through one descriptor opened without following a symlink and without
 * blocking (a FIFO or device swapped in after the walk is refused, never waited on). The descriptor's fstat
 * is the file's identity: the dev/inode, size and mtime that the hash belongs to.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, promises as fsp, readSync } from 'node:fs';

/** Files up to this size are read with one synchronous read (cheaper than several thread-pool round trips). */
export const SMALL_READ_BYTES = 256 * 1024;
/** Read size for larger files; the buffers are reused across files. */
const CHUNK_BYTES = 1 << 20;

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** A file's hash and the identity of what was hashed. */
export interface HashedFile {
  hash: string;
  /** Bytes hashed (the file may have changed size since an earlier stat). */
  bytes: number;
  dev: number;
  ino: number;
  mtimeMs: number;
}

/** Refusal of something that is not a regular file (errno-style code, so callers report it uniformly). */
function notRegular(abs: string): Error {
  return Object.assign(new Error(`not a regular file: ${abs}`), { code: 'EINVAL' });
}

/** SHA-256 hex of a buffer. */
export function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/**
 * Reads a small regular file whole through one non-blocking, non-following descriptor; null when the file is
 * larger than `maxBytes` (the caller streams it instead). Throws for anything that is not a regular file.
 */
export function readSmall(abs: string, maxBytes = SMALL_READ_BYTES): { data: Buffer; dev: number; ino: number; mtimeMs: number } | null {
  const fd = openSync(abs, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(abs);
    if (st.size > maxBytes) return null;
    // One byte more than the stat size tells a file that grew since fstat: then it is not small any more.
    const buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
    }
    if (n > st.size) return null;
    return { data: buf.subarray(0, n), dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

const freeBuffers: Buffer[] = [];
const MAX_FREE_BUFFERS = 16;

/** SHA-256 of the regular file at `abs` with the identity of what was read. */
export async function hashFile(abs: string): Promise<HashedFile> {
  const small = readSmall(abs);
  if (small) return { hash: sha256Hex(small.data), bytes: small.data.length, dev: small.dev, ino: small.ino, mtimeMs: small.mtimeMs };
  const fh = await fsp.open(abs, OPEN_FLAGS);
  const buf = freeBuffers.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw notRegular(abs);
    const h = createHash('sha256');
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      h.update(buf.subarray(0, bytesRead));
    }
    return { hash: h.digest('hex'), bytes, dev: st.dev, ino: st.ino, mtimeMs: st.mtimeMs };
  } finally {
    if (freeBuffers.length < MAX_FREE_BUFFERS) freeBuffers.push(buf);
    await fh.close();
  }
}

/** Streaming SHA-256 of a file: memory stays bounded whatever the file size. */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, promises as fsp, readSync } from 'node:fs';

const SMALL = 1 << 20;

/** Files up to this size are read whole, synchronously, when apply uploads them (see readSmallFile). */
export const SMALL_FILE_BYTES = 256 * 1024;

/**
 * Reads a small regular file whole with synchronous calls: for a few KiB, one open/fstat/read/close on the
 * main thread costs a few microseconds, far less than the thread-pool round trips of the async API. Null
 * (never an exception) when it is not a regular file, is larger than SMALL_FILE_BYTES, grew while being
 * read, or cannot be read: the caller then takes its general path, with that path's errors. The open is
 * non-blocking, so a FIFO put where a file was cannot hang the process.
 */
export function readSmallFile(absPath: string): Buffer | null {
  let fd: number;
  try {
    fd = openSync(absPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > SMALL_FILE_BYTES) return null;
    // One spare byte tells a file that grew since fstat.
    const buf = Buffer.allocUnsafe(st.size + 1);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
    }
    return n > st.size ? null : buf.subarray(0, n);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 hex of a buffer. */
export function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Read buffers of larger files, reused: 1 MiB buffers allocated per file were most of a scan's peak RSS. */
const freeBuffers: Buffer[] = [];
const MAX_FREE_BUFFERS = 16;

/** SHA-256 hex of the file at `absPath`; small files are read in one call, larger ones in 1 MiB reads into a reused buffer. */
export async function sha256File(absPath: string, sizeHint?: number): Promise<{ hash: string; bytes: number }> {
  if (sizeHint !== undefined && sizeHint <= SMALL_FILE_BYTES) {
    // a file that grew since stat is still hashed whole; the caller compares bytes with the stat size
    const buf = await fsp.readFile(absPath);
    return { hash: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
  }
  const fh = await fsp.open(absPath, 'r');
  const buf = freeBuffers.pop() ?? Buffer.allocUnsafe(SMALL);
  try {
    const h = createHash('sha256');
    let bytes = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      h.update(buf.subarray(0, bytesRead));
    }
    return { hash: h.digest('hex'), bytes };
  } finally {
    if (freeBuffers.length < MAX_FREE_BUFFERS) freeBuffers.push(buf);
    await fh.close();
  }
}

/**
 * SHA-256 of a file that must still be a regular file, for reads after the scan (the tree may have changed
 * since): the open is non-blocking, so a FIFO put where the file was is refused instead of waiting forever
 * for a writer.
 */
export async function sha256RegularFile(absPath: string): Promise<{ hash: string; bytes: number }> {
  const fh = await fsp.open(absPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    if (!(await fh.stat()).isFile()) throw Object.assign(new Error(`not a regular file: ${absPath}`), { code: 'EINVAL' });
    const h = createHash('sha256');
    let bytes = 0;
    for await (const chunk of fh.createReadStream({ highWaterMark: SMALL, autoClose: false })) {
      bytes += (chunk as Buffer).length;
      h.update(chunk as Buffer);
    }
    return { hash: h.digest('hex'), bytes };
  } finally {
    await fh.close();
  }
}

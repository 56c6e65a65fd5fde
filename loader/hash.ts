/** Streaming SHA-256 of a file: memory stays bounded whatever the file size. */
import { createHash } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { readSmallFile, SMALL_FILE_BYTES } from '../client/upload-source';

const SMALL = 1 << 20;

/**
 * Files up to SMALL_FILE_BYTES are read whole, synchronously, when apply uploads them; the reader is the
 * client's own (one open/fstat/read/close; null — never an exception — for anything else), so the bytes
 * hashed are exactly the bytes sent.
 */
export { readSmallFile, SMALL_FILE_BYTES };

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

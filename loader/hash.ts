/** Streaming SHA-256 of a file: memory stays bounded whatever the file size. */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';

const SMALL = 1 << 20;

/** SHA-256 hex of the file at `absPath`; small files are read in one call, larger ones streamed in 1 MiB chunks. */
export async function sha256File(absPath: string, sizeHint?: number): Promise<{ hash: string; bytes: number }> {
  if (sizeHint !== undefined && sizeHint <= SMALL) {
    // a file that grew since stat is still hashed whole; the caller compares bytes with the stat size
    const buf = await fsp.readFile(absPath);
    return { hash: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
  }
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(absPath, { highWaterMark: SMALL })) {
    bytes += (chunk as Buffer).length;
    h.update(chunk as Buffer);
  }
  return { hash: h.digest('hex'), bytes };
}

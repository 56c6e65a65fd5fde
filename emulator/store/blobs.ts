/**
 * Where file bytes live. Blobs are named by ids the store generates, never by user paths, so no upload can
 * name a location of its own choosing.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobInfo } from './types';

/** The byte storage behind a Store. */
export interface BlobBackend {
  open(): Promise<void>;
  /** Deletes every blob. */
  clear(): Promise<void>;
  /** Streams src into a new blob; a failed stream leaves nothing behind. */
  write(src: Readable): Promise<BlobInfo>;
  /** The blob's bytes; the stream errors when the blob is gone. */
  read(blobId: string): Readable;
  delete(blobId: string): Promise<void>;
  /** Deletes every blob not in `live` (left behind by a crash mid-upload). */
  sweep(live: Set<string>): Promise<void>;
}

/** Blobs as chunk lists in process memory. */
export class MemoryBlobs implements BlobBackend {
  private readonly blobs = new Map<string, Buffer[]>();

  async open(): Promise<void> {}

  async clear(): Promise<void> {
    this.blobs.clear();
  }

  async write(src: Readable): Promise<BlobInfo> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of src) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buf);
      size += buf.length;
    }
    const blobId = randomUUID();
    this.blobs.set(blobId, chunks);
    return { blobId, size };
  }

  read(blobId: string): Readable {
    const chunks = this.blobs.get(blobId);
    if (!chunks) {
      return new Readable({
        read() {
          this.destroy(new Error(`blob ${blobId} is gone`));
        },
      });
    }
    return Readable.from(chunks, { objectMode: false });
  }

  async delete(blobId: string): Promise<void> {
    this.blobs.delete(blobId);
  }

  async sweep(live: Set<string>): Promise<void> {
    for (const id of [...this.blobs.keys()]) if (!live.has(id)) this.blobs.delete(id);
  }
}

const BLOB_ID = /^[0-9a-f-]{36}$/;

/** Blobs as files <root>/<first two id characters>/<id>. */
export class DiskBlobs implements BlobBackend {
  constructor(private readonly root: string) {}

  async open(): Promise<void> {
    await fsp.mkdir(this.root, { recursive: true });
  }

  async clear(): Promise<void> {
    await fsp.rm(this.root, { recursive: true, force: true });
    await this.open();
  }

  async write(src: Readable): Promise<BlobInfo> {
    const blobId = randomUUID();
    const file = this.file(blobId);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    let size = 0;
    try {
      await pipeline(
        src,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(file, { flags: 'wx' }),
      );
    } catch (e) {
      await fsp.rm(file, { force: true });
      throw e;
    }
    return { blobId, size };
  }

  read(blobId: string): Readable {
    return createReadStream(this.file(blobId));
  }

  async delete(blobId: string): Promise<void> {
    await fsp.rm(this.file(blobId), { force: true });
  }

  async sweep(live: Set<string>): Promise<void> {
    for (const sub of await fsp.readdir(this.root)) {
      const dir = path.join(this.root, sub);
      const names = await fsp.readdir(dir).catch(() => [] as string[]);
      for (const name of names) if (!live.has(name)) await fsp.rm(path.join(dir, name), { force: true });
    }
  }

  private file(blobId: string): string {
    // Ids are ours (UUIDs); the check keeps a corrupted log from naming a path outside the blob directory.
    if (!BLOB_ID.test(blobId)) throw new Error(`invalid blob id ${JSON.stringify(blobId)}`);
    return path.join(this.root, blobId.slice(0, 2), blobId);
  }
}

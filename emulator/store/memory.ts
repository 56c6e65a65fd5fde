/** MemoryStore: metadata and blobs in process memory (the default backend). */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { MetaState } from './meta-state';
import type { BlobInfo, FileSetRecord, FileSetUsage, NodeRecord, ScanOptions, Store, UploadRecord } from './types';

/** A Store that forgets everything when the process exits. */
export class MemoryStore implements Store {
  protected readonly meta = new MetaState();
  private readonly blobs = new Map<string, Buffer[]>();

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async clear(): Promise<void> {
    this.meta.clear();
    this.blobs.clear();
  }

  listFileSets(): FileSetRecord[] {
    return this.meta.listFileSets();
  }
  getFileSet(id: string): FileSetRecord | undefined {
    return this.meta.getFileSet(id);
  }
  async putFileSet(rec: FileSetRecord): Promise<void> {
    this.meta.putFileSet(rec);
  }
  async deleteFileSet(id: string): Promise<boolean> {
    const released = this.meta.deleteFileSet(id);
    if (!released) return false;
    for (const b of released) this.blobs.delete(b);
    return true;
  }
  usage(fileSetId: string): FileSetUsage {
    return this.meta.usage(fileSetId);
  }

  getNode(fileSetId: string, id: string): NodeRecord | undefined {
    return this.meta.getNode(fileSetId, id);
  }
  getNodeByPath(fileSetId: string, path: string): NodeRecord | undefined {
    return this.meta.getNodeByPath(fileSetId, path);
  }
  async putNode(fileSetId: string, node: NodeRecord): Promise<void> {
    for (const b of this.meta.putNode(fileSetId, node)) this.blobs.delete(b);
  }
  async deleteNode(fileSetId: string, path: string): Promise<NodeRecord[]> {
    const removed = this.meta.deleteNode(fileSetId, path);
    for (const n of removed) for (const b of n.blobs) this.blobs.delete(b);
    return removed;
  }
  scan(fileSetId: string, opts: ScanOptions): Iterable<NodeRecord> {
    return this.meta.scan(fileSetId, opts);
  }
  nodeCount(fileSetId: string): number {
    return this.meta.nodeCount(fileSetId);
  }

  async writeBlob(src: Readable): Promise<BlobInfo> {
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
  readBlob(blobId: string): Readable {
    const chunks = this.blobs.get(blobId);
    if (!chunks) return new Readable({ read() { this.destroy(new Error(`blob ${blobId} is gone`)); } });
    return Readable.from(chunks, { objectMode: false });
  }
  async deleteBlob(blobId: string): Promise<void> {
    this.blobs.delete(blobId);
  }

  getUpload(fileSetId: string, fileId: string): UploadRecord | undefined {
    return this.meta.getUpload(fileSetId, fileId);
  }
  listUploads(fileSetId: string): UploadRecord[] {
    return this.meta.listUploads(fileSetId);
  }
  async putUpload(rec: UploadRecord): Promise<void> {
    this.meta.putUpload(rec);
  }
  async deleteUpload(fileSetId: string, fileId: string, freeBlobs: boolean): Promise<void> {
    const parts = this.meta.deleteUpload(fileSetId, fileId);
    if (freeBlobs) for (const b of parts) this.blobs.delete(b);
  }
}

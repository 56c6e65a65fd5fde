/**
 * The one Store implementation: metadata indexed in memory (MetaState), changes persisted through a
 * Journal, bytes kept by a BlobBackend. MemoryStore and DiskStore are this with different parts.
 */
import type { Readable } from 'node:stream';
import type { BlobBackend } from './blobs';
import type { Journal } from './journal';
import { MetaState } from './meta-state';
import type { BlobInfo, FileSetRecord, FileSetUsage, NodeRecord, ScanOptions, Store, UploadRecord } from './types';

/** A Store composed of a journal and a blob backend around the shared metadata model. */
export class ComposedStore implements Store {
  private readonly meta = new MetaState();

  constructor(
    private readonly blobs: BlobBackend,
    private readonly journal: Journal,
  ) {}

  async open(): Promise<void> {
    await this.blobs.open();
    await this.journal.open(this.meta);
    await this.blobs.sweep(this.meta.referencedBlobs());
  }

  async close(): Promise<void> {
    await this.journal.close();
  }

  async clear(): Promise<void> {
    await this.journal.clear();
    this.meta.clear();
    await this.blobs.clear();
  }

  listFileSets(): FileSetRecord[] {
    return this.meta.listFileSets();
  }
  getFileSet(id: string): FileSetRecord | undefined {
    return this.meta.getFileSet(id);
  }
  async putFileSet(rec: FileSetRecord): Promise<void> {
    this.journal.append({ t: 'fs', v: rec });
    this.meta.putFileSet(rec);
  }
  async deleteFileSet(id: string): Promise<boolean> {
    if (!this.meta.getFileSet(id)) return false;
    this.journal.append({ t: 'dfs', id });
    await this.free(this.meta.deleteFileSet(id) ?? []);
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
    this.journal.append({ t: 'n', f: fileSetId, v: node });
    await this.free(this.meta.putNode(fileSetId, node));
  }
  async deleteNode(fileSetId: string, path: string): Promise<NodeRecord[]> {
    if (!this.meta.getNodeByPath(fileSetId, path)) return [];
    this.journal.append({ t: 'dn', f: fileSetId, p: path });
    const removed = this.meta.deleteNode(fileSetId, path);
    await this.free(removed.flatMap((n) => n.blobs));
    return removed;
  }
  scan(fileSetId: string, opts: ScanOptions): Iterable<NodeRecord> {
    return this.meta.scan(fileSetId, opts);
  }
  nodeCount(fileSetId: string): number {
    return this.meta.nodeCount(fileSetId);
  }

  writeBlob(src: Readable): Promise<BlobInfo> {
    return this.blobs.write(src);
  }
  readBlob(blobId: string): Readable {
    return this.blobs.read(blobId);
  }
  deleteBlob(blobId: string): Promise<void> {
    return this.blobs.delete(blobId);
  }

  getUpload(fileSetId: string, fileId: string): UploadRecord | undefined {
    return this.meta.getUpload(fileSetId, fileId);
  }
  listUploads(fileSetId: string): UploadRecord[] {
    return this.meta.listUploads(fileSetId);
  }
  async putUpload(rec: UploadRecord): Promise<void> {
    this.journal.append({ t: 'u', v: rec });
    this.meta.putUpload(rec);
  }
  async deleteUpload(fileSetId: string, fileId: string, freeBlobs: boolean): Promise<void> {
    if (!this.meta.getUpload(fileSetId, fileId)) return;
    this.journal.append({ t: 'du', f: fileSetId, id: fileId });
    const parts = this.meta.deleteUpload(fileSetId, fileId);
    if (freeBlobs) await this.free(parts);
  }

  private async free(blobIds: string[]): Promise<void> {
    await Promise.all(blobIds.map((b) => this.blobs.delete(b)));
  }
}

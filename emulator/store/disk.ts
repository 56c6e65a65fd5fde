/**
 * DiskStore: blobs as files named by generated ids under <dataDir>/blobs, metadata as an append-only
 * NDJSON log (<dataDir>/meta.ndjson) that is replayed and compacted (temp file + rename) on open.
 * No user-supplied path ever becomes a filesystem path, so nothing can be written outside dataDir.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MetaState } from './meta-state';
import type { BlobInfo, FileSetRecord, FileSetUsage, NodeRecord, ScanOptions, Store, UploadRecord } from './types';

type LogRecord =
  | { t: 'fs'; v: FileSetRecord }
  | { t: 'dfs'; id: string }
  | { t: 'n'; f: string; v: NodeRecord }
  | { t: 'dn'; f: string; p: string }
  | { t: 'u'; v: UploadRecord }
  | { t: 'du'; f: string; id: string };

const META = 'meta.ndjson';
const BLOBS = 'blobs';
const BLOB_ID = /^[0-9a-f-]{36}$/;

/** A Store that survives restarts. */
export class DiskStore implements Store {
  private readonly meta = new MetaState();
  private readonly root: string;
  private fd: number | null = null;

  constructor(dataDir: string) {
    this.root = path.resolve(dataDir);
  }

  async open(): Promise<void> {
    await fsp.mkdir(path.join(this.root, BLOBS), { recursive: true });
    const metaFile = path.join(this.root, META);
    let text = '';
    try {
      text = await fsp.readFile(metaFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        this.apply(JSON.parse(line) as LogRecord);
      } catch {
        // A torn last line from a crash mid-append: everything before it is intact.
      }
    }
    await this.compact();
    await this.sweepOrphans();
  }

  async close(): Promise<void> {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  async clear(): Promise<void> {
    await this.close();
    this.meta.clear();
    await fsp.rm(path.join(this.root, BLOBS), { recursive: true, force: true });
    await fsp.rm(path.join(this.root, META), { force: true });
    await this.open();
  }

  listFileSets(): FileSetRecord[] {
    return this.meta.listFileSets();
  }
  getFileSet(id: string): FileSetRecord | undefined {
    return this.meta.getFileSet(id);
  }
  async putFileSet(rec: FileSetRecord): Promise<void> {
    this.log({ t: 'fs', v: rec });
    this.meta.putFileSet(rec);
  }
  async deleteFileSet(id: string): Promise<boolean> {
    if (!this.meta.getFileSet(id)) return false;
    this.log({ t: 'dfs', id });
    const released = this.meta.deleteFileSet(id) ?? [];
    await this.unlinkAll(released);
    return true;
  }
  usage(fileSetId: string): FileSetUsage {
    return this.meta.usage(fileSetId);
  }

  getNode(fileSetId: string, id: string): NodeRecord | undefined {
    return this.meta.getNode(fileSetId, id);
  }
  getNodeByPath(fileSetId: string, p: string): NodeRecord | undefined {
    return this.meta.getNodeByPath(fileSetId, p);
  }
  async putNode(fileSetId: string, node: NodeRecord): Promise<void> {
    this.log({ t: 'n', f: fileSetId, v: node });
    await this.unlinkAll(this.meta.putNode(fileSetId, node));
  }
  async deleteNode(fileSetId: string, p: string): Promise<NodeRecord[]> {
    if (!this.meta.getNodeByPath(fileSetId, p)) return [];
    this.log({ t: 'dn', f: fileSetId, p });
    const removed = this.meta.deleteNode(fileSetId, p);
    await this.unlinkAll(removed.flatMap((n) => n.blobs));
    return removed;
  }
  scan(fileSetId: string, opts: ScanOptions): Iterable<NodeRecord> {
    return this.meta.scan(fileSetId, opts);
  }
  nodeCount(fileSetId: string): number {
    return this.meta.nodeCount(fileSetId);
  }

  async writeBlob(src: Readable): Promise<BlobInfo> {
    const blobId = randomUUID();
    const file = this.blobPath(blobId);
    await fsp.mkdir(path.dirname(file), { recursive: true });
    let size = 0;
    const out = createWriteStream(file, { flags: 'wx' });
    try {
      await pipeline(
        src,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            yield chunk;
          }
        },
        out,
      );
    } catch (e) {
      await fsp.rm(file, { force: true });
      throw e;
    }
    return { blobId, size };
  }
  readBlob(blobId: string): Readable {
    return createReadStream(this.blobPath(blobId));
  }
  async deleteBlob(blobId: string): Promise<void> {
    await fsp.rm(this.blobPath(blobId), { force: true });
  }

  getUpload(fileSetId: string, fileId: string): UploadRecord | undefined {
    return this.meta.getUpload(fileSetId, fileId);
  }
  listUploads(fileSetId: string): UploadRecord[] {
    return this.meta.listUploads(fileSetId);
  }
  async putUpload(rec: UploadRecord): Promise<void> {
    this.log({ t: 'u', v: rec });
    this.meta.putUpload(rec);
  }
  async deleteUpload(fileSetId: string, fileId: string, freeBlobs: boolean): Promise<void> {
    if (!this.meta.getUpload(fileSetId, fileId)) return;
    this.log({ t: 'du', f: fileSetId, id: fileId });
    const parts = this.meta.deleteUpload(fileSetId, fileId);
    if (freeBlobs) await this.unlinkAll(parts);
  }

  private blobPath(blobId: string): string {
    // Ids are ours (UUIDs); the check keeps a corrupted log from naming a path outside blobs/.
    if (!BLOB_ID.test(blobId)) throw new Error(`invalid blob id ${JSON.stringify(blobId)}`);
    return path.join(this.root, BLOBS, blobId.slice(0, 2), blobId);
  }

  private apply(r: LogRecord): void {
    switch (r.t) {
      case 'fs':
        this.meta.putFileSet(r.v);
        break;
      case 'dfs':
        this.meta.deleteFileSet(r.id);
        break;
      case 'n':
        if (this.meta.getFileSet(r.f)) this.meta.putNode(r.f, r.v);
        break;
      case 'dn':
        this.meta.deleteNode(r.f, r.p);
        break;
      case 'u':
        if (this.meta.getFileSet(r.v.fileSetId)) this.meta.putUpload(r.v);
        break;
      case 'du':
        this.meta.deleteUpload(r.f, r.id);
        break;
    }
  }

  /** Appends synchronously so the log order is the order of the in-memory changes. */
  private log(r: LogRecord): void {
    if (this.fd === null) throw new Error('store is closed');
    fs.writeSync(this.fd, JSON.stringify(r) + '\n');
  }

  private async compact(): Promise<void> {
    const metaFile = path.join(this.root, META);
    const tmp = `${metaFile}.${process.pid}.tmp`;
    const lines: string[] = [];
    for (const e of this.meta.entries()) {
      lines.push(JSON.stringify({ t: 'fs', v: e.fileSet }));
      for (const n of e.nodes) lines.push(JSON.stringify({ t: 'n', f: e.fileSet.id, v: n }));
      for (const u of e.uploads) lines.push(JSON.stringify({ t: 'u', v: u }));
    }
    await fsp.writeFile(tmp, lines.length ? lines.join('\n') + '\n' : '');
    await fsp.rename(tmp, metaFile);
    this.fd = fs.openSync(metaFile, 'a');
  }

  /** Removes blobs no record references (left by a crash mid-upload). */
  private async sweepOrphans(): Promise<void> {
    const live = this.meta.referencedBlobs();
    const blobsDir = path.join(this.root, BLOBS);
    for (const sub of await fsp.readdir(blobsDir)) {
      const dir = path.join(blobsDir, sub);
      const names = await fsp.readdir(dir).catch(() => [] as string[]);
      for (const name of names) if (!live.has(name)) await fsp.rm(path.join(dir, name), { force: true });
    }
  }

  private async unlinkAll(blobIds: string[]): Promise<void> {
    await Promise.all(blobIds.map((b) => this.deleteBlob(b)));
  }
}

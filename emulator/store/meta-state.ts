/**
 * The in-memory metadata model behind every Store: FileSets, a per-FileSet path index and the unfinished
 * split uploads. Mutators report the blobs they release so the store can free them.
 */
import { SortedPaths, subtreeEnd } from './sorted-paths';
import type { FileSetRecord, FileSetUsage, NodeRecord, ScanOptions, UploadRecord } from './types';

interface FileSetState {
  byPath: Map<string, NodeRecord>;
  byId: Map<string, NodeRecord>;
  sorted: SortedPaths;
  usage: FileSetUsage;
  uploads: Map<string, UploadRecord>;
}

/** FileSets, nodes and uploads with the indexes listing needs. */
export class MetaState {
  private readonly filesets = new Map<string, FileSetRecord>();
  private readonly state = new Map<string, FileSetState>();

  clear(): void {
    this.filesets.clear();
    this.state.clear();
  }

  listFileSets(): FileSetRecord[] {
    return [...this.filesets.values()];
  }

  getFileSet(id: string): FileSetRecord | undefined {
    return this.filesets.get(id);
  }

  putFileSet(rec: FileSetRecord): void {
    this.filesets.set(rec.id, rec);
    if (!this.state.has(rec.id)) {
      this.state.set(rec.id, { byPath: new Map(), byId: new Map(), sorted: new SortedPaths(), usage: { size: 0, fileCount: 0 }, uploads: new Map() });
    }
  }

  /** Returns the released blobs, or null when the FileSet did not exist. */
  deleteFileSet(id: string): string[] | null {
    const st = this.state.get(id);
    if (!this.filesets.delete(id) || !st) return null;
    this.state.delete(id);
    const blobs: string[] = [];
    for (const n of st.byId.values()) blobs.push(...n.blobs);
    for (const u of st.uploads.values()) for (const p of Object.values(u.parts)) blobs.push(p.blobId);
    return blobs;
  }

  usage(fileSetId: string): FileSetUsage {
    const st = this.state.get(fileSetId);
    return st ? { ...st.usage } : { size: 0, fileCount: 0 };
  }

  nodeCount(fileSetId: string): number {
    return this.state.get(fileSetId)?.sorted.length ?? 0;
  }

  getNode(fileSetId: string, id: string): NodeRecord | undefined {
    return this.state.get(fileSetId)?.byId.get(id);
  }

  getNodeByPath(fileSetId: string, path: string): NodeRecord | undefined {
    return this.state.get(fileSetId)?.byPath.get(path);
  }

  /** Inserts or replaces; returns the blobs of a replaced file that the new node no longer references. */
  putNode(fileSetId: string, node: NodeRecord): string[] {
    const st = this.mustState(fileSetId);
    const old = st.byPath.get(node.path);
    let released: string[] = [];
    if (old) {
      this.account(st, old, -1);
      if (old.id !== node.id) st.byId.delete(old.id);
      const keep = new Set(node.blobs);
      released = old.blobs.filter((b) => !keep.has(b));
    } else {
      st.sorted.insert(node.path);
    }
    st.byPath.set(node.path, node);
    st.byId.set(node.id, node);
    this.account(st, node, 1);
    return released;
  }

  /** Deletes the node at path and its subtree; returns the removed nodes (the node itself first). */
  deleteNode(fileSetId: string, path: string): NodeRecord[] {
    const st = this.state.get(fileSetId);
    const node = st?.byPath.get(path);
    if (!st || !node) return [];
    const removed: NodeRecord[] = [node];
    st.sorted.remove(path);
    if (node.kind === 'DIRECTORY') {
      const from = st.sorted.lowerBound(path + '/');
      const to = st.sorted.lowerBound(subtreeEnd(path));
      for (const p of st.sorted.removeRange(from, to)) {
        const child = st.byPath.get(p);
        if (child) removed.push(child);
      }
    }
    for (const n of removed) {
      st.byPath.delete(n.path);
      st.byId.delete(n.id);
      this.account(st, n, -1);
    }
    return removed;
  }

  *scan(fileSetId: string, opts: ScanOptions): Generator<NodeRecord> {
    const st = this.state.get(fileSetId);
    if (!st) return;
    const prefix = opts.under ? opts.under + '/' : '';
    let i = st.sorted.lowerBound(prefix);
    if (opts.after !== undefined && opts.after >= prefix) i = Math.max(i, st.sorted.upperBound(opts.after));
    while (i < st.sorted.length) {
      const p = st.sorted.at(i);
      if (!p.startsWith(prefix)) return;
      const slash = opts.immediateChildren ? p.indexOf('/', prefix.length) : -1;
      if (slash >= 0) {
        // A grandchild: jump over the whole subtree of that child in one binary search.
        i = st.sorted.lowerBound(subtreeEnd(p.slice(0, slash)));
        continue;
      }
      const node = st.byPath.get(p);
      i++;
      if (node) yield node;
    }
  }

  getUpload(fileSetId: string, fileId: string): UploadRecord | undefined {
    return this.state.get(fileSetId)?.uploads.get(fileId);
  }

  listUploads(fileSetId: string): UploadRecord[] {
    return [...(this.state.get(fileSetId)?.uploads.values() ?? [])];
  }

  putUpload(rec: UploadRecord): void {
    this.mustState(rec.fileSetId).uploads.set(rec.fileId, rec);
  }

  /** Returns the part blobs of the removed upload. */
  deleteUpload(fileSetId: string, fileId: string): string[] {
    const st = this.state.get(fileSetId);
    const u = st?.uploads.get(fileId);
    if (!st || !u) return [];
    st.uploads.delete(fileId);
    return Object.values(u.parts).map((p) => p.blobId);
  }

  /** Every blob id referenced by a node or an upload (for the sweep of orphaned blobs at open). */
  referencedBlobs(): Set<string> {
    const out = new Set<string>();
    for (const st of this.state.values()) {
      for (const n of st.byId.values()) for (const b of n.blobs) out.add(b);
      for (const u of st.uploads.values()) for (const p of Object.values(u.parts)) out.add(p.blobId);
    }
    return out;
  }

  /** Every FileSet with its nodes and uploads, for a journal's compaction. */
  *entries(): Generator<{ fileSet: FileSetRecord; nodes: Iterable<NodeRecord>; uploads: Iterable<UploadRecord> }> {
    for (const fs of this.filesets.values()) {
      const st = this.mustState(fs.id);
      yield { fileSet: fs, nodes: this.scan(fs.id, { under: '' }), uploads: st.uploads.values() };
    }
  }

  private mustState(fileSetId: string): FileSetState {
    const st = this.state.get(fileSetId);
    if (!st) throw new Error(`no FileSet ${fileSetId}`);
    return st;
  }

  private account(st: FileSetState, n: NodeRecord, sign: 1 | -1): void {
    if (n.kind !== 'FILE') return;
    st.usage.fileCount += sign;
    st.usage.size += sign * (n.size ?? 0);
  }
}

/**
 * Indexing for the AI knowledge base. A new or replaced file starts PENDING, is IN_PROGRESS half way through
 * `delayMs`, and ends COMPLETED, FAILED (a file it cannot read) or SKIPPED (AI not enabled on the FileSet, or
 * a type that is not indexed). The outcome depends only on the file and its FileSet, never on chance.
 */
import type { IndexStatus, NodeRecord, Store } from './store/types';

/** indexReason of files skipped because their FileSet has AI disabled; enabling AI re-queues exactly these. */
export const AI_DISABLED_REASON = 'AI is not enabled for this FileSet';

/** fileTypes whose contents are indexed. */
const INDEXABLE = new Set(['TEXT', 'DOCUMENT']);
const HEAD_BYTES = 8;

/** A final index state. */
export interface IndexOutcome {
  indexStatus: IndexStatus;
  indexReason: string | null;
}

/** What indexing makes of a file, given its first bytes. */
export function indexOutcome(aiEnabled: boolean, node: Pick<NodeRecord, 'fileType' | 'contentType' | 'size'>, head: Buffer): IndexOutcome {
  if (!aiEnabled) return { indexStatus: 'SKIPPED', indexReason: AI_DISABLED_REASON };
  if (!INDEXABLE.has(node.fileType)) return { indexStatus: 'SKIPPED', indexReason: `${node.fileType} files are not indexed` };
  if (!node.size) return { indexStatus: 'FAILED', indexReason: 'The file is empty' };
  if ((node.contentType ?? '').toLowerCase().startsWith('application/pdf') && head.subarray(0, 4).toString('latin1') !== '%PDF') {
    return { indexStatus: 'FAILED', indexReason: 'The file is not a readable PDF (it does not start with %PDF)' };
  }
  return { indexStatus: 'COMPLETED', indexReason: null };
}

/** Runs the index state machine of every file on timers. */
export class Indexer {
  /** Generation per file: a job whose generation is no longer current was superseded and does nothing. */
  private readonly gen = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly store: Store,
    private readonly delayMs: number,
  ) {}

  /**
   * The index fields a file starts with when written. With no delay the final outcome is decided at once
   * (from `head`, the file's first bytes); otherwise it is PENDING and `queue` must follow the write.
   */
  admit(fileSetId: string, node: NodeRecord, head: Buffer): NodeRecord {
    if (this.delayMs > 0) return { ...node, indexStatus: 'PENDING', indexReason: null };
    this.gen.set(key(fileSetId, node.id), (this.gen.get(key(fileSetId, node.id)) ?? 0) + 1);
    return { ...node, ...indexOutcome(this.store.getFileSet(fileSetId)?.aiEnabled ?? false, node, head) };
  }

  /** Starts indexing a PENDING file. */
  queue(fileSetId: string, nodeId: string): void {
    const k = key(fileSetId, nodeId);
    const g = (this.gen.get(k) ?? 0) + 1;
    this.gen.set(k, g);
    // The second step is scheduled only once the first one's write has landed: two timers that fire in one
    // tick on a loaded machine could otherwise land IN_PROGRESS after the outcome, and the file never finishes.
    this.after(this.delayMs / 2, async () => {
      await this.step(fileSetId, nodeId, g, false);
      if (this.gen.get(k) === g) this.after(this.delayMs / 2, () => this.step(fileSetId, nodeId, g, true));
    });
  }

  /** Sets the files PENDING again and indexes them; returns how many files (not directories) that was. */
  async requeue(fileSetId: string, ids: Iterable<string>): Promise<number> {
    let n = 0;
    for (const id of new Set(ids)) {
      const node = this.store.getNode(fileSetId, id);
      if (!node || node.kind !== 'FILE' || node.indexStatus === null) continue;
      await this.store.putNode(fileSetId, { ...node, indexStatus: 'PENDING', indexReason: null });
      this.queue(fileSetId, id);
      n++;
    }
    return n;
  }

  /** AI was enabled on the FileSet: files skipped for that reason are indexed now. */
  async aiEnabled(fileSetId: string): Promise<void> {
    const ids: string[] = [];
    for (const n of this.store.scan(fileSetId, { under: '' })) if (n.indexStatus === 'SKIPPED' && n.indexReason === AI_DISABLED_REASON) ids.push(n.id);
    await this.requeue(fileSetId, ids);
  }

  /** Picks up files a previous run left unfinished (a persisted store). */
  resume(): void {
    for (const fs of this.store.listFileSets()) {
      for (const n of this.store.scan(fs.id, { under: '' })) {
        if (n.indexStatus === 'PENDING' || n.indexStatus === 'QUEUED' || n.indexStatus === 'IN_PROGRESS') this.queue(fs.id, n.id);
      }
    }
  }

  /** Cancels all pending work (close, reset). */
  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.gen.clear();
  }

  private after(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn().catch(() => undefined);
    }, ms);
    this.timers.add(t);
  }

  private async step(fileSetId: string, nodeId: string, g: number, final: boolean): Promise<void> {
    const current = (): NodeRecord | undefined => (this.gen.get(key(fileSetId, nodeId)) === g ? this.store.getNode(fileSetId, nodeId) : undefined);
    let node = current();
    if (!node) return;
    if (!final) {
      await this.store.putNode(fileSetId, { ...node, indexStatus: 'IN_PROGRESS', indexReason: null });
      return;
    }
    const head = await this.head(node);
    // The file may have been replaced or deleted while its first bytes were read.
    node = current();
    const fs = this.store.getFileSet(fileSetId);
    if (!node || !fs) return;
    await this.store.putNode(fileSetId, { ...node, ...indexOutcome(fs.aiEnabled, node, head) });
  }

  private async head(node: NodeRecord): Promise<Buffer> {
    if (node.blobs.length === 0) return Buffer.alloc(0);
    const s = this.store.readBlob(node.blobs[0]);
    const chunks: Buffer[] = [];
    let got = 0;
    try {
      for await (const c of s) {
        chunks.push(c as Buffer);
        got += (c as Buffer).length;
        if (got >= HEAD_BYTES) break;
      }
    } catch {
      // Gone while read: the caller finds the file replaced or deleted and does nothing.
    } finally {
      s.destroy();
    }
    return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
  }
}

function key(fileSetId: string, nodeId: string): string {
  return `${fileSetId}\n${nodeId}`;
}

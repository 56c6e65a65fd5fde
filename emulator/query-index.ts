/**
 * The semantic query, emulated with BM25 over text files. Each FileSet's index is built lazily on its first
 * query (so bulk uploads pay nothing) and then kept current from a dirty set the handlers feed.
 */
import { isTextType } from './filetypes';
import type { NodeRecord, Store } from './store/types';

/** Bytes of a file that are indexed (and searched for snippets). */
const MAX_INDEXED_BYTES = 1024 * 1024;
const K1 = 1.2;
const B = 0.75;
const SNIPPET_CHARS = 600;
const STOP = new Set(['the', 'a', 'an', 'and', 'or', 'of', 'to', 'in', 'on', 'for', 'is', 'are', 'be', 'by', 'with', 'it', 'as', 'at', 'this', 'that']);

/** Lower-case word tokens with a light plural fold, shared by documents and queries. */
function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    let t = m[0];
    if (STOP.has(t)) continue;
    if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) t = t.slice(0, -1);
    out.push(t);
  }
  return out;
}

interface Doc {
  path: string;
  len: number;
  tf: Map<string, number>;
}

interface FsIndex {
  built: boolean;
  docs: Map<string, Doc>;
  df: Map<string, number>;
  totalLen: number;
  dirty: Set<string>;
  building: Promise<void> | null;
}

/** One ranked hit. */
export interface QueryHit {
  node: NodeRecord;
  score: number;
  text: string;
}

/** BM25 indexes per FileSet. */
export class QueryIndex {
  private readonly byFs = new Map<string, FsIndex>();

  constructor(private readonly store: Store) {}

  /** A file was created, replaced or deleted (by id): re-read it at the next query. */
  touch(fileSetId: string, nodeId: string): void {
    const ix = this.byFs.get(fileSetId);
    if (ix?.built) ix.dirty.add(nodeId);
  }

  drop(fileSetId: string): void {
    this.byFs.delete(fileSetId);
  }

  clear(): void {
    this.byFs.clear();
  }

  /** The topK best text files that `accept` lets through, scores normalized to 0..1. */
  async search(fileSetId: string, query: string, topK: number, accept: (node: NodeRecord) => boolean): Promise<QueryHit[]> {
    const ix = await this.ready(fileSetId);
    const terms = [...new Set(tokenize(query))];
    if (terms.length === 0) return [];
    const n = ix.docs.size;
    const avg = n ? ix.totalLen / n : 0;
    const scored: { id: string; raw: number; matched: number }[] = [];
    for (const [id, d] of ix.docs) {
      const node = this.store.getNode(fileSetId, id);
      if (!node || !accept(node)) continue;
      let raw = 0;
      let matched = 0;
      for (const t of terms) {
        const f = d.tf.get(t);
        if (!f) continue;
        matched++;
        const df = ix.df.get(t) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        raw += (idf * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.len) / (avg || 1)));
      }
      if (raw > 0) scored.push({ id, raw, matched });
    }
    scored.sort((a, b) => b.raw - a.raw || (ix.docs.get(a.id)!.path < ix.docs.get(b.id)!.path ? -1 : 1));
    const top = scored[0]?.raw ?? 1;
    const hits: QueryHit[] = [];
    for (const s of scored.slice(0, topK)) {
      const node = this.store.getNode(fileSetId, s.id);
      if (!node) continue;
      // Relative to the best hit, damped by how many query terms the file contains: 0 < score <= 1.
      const score = Math.round((s.raw / top) * (s.matched / terms.length) * 1e6) / 1e6;
      hits.push({ node, score, text: snippet(await this.readText(node), terms) });
    }
    return hits;
  }

  private async ready(fileSetId: string): Promise<FsIndex> {
    let ix = this.byFs.get(fileSetId);
    if (!ix) {
      ix = { built: false, docs: new Map(), df: new Map(), totalLen: 0, dirty: new Set(), building: null };
      this.byFs.set(fileSetId, ix);
    }
    // Serialize builders: concurrent queries wait for the one doing the work.
    while (ix.building) await ix.building;
    if (!ix.built || ix.dirty.size) {
      const work = this.refresh(fileSetId, ix);
      ix.building = work;
      try {
        await work;
      } finally {
        ix.building = null;
      }
    }
    return ix;
  }

  private async refresh(fileSetId: string, ix: FsIndex): Promise<void> {
    if (!ix.built) {
      ix.built = true;
      ix.dirty.clear();
      for (const node of [...this.store.scan(fileSetId, { under: '' })]) {
        if (node.kind === 'FILE' && isTextType(node.contentType)) this.add(ix, node, await this.readText(node));
      }
      return;
    }
    const ids = [...ix.dirty];
    ix.dirty.clear();
    for (const id of ids) {
      this.remove(ix, id);
      const node = this.store.getNode(fileSetId, id);
      if (node && node.kind === 'FILE' && node.hash !== null && isTextType(node.contentType)) this.add(ix, node, await this.readText(node));
    }
  }

  private add(ix: FsIndex, node: NodeRecord, text: string): void {
    const tf = new Map<string, number>();
    const tokens = tokenize(`${node.name} ${text}`);
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of tf.keys()) ix.df.set(t, (ix.df.get(t) ?? 0) + 1);
    ix.docs.set(node.id, { path: node.path, len: tokens.length, tf });
    ix.totalLen += tokens.length;
  }

  private remove(ix: FsIndex, id: string): void {
    const d = ix.docs.get(id);
    if (!d) return;
    for (const t of d.tf.keys()) {
      const c = (ix.df.get(t) ?? 1) - 1;
      if (c > 0) ix.df.set(t, c);
      else ix.df.delete(t);
    }
    ix.totalLen -= d.len;
    ix.docs.delete(id);
  }

  private async readText(node: NodeRecord): Promise<string> {
    const chunks: Buffer[] = [];
    let got = 0;
    for (const blob of node.blobs) {
      if (got >= MAX_INDEXED_BYTES) break;
      const s = this.store.readBlob(blob);
      try {
        for await (const c of s) {
          const buf = c as Buffer;
          chunks.push(buf);
          got += buf.length;
          if (got >= MAX_INDEXED_BYTES) break;
        }
      } catch {
        // The file was replaced or deleted while being read: index what was read.
      } finally {
        s.destroy();
      }
    }
    return Buffer.concat(chunks).subarray(0, MAX_INDEXED_BYTES).toString('utf8');
  }
}

/** A window of the text around the first query term it contains. */
function snippet(text: string, terms: string[]): string {
  if (text.length <= SNIPPET_CHARS) return text;
  const lower = text.toLowerCase();
  let at = -1;
  for (const t of terms) {
    const i = lower.indexOf(t);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  const start = Math.max(0, Math.min(at < 0 ? 0 : at - SNIPPET_CHARS / 4, text.length - SNIPPET_CHARS));
  return text.slice(start, start + SNIPPET_CHARS);
}

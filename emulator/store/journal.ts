/**
 * How a Store persists its metadata: every change is a record appended to a journal before the in-memory
 * state changes, and replaying the records rebuilds the state.
 */
import { promises as fsp } from 'node:fs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MetaState } from './meta-state';
import type { FileSetRecord, NodeRecord, UploadRecord } from './types';

/** One metadata change. */
export type LogRecord =
  | { t: 'fs'; v: FileSetRecord }
  | { t: 'dfs'; id: string }
  | { t: 'n'; f: string; v: NodeRecord }
  | { t: 'dn'; f: string; p: string }
  | { t: 'u'; v: UploadRecord }
  | { t: 'du'; f: string; id: string };

/** Where metadata changes go. */
export interface Journal {
  /** Replays what was persisted into `meta` and makes the journal ready for appends. */
  open(meta: MetaState): Promise<void>;
  /** Persists one change; called before the change is applied in memory, in the same order. */
  append(r: LogRecord): void;
  close(): Promise<void>;
  /** Forgets every record. */
  clear(): Promise<void>;
}

/** The journal of a store that keeps nothing across restarts. */
export const NO_JOURNAL: Journal = {
  open: async () => undefined,
  append: () => undefined,
  close: async () => undefined,
  clear: async () => undefined,
};

/** Applies one record to the state. Records written by older versions lack fields added since: defaulted here. */
function replay(meta: MetaState, r: LogRecord): void {
  switch (r.t) {
    case 'fs':
      meta.putFileSet({ ...r.v, grants: r.v.grants ?? [] });
      break;
    case 'dfs':
      meta.deleteFileSet(r.id);
      break;
    case 'n':
      if (meta.getFileSet(r.f)) meta.putNode(r.f, { ...r.v, indexStatus: r.v.indexStatus ?? null, indexReason: r.v.indexReason ?? null });
      break;
    case 'dn':
      meta.deleteNode(r.f, r.p);
      break;
    case 'u':
      if (meta.getFileSet(r.v.fileSetId)) meta.putUpload(r.v);
      break;
    case 'du':
      meta.deleteUpload(r.f, r.id);
      break;
  }
}

/** An append-only NDJSON file, compacted (temp file + rename) each time it is opened. */
export class NdjsonJournal implements Journal {
  private fd: number | null = null;

  constructor(private readonly file: string) {}

  async open(meta: MetaState): Promise<void> {
    let text = '';
    try {
      text = await fsp.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        replay(meta, JSON.parse(line) as LogRecord);
      } catch {
        // A torn last line from a crash mid-append: everything before it is intact.
      }
    }
    await this.compact(meta);
  }

  /** Appends synchronously so the file's order is the order of the in-memory changes. */
  append(r: LogRecord): void {
    if (this.fd === null) throw new Error('store is closed');
    fs.writeSync(this.fd, JSON.stringify(r) + '\n');
  }

  async close(): Promise<void> {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
  }

  async clear(): Promise<void> {
    await this.close();
    await fsp.rm(this.file, { force: true });
    this.fd = fs.openSync(this.file, 'a');
  }

  private async compact(meta: MetaState): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    const lines: string[] = [];
    for (const e of meta.entries()) {
      lines.push(JSON.stringify({ t: 'fs', v: e.fileSet }));
      for (const n of e.nodes) lines.push(JSON.stringify({ t: 'n', f: e.fileSet.id, v: n }));
      for (const u of e.uploads) lines.push(JSON.stringify({ t: 'u', v: u }));
    }
    await fsp.mkdir(path.dirname(this.file), { recursive: true });
    await fsp.writeFile(tmp, lines.length ? lines.join('\n') + '\n' : '');
    await fsp.rename(tmp, this.file);
    this.fd = fs.openSync(this.file, 'a');
  }
}

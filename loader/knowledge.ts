/**
 * The knowledge-base side of a manifest's FileSets: their state (`status`: files, bytes, index counts,
 * access, owner, aiEnabled) and queueing their files for indexing again (`reindex`). Neither creates a
 * FileSet; a FileSet the manifest names that does not exist is reported as absent.
 */
import type { AccessEntry, DomoFilesClient, FileSetStats } from '../client';
import { forEachPooled } from './pool';
import { relativeToPrefix } from './prefix';
import { findFileSet } from './remote';
import { groupEntries } from './targets';
import type { Manifest } from './types';

/** Index states counted per FileSet. */
interface IndexCounts {
  completed: number;
  pending: number;
  failed: number;
  skipped: number;
  /** Files with no index status. */
  unknown: number;
}

/** One FileSet's state. */
export interface FileSetStatus {
  name: string;
  /** null when the FileSet does not exist. */
  id: string | null;
  aiEnabled: boolean | null;
  owner: string | null;
  /** The token's permission on it. */
  permission: string | null;
  files: number;
  bytes: number;
  index: IndexCounts;
  /** The FileSet's access list (null when the token may not read it). */
  access: AccessEntry[] | null;
  /** The server's /stats answer, when it has one. */
  stats: FileSetStats | null;
}

/** What reindex did for one FileSet. */
interface ReindexResult {
  name: string;
  id: string | null;
  /** Files asked to be indexed again. */
  requested: number;
  /** How many the server said it queued (null when it did not say). */
  retried: number | null;
}

/** The FileSets a manifest names, found (never created), in manifest order with their entries' prefixes. */
async function declared(client: DomoFilesClient, manifest: Manifest): Promise<{ name: string; id: string | null; prefixes: string[] }[]> {
  const groups = groupEntries(manifest.filesets);
  const out = new Array<{ name: string; id: string | null; prefixes: string[] }>(groups.length);
  // All lookups at once: the client bounds the requests in flight.
  await forEachPooled(groups, groups.length, async (specs, i) => {
    const s = specs[0];
    const fs = await findFileSet(client, { name: s.name, ...(s.id !== undefined ? { id: s.id } : {}) });
    out[i] = { name: s.name, id: fs?.id ?? null, prefixes: specs.map((x) => x.directoryPath) };
  });
  return out;
}

const under = (prefixes: readonly string[], path: string): boolean => prefixes.some((p) => relativeToPrefix(p, path) !== null);

/** The state of every FileSet the manifest names. */
export async function manifestStatus(client: DomoFilesClient, manifest: Manifest): Promise<FileSetStatus[]> {
  const found = await declared(client, manifest);
  const out: FileSetStatus[] = [];
  for (const d of found) {
    const blank: FileSetStatus = {
      name: d.name,
      id: d.id,
      aiEnabled: null,
      owner: null,
      permission: null,
      files: 0,
      bytes: 0,
      index: { completed: 0, pending: 0, failed: 0, skipped: 0, unknown: 0 },
      access: null,
      stats: null,
    };
    if (d.id === null) {
      out.push(blank);
      continue;
    }
    const fs = await client.getFileSet(d.id);
    const st: FileSetStatus = { ...blank, aiEnabled: fs.aiEnabled, owner: fs.owner, permission: fs.permission };
    for await (const f of client.listFiles(d.id, { filesOnly: true, limit: 1000 })) {
      st.files += 1;
      st.bytes += f.size ?? 0;
      const s = f.indexStatus;
      if (s === 'COMPLETED') st.index.completed += 1;
      else if (s === 'FAILED') st.index.failed += 1;
      else if (s === 'SKIPPED') st.index.skipped += 1;
      else if (s === null) st.index.unknown += 1;
      else st.index.pending += 1;
    }
    st.stats = await client.getStats(d.id).catch(() => null);
    st.access = await client.getAccess(d.id).then(
      (a) => a.fileSetAccess,
      () => null,
    );
    out.push(st);
  }
  return out;
}

/** Queues the files of the manifest's entries (or only the FAILED ones) for indexing again. */
export async function reindexManifest(client: DomoFilesClient, manifest: Manifest, opts: { failedOnly?: boolean } = {}): Promise<ReindexResult[]> {
  const found = await declared(client, manifest);
  const out: ReindexResult[] = [];
  for (const d of found) {
    if (d.id === null) {
      out.push({ name: d.name, id: null, requested: 0, retried: 0 });
      continue;
    }
    const ids: string[] = [];
    const filters = opts.failedOnly ? [{ field: 'indexStatus', operator: 'EQUALS' as const, value: ['FAILED'] }] : undefined;
    for await (const f of client.listFiles(d.id, { filesOnly: true, limit: 1000, ...(filters ? { filters } : {}) })) {
      // A server that ignores the filter lists every file: the status is checked here too.
      if (under(d.prefixes, f.path) && (!opts.failedOnly || f.indexStatus === 'FAILED')) ids.push(f.id);
    }
    let retried: number | null = 0;
    for (let k = 0; k < ids.length; k += 1000) {
      const r = await client.reindexFiles(d.id, ids.slice(k, k + 1000));
      retried = retried === null || r.retriedFilesCount === null ? null : retried + r.retriedFilesCount;
    }
    out.push({ name: d.name, id: d.id, requested: ids.length, retried });
  }
  return out;
}

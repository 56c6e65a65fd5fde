/**
 * Normalizers from the API's varying wire shapes (spec vs seed vs older docs) to the client's one typed shape.
 * Every function accepts `unknown` and never throws on a missing field: absent → null.
 */
import type { ConnectorContext, FileEntry, FileSet, QueryMatch } from './types';

type Rec = Record<string, unknown>;

function rec(v: unknown): Rec {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {};
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function bool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

/** ISO string or epoch milliseconds (number or numeric string) → ISO-8601; unparseable strings pass through. */
export function toIso(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v).toISOString();
  if (typeof v !== 'string' || v.trim() === '') return null;
  if (/^\d{10,}$/.test(v.trim())) return new Date(Number(v.trim())).toISOString();
  const t = Date.parse(v);
  return Number.isNaN(t) ? v : new Date(t).toISOString();
}

function connectorContext(v: unknown): ConnectorContext | null {
  const o = rec(v);
  const connector = str(o.connector);
  if (connector === null) return null;
  return { connector, relativePath: str(o.relativePath) };
}

/** A FileSet from any documented shape. */
export function normalizeFileSet(raw: unknown): FileSet {
  const o = rec(raw);
  return {
    id: str(o.id) ?? '',
    name: str(o.name) ?? '',
    description: str(o.description),
    aiEnabled: bool(o.aiEnabled),
    indexStatus: str(o.indexStatus),
    batchType: str(o.batchType),
    connector: str(o.connector),
    created: toIso(o.created),
    createdBy: str(o.createdBy),
    updated: toIso(o.updated),
    updatedBy: str(o.updatedBy),
    owner: str(o.owner),
    accountId: num(o.accountId),
    connectorContext: connectorContext(o.connectorContext),
    permission: str(o.permission),
    size: num(o.size),
    fileCount: num(o.fileCount),
  };
}

/** A File or Directory entry; path without a leading slash, hash lower-case, isDirectory from fileType. */
export function normalizeFile(raw: unknown): FileEntry {
  const o = rec(raw);
  const path = (str(o.path) ?? '').replace(/^\/+/, '');
  const name = str(o.name) ?? path.slice(path.lastIndexOf('/') + 1);
  const fileType = str(o.fileType) ?? 'UNKNOWN';
  const hash = str(o.hash);
  return {
    id: str(o.id) ?? '',
    path,
    name,
    fileType,
    isDirectory: fileType.toUpperCase() === 'DIRECTORY',
    contentType: str(o.contentType),
    size: num(o.size),
    hash: hash && hash.trim() !== '' ? hash.trim().toLowerCase() : null,
    hashAlgorithm: str(o.hashAlgorithm),
    downloadUrl: str(o.downloadUrl) || null,
    created: toIso(o.created),
    createdBy: str(o.createdBy),
    connectorKey: str(o.connectorKey),
    indexStatus: str(o.indexStatus),
    indexReason: str(o.indexReason),
  };
}

/** Split-upload responses wrap the file as `{file, status}`; plain responses are the file itself. */
export function unwrapSplitFile(raw: unknown): FileEntry {
  const o = rec(raw);
  return normalizeFile(o.file && typeof o.file === 'object' ? o.file : raw);
}

/** One page of FileSet search: list key `fileSets` (spec, seed) or `filesets`; either pageContext form. */
export function normalizeFileSetPage(raw: unknown): { fileSets: FileSet[]; total: number | null; offset: number | null } {
  const o = rec(raw);
  const list = Array.isArray(o.fileSets) ? o.fileSets : Array.isArray(o.filesets) ? o.filesets : Array.isArray(raw) ? raw : [];
  const pc = rec(o.pageContext);
  return {
    fileSets: list.map(normalizeFileSet),
    total: num(pc.totalCount) ?? num(pc.total),
    offset: num(pc.offset),
  };
}

/** One page of file search: `{files, pageContext:{next}}`; an empty-string cursor counts as none. */
export function normalizeFilePage(raw: unknown): { files: FileEntry[]; next: string | null } {
  const o = rec(raw);
  const list = Array.isArray(o.files) ? o.files : [];
  const next = str(rec(o.pageContext).next) ?? str(o.next);
  return { files: list.map(normalizeFile), next: next === null || next === '' ? null : next };
}

/**
 * A query match from either shape: spec `{content:{type,text|uri}, metadata:{fileId,path}, score}` or seed
 * `{id, node:{…file…}, score}`.
 */
export function normalizeQueryMatch(raw: unknown): QueryMatch {
  const o = rec(raw);
  const content = rec(o.content);
  const metadata = rec(o.metadata);
  const node = o.node && typeof o.node === 'object' ? normalizeFile(o.node) : null;
  return {
    fileId: str(metadata.fileId) ?? node?.id ?? str(o.id) ?? str(o.fileId),
    path: str(metadata.path) ?? node?.path ?? str(o.path),
    score: num(o.score) ?? 0,
    text: str(content.text) ?? str(o.text),
    uri: str(content.uri) ?? str(o.uri),
    file: node,
  };
}

/** `{matches:[…]}` (or a bare array) → normalized matches. */
export function normalizeQueryResponse(raw: unknown): QueryMatch[] {
  const o = rec(raw);
  const list = Array.isArray(o.matches) ? o.matches : Array.isArray(raw) ? raw : [];
  return list.map(normalizeQueryMatch);
}

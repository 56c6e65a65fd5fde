/**
 * Normalizers from the API's varying wire shapes (the current OpenAPI spec, the older reference the emulator's
 * `seed` profile follows, older docs) to the client's one typed shape.
 * Every function accepts `unknown` and never throws on a missing field: absent → null.
 */
import type { AccessEntry, ConnectorContext, EntryKind, FileEntry, FileSet, FileSetAccess, FileSetStats, IndexStatus, QueryMatch } from './types';

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

/** fileType values of files (not directories); an older reference shows FILE. */
const FILE_TYPES: ReadonlySet<string> = new Set(['TEXT', 'DOCUMENT', 'IMAGE', 'AUDIO', 'VIDEO', 'OTHER', 'UNKNOWN', 'FILE']);

const INDEX_STATUSES: ReadonlySet<string> = new Set(['PENDING', 'QUEUED', 'IN_PROGRESS', 'RAG_RECEIVED', 'COMPLETED', 'FAILED', 'SKIPPED', 'UNKNOWN']);

/**
 * Classifies a raw listing entry strictly (see EntryKind): a directory only when it says DIRECTORY, a file only
 * when every field a file must have is there, and 'unknown' for anything else.
 */
export function entryKind(raw: unknown): EntryKind {
  const o = rec(raw);
  const type = o.fileType;
  if (typeof type === 'string' && type.toUpperCase() === 'DIRECTORY') return 'directory';
  if (type !== undefined && type !== null && !(typeof type === 'string' && FILE_TYPES.has(type.toUpperCase()))) return 'unknown';
  const size = num(o.size);
  const id = str(o.id);
  const path = str(o.path);
  if (size === null || size < 0 || !id || !path || path.replace(/^\/+/, '') === '') return 'unknown';
  return 'file';
}

function indexStatus(v: unknown): IndexStatus | null {
  const s = str(v);
  if (s === null || s.trim() === '') return null;
  const u = s.trim().toUpperCase();
  return (INDEX_STATUSES.has(u) ? u : 'UNKNOWN') as IndexStatus;
}

/** A File or Directory entry; path without a leading slash, hash lower-case, kind from entryKind. */
export function normalizeFile(raw: unknown): FileEntry {
  const o = rec(raw);
  const path = (str(o.path) ?? '').replace(/^\/+/, '');
  const name = str(o.name) ?? path.slice(path.lastIndexOf('/') + 1);
  const fileType = str(o.fileType) ?? 'UNKNOWN';
  const hash = str(o.hash);
  const kind = entryKind(raw);
  return {
    id: str(o.id) ?? '',
    path,
    name,
    fileType,
    kind,
    isDirectory: kind === 'directory',
    contentType: str(o.contentType),
    size: num(o.size),
    hash: hash && hash.trim() !== '' ? hash.trim().toLowerCase() : null,
    hashAlgorithm: str(o.hashAlgorithm),
    downloadUrl: str(o.downloadUrl) || null,
    created: toIso(o.created),
    createdBy: str(o.createdBy),
    connectorKey: str(o.connectorKey),
    indexStatus: indexStatus(o.indexStatus),
    indexReason: str(o.indexReason),
  };
}

/**
 * The entry's SHA-256 (lower-case hex) when the server gave a usable one, else null: the hash must be 64 hex
 * digits and hashAlgorithm SHA_256_HEX or absent (a 64-digit hex digest without an algorithm is SHA-256;
 * SHA-1 and MD5 have other lengths). The one place that decides it for the client and its callers.
 */
export function usableSha256(entry: Pick<FileEntry, 'hash' | 'hashAlgorithm'>): string | null {
  const h = entry.hash;
  if (typeof h !== 'string' || !/^[0-9a-fA-F]{64}$/.test(h)) return null;
  const alg = entry.hashAlgorithm;
  if (alg !== null && alg !== undefined && alg.toUpperCase() !== 'SHA_256_HEX') return null;
  return h.toLowerCase();
}

/** Split-upload responses wrap the file as `{file, status}`; the raw file object (or the body itself). */
export function splitFileOf(raw: unknown): unknown {
  const o = rec(raw);
  return o.file && typeof o.file === 'object' ? o.file : raw;
}

const PERMISSIONS: ReadonlySet<string> = new Set(['OWNER', 'EDIT', 'READ', 'NONE']);

/** One access entry, or null when it lacks a numeric entityId, a USER/GROUP type or a known permission. */
export function normalizeAccessEntry(raw: unknown): AccessEntry | null {
  const o = rec(raw);
  const entityId = num(o.entityId);
  const entityType = str(o.entityType)?.toUpperCase();
  const permission = str(o.permission)?.toUpperCase();
  if (entityId === null || (entityType !== 'USER' && entityType !== 'GROUP') || !permission || !PERMISSIONS.has(permission)) return null;
  return { entityId, entityType, permission: permission as AccessEntry['permission'] };
}

/** The raw access list of an answer: `fileSetAccess` (current spec) or `indexAccess` (its v1.0.0). */
export function accessListOf(raw: unknown): unknown[] | null {
  const o = rec(raw);
  if (Array.isArray(o.fileSetAccess)) return o.fileSetAccess;
  if (Array.isArray(o.indexAccess)) return o.indexAccess;
  return null;
}

/** An access answer; entries that cannot be read are left out (shapes.ts refuses such answers first). */
export function normalizeAccess(raw: unknown): FileSetAccess {
  const entries = (accessListOf(raw) ?? []).map(normalizeAccessEntry).filter((e): e is AccessEntry => e !== null);
  return { fileSetId: str(rec(raw).fileSetId), fileSetAccess: entries };
}

/** The count fields of the stats answer (the OpenAPI spec's example). */
export const STATS_COUNT_FIELDS = [
  'imageFileTypeCount',
  'audioFileTypeCount',
  'videoFileTypeCount',
  'textFileTypeCount',
  'documentFileTypeCount',
  'otherFileTypeCount',
  'notIndexedCount',
  'indexQueuedCount',
  'indexInProgressCount',
  'indexCompleteCount',
  'indexFailedCount',
  'indexSkippedCount',
] as const;

/** A stats answer in either documented shape (counts, or a FileSet). */
export function normalizeStats(raw: unknown): FileSetStats {
  const o = rec(raw);
  const out = { fileCount: num(o.fileCount), size: num(o.size) } as FileSetStats;
  for (const k of STATS_COUNT_FIELDS) out[k] = num(o[k]);
  return out;
}

/** One page of FileSet search: list key `fileSets` (both references) or `filesets`; either pageContext form. */
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
 * A query match from either shape: spec `{content:{type,text|uri}, metadata:{fileId,path}, score}` or older
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

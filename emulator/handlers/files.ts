/** Upload (and make directory), get, list/search, download and delete of files. */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { App, EMULATOR_USER_ID } from '../app';
import { type Ctx, intParam, json, readJson, type Result } from '../context';
import { decodeCursor, encodeCursor } from '../cursor';
import { errors } from '../errors';
import { contentTypeForUpload, fileTypeFor } from '../filetypes';
import { parseMultipart } from '../multipart';
import { baseName, joinPath, normalizePath } from '../paths';
import { matches, parseSearchBody, sortComparator } from '../search';
import type { NodeRecord } from '../store/types';
import { nodeWire } from '../wire';
import { mustFileSet } from './filesets';
import { checkParents, directoryNode, ensureParents } from './nodes';

const DELETED = { status: 'success', message: 'File deleted successfully.' };

function parseCreateFileRequest(raw: string | undefined): { directoryPath: string } {
  if (raw === undefined || raw.trim() === '') return { directoryPath: '' };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw errors.badRequest('createFileRequest must be a JSON object, e.g. {"directoryPath":"a/b"}');
  }
  if (!v || typeof v !== 'object') throw errors.badRequest('createFileRequest must be a JSON object');
  const dp = (v as { directoryPath?: unknown }).directoryPath;
  if (dp !== undefined && dp !== null && typeof dp !== 'string') throw errors.badRequest('createFileRequest.directoryPath must be a string');
  return { directoryPath: (dp as string | null | undefined) ?? '' };
}

/** POST /filesets/{id}/files (multipart): upload a file (201) or make a directory (201; 200 when it exists). */
export async function createFile(app: App, ctx: Ctx): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  mustFileSet(app, fileSetId);
  const form = await parseMultipart(ctx, app.store, ['file'], ['createFileRequest', 'directoryPath']);
  const file = form.file;
  try {
    const req = parseCreateFileRequest(form.fields.createFileRequest);
    const directoryPath = req.directoryPath || form.fields.directoryPath || '';
    mustFileSet(app, fileSetId);
    if (!file) {
      const path = normalizePath(directoryPath, 'directoryPath');
      ctx.log.path = path;
      if (!path) throw errors.badRequest('Provide a file part, or a non-empty directoryPath to create a directory');
      const existing = app.store.getNodeByPath(fileSetId, path);
      if (existing) {
        if (existing.kind === 'DIRECTORY') return json(200, nodeWire(fileSetId, existing, ctx.baseUrl));
        throw errors.conflict(`A file exists at ${path}`);
      }
      checkParents(app, fileSetId, path);
      await ensureParents(app, fileSetId, path);
      const dir = app.store.getNodeByPath(fileSetId, path) ?? directoryNode(app, path);
      await app.store.putNode(fileSetId, dir);
      return json(201, nodeWire(fileSetId, dir, ctx.baseUrl));
    }
    const path = joinPath(directoryPath, file.filename);
    ctx.log.path = path;
    const existing = app.store.getNodeByPath(fileSetId, path);
    if (existing?.kind === 'DIRECTORY') throw errors.conflict(`A directory exists at ${path}`);
    if (existing && !app.overwrite) throw errors.conflict(`File already exists at ${path} and overwrite is not permitted`);
    checkParents(app, fileSetId, path);
    await ensureParents(app, fileSetId, path);
    const contentType = contentTypeForUpload(baseName(path), file.mimeType, file.head);
    const node: NodeRecord = {
      // An overwrite keeps the file's id: it is the same file with new content.
      id: existing?.id ?? randomUUID(),
      path,
      name: baseName(path),
      kind: 'FILE',
      blobs: [file.blobId],
      size: file.size,
      hash: file.sha256,
      contentType,
      fileType: fileTypeFor(contentType),
      created: app.now(),
      createdBy: EMULATOR_USER_ID,
    };
    await app.store.putNode(fileSetId, node);
    app.index.touch(fileSetId, node.id);
    return json(201, nodeWire(fileSetId, node, ctx.baseUrl));
  } catch (e) {
    if (file && !app.store.getNodeByPath(fileSetId, ctx.log.path ?? '')?.blobs.includes(file.blobId)) await app.store.deleteBlob(file.blobId);
    throw e;
  }
}

function mustNodeById(app: App, ctx: Ctx): NodeRecord {
  const node = app.store.getNode(ctx.params.fileSetId, ctx.params.fileId);
  if (!node) throw errors.notFound(`File ${ctx.params.fileId} not found`);
  ctx.log.path = node.path;
  return node;
}

function pathParam(ctx: Ctx): string {
  const raw = ctx.url.searchParams.get('path');
  if (raw === null) throw errors.badRequest('query parameter path is required');
  const path = normalizePath(raw, 'path');
  ctx.log.path = path;
  if (!path) throw errors.badRequest('query parameter path must not be empty');
  return path;
}

function mustNodeByPath(app: App, ctx: Ctx): NodeRecord {
  const path = pathParam(ctx);
  const node = app.store.getNodeByPath(ctx.params.fileSetId, path);
  if (!node) throw errors.notFound(`File not found at path ${path}`);
  return node;
}

/** GET /filesets/{id}/files/{fileId}. */
export async function getFile(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  return json(200, nodeWire(ctx.params.fileSetId, mustNodeById(app, ctx), ctx.baseUrl));
}

/** GET /filesets/{id}/path?path=. */
export async function getFileByPath(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  return json(200, nodeWire(ctx.params.fileSetId, mustNodeByPath(app, ctx), ctx.baseUrl));
}

function redirectToContent(app: App, ctx: Ctx, node: NodeRecord): Result {
  if (node.kind !== 'FILE') throw errors.badRequest(`${node.path} is a directory and cannot be downloaded`);
  const fileSetId = ctx.params.fileSetId;
  const token = app.grantDownload(fileSetId, node.id);
  return { type: 'redirect', location: `${ctx.baseUrl}/api/files/v1/filesets/${fileSetId}/files/${node.id}/content?token=${token}` };
}

/** GET /filesets/{id}/files/{fileId}/download → 302 to /content?token=. */
export async function download(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  return redirectToContent(app, ctx, mustNodeById(app, ctx));
}

/** GET /filesets/{id}/path/download?path= → 302 to /content?token=. */
export async function downloadByPath(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  return redirectToContent(app, ctx, mustNodeByPath(app, ctx));
}

/** GET /filesets/{id}/files/{fileId}/content?token= — authorized by the download token alone. */
export async function getFileContent(app: App, ctx: Ctx): Promise<Result> {
  const { fileSetId, fileId } = ctx.params;
  const token = ctx.url.searchParams.get('token');
  if (!token) throw errors.unauthorized('A download token is required');
  if (!app.checkDownload(token, fileSetId, fileId)) throw errors.forbidden('Download token is invalid or expired');
  const node = app.store.getNode(fileSetId, fileId);
  if (!node || node.kind !== 'FILE') throw errors.notFound(`File ${fileId} not found`);
  ctx.log.path = node.path;
  const store = app.store;
  const blobs = [...node.blobs];
  const body = blobs.length === 1 ? store.readBlob(blobs[0]) : Readable.from(concat(), { objectMode: false });
  async function* concat(): AsyncGenerator<Buffer> {
    for (const b of blobs) for await (const c of store.readBlob(b)) yield c as Buffer;
  }
  return {
    type: 'stream',
    status: 200,
    headers: {
      'content-type': node.contentType ?? 'application/octet-stream',
      'content-length': node.size ?? 0,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(node.name)}`,
      ...(node.hash ? { etag: `"${node.hash}"` } : {}),
    },
    body,
  };
}

/** DELETE /filesets/{id}/files/{fileId}: a directory goes with its children. */
export async function deleteFile(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  const node = mustNodeById(app, ctx);
  await removeNode(app, ctx.params.fileSetId, node.path);
  return json(200, DELETED);
}

/** DELETE /filesets/{id}/path?path=: a directory goes with its children. */
export async function deleteFileByPath(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  const node = mustNodeByPath(app, ctx);
  await removeNode(app, ctx.params.fileSetId, node.path);
  return json(200, DELETED);
}

async function removeNode(app: App, fileSetId: string, path: string): Promise<void> {
  const removed = await app.store.deleteNode(fileSetId, path);
  for (const n of removed) if (n.kind === 'FILE') app.index.touch(fileSetId, n.id);
}

/** The fields a cursor carries: the item's identity plus whatever the page was sorted by. */
function cursorOf(item: Record<string, unknown>, sortFields: string[]): Record<string, unknown> {
  const c: Record<string, unknown> = { id: item.id, path: item.path, name: item.name, size: item.size, created: item.created };
  for (const f of sortFields) c[f] = item[f];
  return c;
}

/**
 * POST /filesets/{id}/files/search. In path order (no fieldSort) a page walks the sorted index from the
 * cursor: O(log n + page). `next` is the cursor of the page's last item; a page with no items echoes the
 * token sent (null when none was sent), which is how Domo signals the end.
 */
export async function listFilesForFileset(app: App, ctx: Ctx): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  mustFileSet(app, fileSetId);
  const q = ctx.url.searchParams;
  const under = normalizePath(q.get('directoryPath') ?? '', 'directoryPath');
  const immediateChildren = (q.get('immediateChildren') ?? 'false').toLowerCase() === 'true';
  const limit = intParam(ctx.url, 'limit', 100, 1);
  const sent = q.get('next') || null;
  const cursor = sent ? decodeCursor(sent) : null;
  const body = parseSearchBody(await readJson(ctx));
  const page: Record<string, unknown>[] = [];
  if (body.fieldSort.length === 0) {
    const after = cursor ? String(cursor.path) : undefined;
    for (const node of app.store.scan(fileSetId, { under, immediateChildren, after })) {
      const w = nodeWire(fileSetId, node, ctx.baseUrl);
      if (!matches(w, body)) continue;
      page.push(w);
      if (page.length >= limit) break;
    }
  } else {
    // A custom order cannot use the path index: sort the (filtered) listing and resume after the cursor.
    const cmp = sortComparator(body.fieldSort, 'path');
    const all: Record<string, unknown>[] = [];
    for (const node of app.store.scan(fileSetId, { under, immediateChildren })) {
      const w = nodeWire(fileSetId, node, ctx.baseUrl);
      if (matches(w, body)) all.push(w);
    }
    all.sort(cmp);
    let lo = 0;
    if (cursor) {
      let hi = all.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cmp(all[mid], cursor) <= 0) lo = mid + 1;
        else hi = mid;
      }
    }
    page.push(...all.slice(lo, lo + limit));
  }
  const last = page[page.length - 1];
  const next = last ? encodeCursor(cursorOf(last, body.fieldSort.map((s) => s.field))) : sent;
  return json(200, { files: page, pageContext: { next } });
}

/** Upload (and make directory), get, list/search, download and delete of files. */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { App } from '../app';
import { type Ctx, json, readJson, type Result } from '../context';
import { decodeCursor, encodeCursor } from '../cursor';
import { errors } from '../errors';
import { contentTypeFor, contentTypeForUpload, declaredContentType, fileTypeFor } from '../filetypes';
import { parseMultipart, type StoredPart } from '../multipart';
import { baseName, checkPath, joinPath } from '../paths';
import type { Readings } from '../readings';
import { matches, parseSearchBody, sortComparator } from '../search';
import type { NodeRecord } from '../store/types';
import { deleted, limitParam, mustFileSet, nodeOut } from './common';
import { checkFilePlace, checkParents, directoryNode, ensureParents, putFile, removeNode } from './nodes';

function parseCreateFileRequest(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') return '';
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw errors.badRequest('createFileRequest must be a JSON object, e.g. {"directoryPath":"a/b"}');
  }
  if (!v || typeof v !== 'object') throw errors.badRequest('createFileRequest must be a JSON object');
  const dp = (v as { directoryPath?: unknown }).directoryPath;
  if (dp !== undefined && dp !== null && typeof dp !== 'string') throw errors.badRequest('createFileRequest.directoryPath must be a string');
  return (dp as string | null | undefined) ?? '';
}

/** The multipart fields that may carry the directory, as the readings say. */
function directoryFields(field: Readings['uploadField']): string[] {
  return field === 'both' ? ['createFileRequest', 'directoryPath'] : [field];
}

/** The upload's directory from the field(s) the readings read; the other field is ignored entirely. */
function directoryOf(field: Readings['uploadField'], fields: Record<string, string>): string {
  if (field === 'directoryPath') return fields.directoryPath ?? '';
  const fromRequest = parseCreateFileRequest(fields.createFileRequest);
  return field === 'both' ? fromRequest || fields.directoryPath || '' : fromRequest;
}

function contentTypeOf(app: App, name: string, file: StoredPart): string {
  if (app.readings.honourContentType) return declaredContentType(file.mimeType) ?? contentTypeFor(name);
  return contentTypeForUpload(name, file.mimeType, file.head);
}

async function makeDirectory(app: App, ctx: Ctx, directoryPath: string): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  const path = checkPath(directoryPath, 'directoryPath', { allowEmpty: true });
  ctx.log.path = path;
  if (!path) throw errors.badRequest('Provide a file part, or a non-empty directoryPath to create a directory');
  const existing = app.store.getNodeByPath(fileSetId, path);
  if (existing) {
    if (existing.kind === 'DIRECTORY') return json(200, nodeOut(app, ctx, existing));
    throw errors.conflict(`A file exists at ${path}`);
  }
  checkParents(app, fileSetId, path);
  await ensureParents(app, fileSetId, path, ctx.caller.userId);
  const dir = app.store.getNodeByPath(fileSetId, path) ?? directoryNode(app, path, ctx.caller.userId);
  await app.store.putNode(fileSetId, dir);
  return json(201, nodeOut(app, ctx, dir));
}

/** POST /filesets/{id}/files (multipart): upload a file (201) or make a directory (201; 200 when it exists). */
export async function createFile(app: App, ctx: Ctx): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  mustFileSet(app, fileSetId);
  const form = await parseMultipart(ctx, app.store, ['file'], directoryFields(app.readings.uploadField));
  const file = form.file;
  try {
    const directoryPath = directoryOf(app.readings.uploadField, form.fields);
    mustFileSet(app, fileSetId);
    if (!file) return await makeDirectory(app, ctx, directoryPath);
    const path = joinPath(directoryPath, file.filename);
    ctx.log.path = path;
    const existing = app.store.getNodeByPath(fileSetId, path);
    if (existing?.kind === 'DIRECTORY') throw errors.conflict(`A directory exists at ${path}`);
    if (existing && !app.overwrite) throw errors.conflict(`File already exists at ${path} and overwrite is not permitted`);
    checkFilePlace(app, fileSetId, path);
    await ensureParents(app, fileSetId, path, ctx.caller.userId);
    const contentType = contentTypeOf(app, baseName(path), file);
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
      createdBy: ctx.caller.userId,
      indexStatus: null,
      indexReason: null,
    };
    return json(201, nodeOut(app, ctx, await putFile(app, fileSetId, node, file.head)));
  } catch (e) {
    if (file && !app.store.getNodeByPath(fileSetId, ctx.log.path ?? '')?.blobs.includes(file.blobId)) await app.store.deleteBlob(file.blobId);
    throw e;
  }
}

function mustNodeById(app: App, ctx: Ctx): NodeRecord {
  const node = app.store.getNode(ctx.params.fileSetId, ctx.params.fileId);
  if (!node) throw app.missing(`File ${ctx.params.fileId} not found`);
  ctx.log.path = node.path;
  return node;
}

function pathParam(ctx: Ctx): string {
  const raw = ctx.url.searchParams.get('path');
  if (raw === null) throw errors.badRequest('query parameter path is required');
  ctx.log.path = raw;
  return checkPath(raw, 'query parameter path');
}

function mustNodeByPath(app: App, ctx: Ctx): NodeRecord {
  const path = pathParam(ctx);
  const node = app.store.getNodeByPath(ctx.params.fileSetId, path);
  if (!node) throw app.missing(`File not found at path ${path}`);
  return node;
}

/** GET /filesets/{id}/files/{fileId}. */
export async function getFile(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  return json(200, nodeOut(app, ctx, mustNodeById(app, ctx)));
}

/** GET /filesets/{id}/path?path=. */
export async function getFileByPath(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  return json(200, nodeOut(app, ctx, mustNodeByPath(app, ctx)));
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
  if (!node || node.kind !== 'FILE') throw app.missing(`File ${fileId} not found`);
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
      ...(node.hash && app.readings.hashes ? { etag: `"${node.hash}"` } : {}),
    },
    body,
  };
}

/** DELETE /filesets/{id}/files/{fileId}: a directory goes with its children. */
export async function deleteFile(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  const node = mustNodeById(app, ctx);
  ctx.log.removed = await removeNode(app, ctx.params.fileSetId, node.path);
  return deleted(app, 'File deleted successfully.');
}

/** DELETE /filesets/{id}/path?path=: a directory goes with its children. */
export async function deleteFileByPath(app: App, ctx: Ctx): Promise<Result> {
  mustFileSet(app, ctx.params.fileSetId);
  const node = mustNodeByPath(app, ctx);
  ctx.log.removed = await removeNode(app, ctx.params.fileSetId, node.path);
  return deleted(app, 'File deleted successfully.');
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
  const under = checkPath(q.get('directoryPath') ?? '', 'query parameter directoryPath', { allowEmpty: true });
  const immediateChildren = (q.get('immediateChildren') ?? 'false').toLowerCase() === 'true';
  const limit = limitParam(app, ctx);
  const sent = q.get('next') || null;
  const cursor = sent ? decodeCursor(sent) : null;
  const body = parseSearchBody(await readJson(ctx));
  const page: Record<string, unknown>[] = [];
  if (body.fieldSort.length === 0) {
    const after = cursor ? String(cursor.path) : undefined;
    for (const node of app.store.scan(fileSetId, { under, immediateChildren, after })) {
      const w = nodeOut(app, ctx, node);
      if (!matches(w, body)) continue;
      page.push(w);
      if (page.length >= limit) break;
    }
  } else {
    // A custom order cannot use the path index: sort the (filtered) listing and resume after the cursor.
    const cmp = sortComparator(body.fieldSort, 'path');
    const all: Record<string, unknown>[] = [];
    for (const node of app.store.scan(fileSetId, { under, immediateChildren })) {
      const w = nodeOut(app, ctx, node);
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
  const next = last
    ? encodeCursor(
        cursorOf(
          last,
          body.fieldSort.map((s) => s.field),
        ),
      )
    : sent;
  return json(200, { files: page, pageContext: { next } });
}

/**
 * Split upload: initiate (202 CREATED), parts (202 PROCESSING), finalize (201 SUCCESS), abort (200 FAILED).
 * It never overwrites: an existing path is a 409 at initiate and again at finalize.
 */
import { createHash, randomUUID } from 'node:crypto';
import { App } from '../app';
import { type Ctx, json, readJson, type Result } from '../context';
import { errors } from '../errors';
import { contentTypeFor, fileTypeFor } from '../filetypes';
import { parseMultipart } from '../multipart';
import { baseName, checkPath } from '../paths';
import type { NodeRecord, UploadRecord } from '../store/types';
import { mustFileSet, nodeOut } from './common';
import { checkFilePlace, ensureParents, putFile } from './nodes';

const HEAD_BYTES = 1024;

function orderedParts(u: UploadRecord): { n: number; blobId: string; size: number }[] {
  return Object.entries(u.parts)
    .map(([n, p]) => ({ n: Number(n), ...p }))
    .sort((a, b) => a.n - b.n);
}

/** The file as known so far (hash null until finalize). */
function pendingNode(u: UploadRecord, withType: boolean): NodeRecord {
  const parts = orderedParts(u);
  const contentType = withType ? contentTypeFor(baseName(u.path)) : null;
  return {
    id: u.fileId,
    path: u.path,
    name: baseName(u.path),
    kind: 'FILE',
    blobs: parts.map((p) => p.blobId),
    size: withType ? parts.reduce((s, p) => s + p.size, 0) : null,
    hash: null,
    contentType,
    fileType: contentType ? fileTypeFor(contentType) : 'OTHER',
    created: u.created,
    createdBy: u.createdBy,
    indexStatus: null,
    indexReason: null,
  };
}

function mustUpload(app: App, ctx: Ctx): UploadRecord {
  const u = app.store.getUpload(ctx.params.fileSetId, ctx.params.fileId);
  if (!u) throw errors.notFound(`No split upload in progress for file ${ctx.params.fileId} (never initiated, or already finalized or aborted)`);
  ctx.log.path = u.path;
  return u;
}

function refuseExisting(app: App, fileSetId: string, path: string): void {
  if (app.store.getNodeByPath(fileSetId, path)) throw errors.conflict(`File already exists at ${path}; split uploads never overwrite, delete it first`);
  checkFilePlace(app, fileSetId, path);
}

/** POST /filesets/{id}/files/multipart {path} → 202 {file, status: CREATED}. */
export async function initiateSplitFileUpload(app: App, ctx: Ctx): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  mustFileSet(app, fileSetId);
  const b = (await readJson(ctx)) as { path?: unknown };
  if (typeof b?.path !== 'string') throw errors.badRequest('path is required');
  ctx.log.path = b.path;
  const path = checkPath(b.path, 'path');
  refuseExisting(app, fileSetId, path);
  const u: UploadRecord = { fileSetId, fileId: randomUUID(), path, created: app.now(), createdBy: ctx.caller.userId, parts: {} };
  await app.store.putUpload(u);
  return json(202, { file: nodeOut(app, ctx, pendingNode(u, false)), status: 'CREATED' });
}

/** POST …/multipart/{fileId}/part/{n} (multipart part `part`) → 202 {file, status: PROCESSING}. */
export async function uploadSplitFilePart(app: App, ctx: Ctx): Promise<Result> {
  const { fileSetId, fileId, partNumber } = ctx.params;
  mustFileSet(app, fileSetId);
  if (!/^\d+$/.test(partNumber)) throw errors.badRequest(`partNumber must be a non-negative integer, got ${partNumber}`);
  mustUpload(app, ctx);
  const form = await parseMultipart(ctx, app.store, ['part', 'file'], [], false);
  if (!form.file) throw errors.badRequest('the multipart body needs a part named "part"');
  const u = app.store.getUpload(fileSetId, fileId);
  if (!u) {
    await app.store.deleteBlob(form.file.blobId);
    throw errors.notFound(`Split upload ${fileId} was finalized or aborted while the part was sent`);
  }
  const key = String(Number(partNumber));
  const replaced = u.parts[key];
  const next: UploadRecord = { ...u, parts: { ...u.parts, [key]: { blobId: form.file.blobId, size: form.file.size } } };
  await app.store.putUpload(next);
  if (replaced) await app.store.deleteBlob(replaced.blobId);
  return json(202, { file: nodeOut(app, ctx, pendingNode(next, true)), status: 'PROCESSING' });
}

/** POST …/multipart/{fileId}/finalize → 201 {file, status: SUCCESS}; the hash is computed over the parts in order. */
export async function finalizeSplitFileUpload(app: App, ctx: Ctx): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  mustFileSet(app, fileSetId);
  const u = mustUpload(app, ctx);
  if (Object.keys(u.parts).length === 0) throw errors.notFound(`Split upload ${u.fileId} has no parts`);
  refuseExisting(app, fileSetId, u.path);
  const node = pendingNode(u, true);
  const hash = createHash('sha256');
  let head = Buffer.alloc(0);
  for (const blob of node.blobs) {
    for await (const c of app.store.readBlob(blob)) {
      hash.update(c as Buffer);
      if (head.length < HEAD_BYTES) head = Buffer.concat([head, (c as Buffer).subarray(0, HEAD_BYTES - head.length)]);
    }
  }
  // State may have changed while hashing.
  if (!app.store.getUpload(fileSetId, u.fileId)) throw errors.notFound(`Split upload ${u.fileId} was aborted`);
  refuseExisting(app, fileSetId, u.path);
  await ensureParents(app, fileSetId, node.path, u.createdBy);
  const done = await putFile(app, fileSetId, { ...node, hash: hash.digest('hex'), created: app.now() }, head);
  await app.store.deleteUpload(fileSetId, u.fileId, false);
  return json(201, { file: nodeOut(app, ctx, done), status: 'SUCCESS' });
}

/** POST …/multipart/{fileId}/abort → 200 {file, status: FAILED}; parts are discarded. */
export async function abortSplitFileUpload(app: App, ctx: Ctx): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  mustFileSet(app, fileSetId);
  const u = mustUpload(app, ctx);
  await app.store.deleteUpload(fileSetId, u.fileId, true);
  return json(200, { file: nodeOut(app, ctx, pendingNode(u, true)), status: 'FAILED' });
}

/** Helpers every handler module shares: body checks, the FileSet lookup, wire forms and delete answers. */
import { permissionOf } from '../access';
import type { App } from '../app';
import { type Ctx, intParam, json, type Result } from '../context';
import { errors } from '../errors';
import type { FileSetRecord, NodeRecord } from '../store/types';
import { fileSetWire, nodeWire } from '../wire';

/** The body as a JSON object, or 400. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('request body must be a JSON object');
  return body as Record<string, unknown>;
}

/** An optional string field (absent and null are the same). */
export function optString(b: Record<string, unknown>, key: string): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw errors.badRequest(`${key} must be a string`);
  return v;
}

/** An optional boolean field (absent and null are the same). */
export function optBool(b: Record<string, unknown>, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw errors.badRequest(`${key} must be a boolean`);
  return v;
}

/** The FileSet, or the readings' status for a missing one (it may have gone while a body was read). */
export function mustFileSet(app: App, id: string): FileSetRecord {
  const fs = app.store.getFileSet(id);
  if (!fs) throw app.missing(`FileSet ${id} not found`);
  return fs;
}

/** The wire form of a stored FileSet as the caller sees it. */
export function fileSetOut(app: App, ctx: Ctx, rec: FileSetRecord): Record<string, unknown> {
  return fileSetWire(rec, app.store.usage(rec.id), permissionOf(rec, ctx.caller));
}

/** The wire form of a stored file or directory. */
export function nodeOut(app: App, ctx: Ctx, node: NodeRecord): Record<string, unknown> {
  return nodeWire(ctx.params.fileSetId, node, ctx.baseUrl, app.readings.hashes);
}

/** A successful delete: 204 with no body, or 200 with a status body, as the readings say. */
export function deleted(app: App, message: string): Result {
  return app.readings.deleteStatus === 204 ? { type: 'empty', status: 204 } : json(200, { status: 'success', message });
}

/** The listing `limit` query parameter, refused above the readings' maximum. */
export function limitParam(app: App, ctx: Ctx): number {
  const limit = intParam(ctx.url, 'limit', 100, 1);
  const max = app.readings.maxLimit;
  if (max !== null && limit > max) throw errors.badRequest(`limit must be at most ${max}, got ${limit}`);
  return limit;
}

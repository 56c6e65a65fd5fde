/** Access and ownership of a FileSet: who may see and change it. */
import { accessWire, applyAccessUpdate, parseAccessUpdate, transferOwnership } from '../access';
import { App } from '../app';
import { type Ctx, json, readJson, type Result } from '../context';
import { errors } from '../errors';
import { mustFileSet, objectBody } from './common';

/** GET /filesets/{id}/access → {fileSetId, fileSetAccess}: the owner first, then every grant. */
export async function getAccess(app: App, ctx: Ctx): Promise<Result> {
  return json(200, accessWire(mustFileSet(app, ctx.params.fileSetId)));
}

/** POST /filesets/{id}/access {fileSetAccess}: only the entities sent change; NONE revokes. */
export async function updateAccess(app: App, ctx: Ctx): Promise<Result> {
  const update = parseAccessUpdate(objectBody(await readJson(ctx)));
  const fs = mustFileSet(app, ctx.params.fileSetId);
  const next = { ...fs, grants: applyAccessUpdate(fs, update), updated: app.now(), updatedBy: ctx.caller.userId };
  await app.store.putFileSet(next);
  return json(200, accessWire(next));
}

/** POST /filesets/{id}/ownership {userId}: one owner; the previous owner keeps EDIT. */
export async function updateOwnership(app: App, ctx: Ctx): Promise<Result> {
  const b = objectBody(await readJson(ctx));
  const userId = typeof b.userId === 'string' && /^\d{1,15}$/.test(b.userId) ? Number(b.userId) : b.userId;
  if (typeof userId !== 'number' || !Number.isSafeInteger(userId) || userId < 1) throw errors.badRequest('userId must be a positive integer');
  const fs = mustFileSet(app, ctx.params.fileSetId);
  const next = { ...transferOwnership(fs, userId), updated: app.now(), updatedBy: ctx.caller.userId };
  await app.store.putFileSet(next);
  return json(200, accessWire(next));
}

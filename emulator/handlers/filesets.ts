/** FileSet create/get/update/delete/search. */
import { randomUUID } from 'node:crypto';
import { permissionOf } from '../access';
import { App } from '../app';
import { type Ctx, intParam, json, readJson, type Result } from '../context';
import { errors } from '../errors';
import { matches, parseSearchBody, sortComparator } from '../search';
import type { FileSetRecord } from '../store/types';
import { deleted, fileSetOut, limitParam, mustFileSet, objectBody, optBool, optString } from './common';

const CONNECTORS = new Set(['DOMO', 'CONFLUENCE', 'GITHUB', 'GOOGLE_DRIVE', 'S3', 'SFTP', 'UNKNOWN']);

/** POST /filesets → 201 FileSet, owned by the caller. */
export async function createFileSet(app: App, ctx: Ctx): Promise<Result> {
  const b = objectBody(await readJson(ctx));
  const name = optString(b, 'name');
  if (!name || !name.trim()) throw errors.badRequest('name is required');
  const connector = optString(b, 'connector') ?? 'DOMO';
  if (!CONNECTORS.has(connector)) throw errors.badRequest(`connector must be one of ${[...CONNECTORS].join(', ')}`);
  const cc = b.connectorContext;
  if (cc !== undefined && cc !== null && (typeof cc !== 'object' || typeof (cc as { connector?: unknown }).connector !== 'string')) {
    throw errors.badRequest('connectorContext must be an object with a connector');
  }
  const accountId = b.accountId;
  if (accountId !== undefined && accountId !== null && typeof accountId !== 'number') throw errors.badRequest('accountId must be a number');
  const now = app.now();
  const user = ctx.caller.userId;
  const rec: FileSetRecord = {
    id: randomUUID(),
    name,
    description: optString(b, 'description') ?? '',
    aiEnabled: optBool(b, 'aiEnabled') ?? false,
    indexStatus: null,
    batchType: 'INCREMENTAL',
    connector,
    created: now,
    createdBy: user,
    updated: now,
    updatedBy: user,
    owner: String(user),
    accountId: (accountId as number | null | undefined) ?? 0,
    connectorContext: (cc as FileSetRecord['connectorContext']) ?? null,
    grants: [],
  };
  await app.store.putFileSet(rec);
  ctx.log.fileSetId = rec.id;
  return json(201, fileSetOut(app, ctx, rec));
}

/** GET /filesets/{id}. */
export async function getFileSet(app: App, ctx: Ctx): Promise<Result> {
  return json(200, fileSetOut(app, ctx, mustFileSet(app, ctx.params.fileSetId)));
}

/** POST /filesets/{id}: absent or null fields stay unchanged; enabling AI indexes the files it skipped. */
export async function updateFileSet(app: App, ctx: Ctx): Promise<Result> {
  const cur = mustFileSet(app, ctx.params.fileSetId);
  const b = objectBody(await readJson(ctx));
  const name = optString(b, 'name');
  if (name !== undefined && !name.trim()) throw errors.badRequest('name must not be empty');
  const description = optString(b, 'description');
  const aiEnabled = optBool(b, 'aiEnabled');
  // The FileSet may have changed or gone while the body was read.
  const latest = mustFileSet(app, cur.id);
  const next: FileSetRecord = {
    ...latest,
    name: name ?? latest.name,
    description: description ?? latest.description,
    aiEnabled: aiEnabled ?? latest.aiEnabled,
    updated: app.now(),
    updatedBy: ctx.caller.userId,
  };
  await app.store.putFileSet(next);
  if (next.aiEnabled && !latest.aiEnabled) await app.indexer.aiEnabled(next.id);
  return json(200, fileSetOut(app, ctx, next));
}

/** DELETE /filesets/{id}: files and all, or 409 while it holds files when deletes do not cascade. */
export async function deleteFileSet(app: App, ctx: Ctx): Promise<Result> {
  const id = ctx.params.fileSetId;
  mustFileSet(app, id);
  const { fileCount } = app.store.usage(id);
  if (!app.readings.cascadeDelete && fileCount > 0) throw errors.conflict(`FileSet ${id} still holds ${fileCount} file(s); delete them first`);
  const paths = [...app.store.scan(id, { under: '' })].map((n) => n.path);
  if (!(await app.store.deleteFileSet(id))) throw app.missing(`FileSet ${id} not found`);
  ctx.log.removed = paths;
  app.index.drop(id);
  return deleted(app, 'FileSet deleted successfully.');
}

/** POST /filesets/search?limit&offset → the FileSets the caller may see, one page. */
export async function listFileSets(app: App, ctx: Ctx): Promise<Result> {
  const limit = limitParam(app, ctx);
  const offset = intParam(ctx.url, 'offset', 0, 0);
  const body = parseSearchBody(await readJson(ctx));
  let all = app.store
    .listFileSets()
    .filter((r) => permissionOf(r, ctx.caller) !== 'NONE')
    .map((r) => fileSetOut(app, ctx, r));
  all = all.filter((f) => matches(f, body));
  if (body.fieldSort.length) all.sort(sortComparator(body.fieldSort, 'id'));
  const page = all.slice(offset, offset + limit);
  if (app.readings.fileSetPage === 'spec') return json(200, { fileSets: page, pageContext: { count: page.length, totalCount: all.length, offset } });
  return json(200, {
    fileSets: page,
    // One client library reads `filesets`; answering both keys exercises either reading.
    filesets: page,
    pageContext: { offset, limit, total: all.length, count: page.length, totalCount: all.length },
  });
}

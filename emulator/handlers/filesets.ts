/** FileSet create/get/update/delete/search. */
import { randomUUID } from 'node:crypto';
import { App, EMULATOR_USER_ID } from '../app';
import { type Ctx, intParam, json, readJson, type Result } from '../context';
import { errors } from '../errors';
import { matches, parseSearchBody, sortComparator } from '../search';
import type { FileSetRecord } from '../store/types';
import { fileSetWire } from '../wire';

const CONNECTORS = new Set(['DOMO', 'CONFLUENCE', 'GITHUB', 'GOOGLE_DRIVE', 'S3', 'SFTP', 'UNKNOWN']);

function objectBody(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw errors.badRequest('request body must be a JSON object');
  return body as Record<string, unknown>;
}

function optString(b: Record<string, unknown>, key: string): string | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw errors.badRequest(`${key} must be a string`);
  return v;
}

function optBool(b: Record<string, unknown>, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw errors.badRequest(`${key} must be a boolean`);
  return v;
}

/** The FileSet or 404. */
export function mustFileSet(app: App, id: string): FileSetRecord {
  const fs = app.store.getFileSet(id);
  if (!fs) throw errors.notFound(`FileSet ${id} not found`);
  return fs;
}

/** The wire form of a stored FileSet. */
export function wireFileSet(app: App, rec: FileSetRecord): Record<string, unknown> {
  return fileSetWire(rec, app.store.usage(rec.id));
}

/** POST /filesets → 201 FileSet. */
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
  const rec: FileSetRecord = {
    id: randomUUID(),
    name,
    description: optString(b, 'description') ?? '',
    aiEnabled: optBool(b, 'aiEnabled') ?? false,
    indexStatus: null,
    batchType: 'INCREMENTAL',
    connector,
    created: now,
    createdBy: EMULATOR_USER_ID,
    updated: now,
    updatedBy: EMULATOR_USER_ID,
    owner: String(EMULATOR_USER_ID),
    accountId: (accountId as number | null | undefined) ?? 0,
    connectorContext: (cc as FileSetRecord['connectorContext']) ?? null,
    permission: 'OWNER',
  };
  await app.store.putFileSet(rec);
  ctx.log.fileSetId = rec.id;
  return json(201, wireFileSet(app, rec));
}

/** GET /filesets/{id}. */
export async function getFileSet(app: App, ctx: Ctx): Promise<Result> {
  return json(200, wireFileSet(app, mustFileSet(app, ctx.params.fileSetId)));
}

/** POST /filesets/{id}: absent or null fields stay unchanged. */
export async function updateFileSet(app: App, ctx: Ctx): Promise<Result> {
  const cur = mustFileSet(app, ctx.params.fileSetId);
  const b = objectBody(await readJson(ctx));
  const name = optString(b, 'name');
  if (name !== undefined && !name.trim()) throw errors.badRequest('name must not be empty');
  const description = optString(b, 'description');
  const aiEnabled = optBool(b, 'aiEnabled');
  const next: FileSetRecord = {
    ...cur,
    name: name ?? cur.name,
    description: description ?? cur.description,
    aiEnabled: aiEnabled ?? cur.aiEnabled,
    updated: app.now(),
    updatedBy: EMULATOR_USER_ID,
  };
  // The FileSet may have been deleted while the body was read.
  mustFileSet(app, cur.id);
  await app.store.putFileSet(next);
  return json(200, wireFileSet(app, next));
}

/** DELETE /filesets/{id} → 200 with a status body (the seed's form), files and all. */
export async function deleteFileSet(app: App, ctx: Ctx): Promise<Result> {
  const id = ctx.params.fileSetId;
  if (!(await app.store.deleteFileSet(id))) throw errors.notFound(`FileSet ${id} not found`);
  app.index.drop(id);
  return json(200, { status: 'success', message: 'FileSet deleted successfully.' });
}

/** POST /filesets/search?limit&offset → {fileSets, filesets, pageContext}. */
export async function listFileSets(app: App, ctx: Ctx): Promise<Result> {
  const limit = intParam(ctx.url, 'limit', 100, 1);
  const offset = intParam(ctx.url, 'offset', 0, 0);
  const body = parseSearchBody(await readJson(ctx));
  let all = app.store.listFileSets().map((r) => wireFileSet(app, r));
  all = all.filter((f) => matches(f, body));
  if (body.fieldSort.length) all.sort(sortComparator(body.fieldSort, 'id'));
  const page = all.slice(offset, offset + limit);
  return json(200, {
    fileSets: page,
    // One client library reads `filesets`; answering both keys exercises either reading.
    filesets: page,
    pageContext: { offset, limit, total: all.length, count: page.length, totalCount: all.length },
  });
}

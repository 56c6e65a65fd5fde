/**
 * POST /filesets/{id}/query: BM25 over the text files whose indexing COMPLETED, in a FileSet with AI
 * enabled (otherwise no matches). The readings decide the prefix key(s) read and the match shape(s) answered.
 */
import { App } from '../app';
import { type Ctx, json, readJson, type Result } from '../context';
import { errors } from '../errors';
import { checkPath } from '../paths';
import { mustFileSet, nodeOut, objectBody } from './common';

/** Default topK per the OpenAPI spec ("Defaults to 1"). */
const DEFAULT_TOP_K = 1;

/** {query, topK?, pathPrefixFilter? | directoryPath?} → {matches}. */
export async function queryFileSet(app: App, ctx: Ctx): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  mustFileSet(app, fileSetId);
  const b = objectBody(await readJson(ctx));
  if (typeof b.query !== 'string' || !b.query.trim()) throw errors.badRequest('query is required');
  const topK = b.topK ?? DEFAULT_TOP_K;
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) throw errors.badRequest('topK must be a positive integer');
  const spec = app.readings.query === 'spec';
  const rawPrefix = (spec ? b.pathPrefixFilter : (b.pathPrefixFilter ?? b.directoryPath)) ?? '';
  if (typeof rawPrefix !== 'string') throw errors.badRequest('pathPrefixFilter must be a string');
  // A trailing "/" names a directory and is allowed here (this is a prefix, not a path).
  const prefix = checkPath(rawPrefix.endsWith('/') ? rawPrefix.slice(0, -1) : rawPrefix, 'pathPrefixFilter', { allowEmpty: true });
  const fs = mustFileSet(app, fileSetId);
  if (!fs.aiEnabled) return json(200, { matches: [] });
  // A directory name matches its subtree; otherwise the spec's plain string prefix applies.
  const isDir = prefix !== '' && app.store.getNodeByPath(fileSetId, prefix)?.kind === 'DIRECTORY';
  const under = (p: string): boolean => prefix === '' || (isDir ? p.startsWith(prefix + '/') : p.startsWith(prefix));
  const hits = await app.index.search(fileSetId, b.query, topK, (n) => n.indexStatus === 'COMPLETED' && under(n.path));
  const matches = hits.map((h) => {
    const common = { content: { type: 'TEXT', text: h.text }, metadata: { fileId: h.node.id, path: h.node.path }, score: h.score };
    return spec ? common : { id: h.node.id, node: { ...nodeOut(app, ctx, h.node), type: 'TEXT' }, ...common };
  });
  return json(200, { matches });
}

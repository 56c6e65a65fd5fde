/** POST /filesets/{id}/query: BM25 over text files, answered in both documented match shapes. */
import { App } from '../app';
import { type Ctx, json, readJson, type Result } from '../context';
import { errors } from '../errors';
import { normalizePath } from '../paths';
import { nodeWire } from '../wire';
import { mustFileSet } from './filesets';

/** Default topK per the OpenAPI spec ("Defaults to 1"). */
const DEFAULT_TOP_K = 1;

/** {query, topK?, directoryPath? | pathPrefixFilter?} → {matches}. */
export async function queryFileSet(app: App, ctx: Ctx): Promise<Result> {
  const fileSetId = ctx.params.fileSetId;
  mustFileSet(app, fileSetId);
  const b = (await readJson(ctx)) as Record<string, unknown>;
  if (typeof b.query !== 'string' || !b.query.trim()) throw errors.badRequest('query is required');
  const topK = b.topK ?? DEFAULT_TOP_K;
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) throw errors.badRequest('topK must be a positive integer');
  const rawPrefix = b.pathPrefixFilter ?? b.directoryPath ?? '';
  if (typeof rawPrefix !== 'string') throw errors.badRequest('pathPrefixFilter/directoryPath must be a string');
  const prefix = normalizePath(rawPrefix, 'pathPrefixFilter');
  // A directory name matches its subtree; otherwise the spec's plain string prefix applies.
  const isDir = prefix !== '' && app.store.getNodeByPath(fileSetId, prefix)?.kind === 'DIRECTORY';
  const filter = (p: string): boolean => prefix === '' || (isDir ? p.startsWith(prefix + '/') : p.startsWith(prefix));
  const hits = await app.index.search(fileSetId, b.query, topK, filter);
  const matches = hits.map((h) => {
    const file = nodeWire(fileSetId, h.node, ctx.baseUrl);
    return {
      id: h.node.id,
      node: { ...file, type: 'TEXT' },
      content: { type: 'TEXT', text: h.text },
      metadata: { fileId: h.node.id, path: h.node.path },
      score: h.score,
    };
  });
  return json(200, { matches });
}

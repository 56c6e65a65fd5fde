/** `query FILESET TEXT`: semantic search over a FileSet, matches as JSON on stdout. */
import { connectFromEnv, withConnection } from '../connect';
import { UsageError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';

/** Flags of query. */
interface QueryFlags {
  topK?: number;
  directory?: string;
}

/** Runs the query. */
export async function run(ctx: Ctx, input: Input<QueryFlags>): Promise<Outcome> {
  const [fileSetId, text] = input.args;
  const flags = input.opts;
  if (!text || text.trim() === '') throw new UsageError('query: TEXT must not be empty');
  return withConnection(connectFromEnv(ctx.io), async ({ client }) => ({
    kind: 'json' as const,
    value: await client.query(fileSetId, {
      query: text,
      ...(flags.topK !== undefined ? { topK: flags.topK } : {}),
      ...(flags.directory !== undefined ? { directoryPath: flags.directory } : {}),
    }),
  }));
}

/** `query FILESET TEXT`: semantic search over a FileSet, matches as JSON on stdout. */
import { connectFromEnv, withConnection } from '../connect';
import { CliError, UsageError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';

/** Flags of query. */
export interface QueryFlags {
  topK?: number;
  directory?: string;
  expect?: string;
}

/** Runs the query. */
export async function run(ctx: Ctx, input: Input<QueryFlags>): Promise<Outcome> {
  const [fileSetId, text] = input.args;
  const flags = input.opts;
  if (!text || text.trim() === '') throw new UsageError('query: TEXT must not be empty');
  return withConnection(connectFromEnv(ctx.io), async ({ client }): Promise<Outcome> => {
    const matches = await client.query(fileSetId, {
      query: text,
      ...(flags.topK !== undefined ? { topK: flags.topK } : {}),
      ...(flags.directory !== undefined ? { directoryPath: flags.directory } : {}),
    });
    const expected = flags.expect?.replace(/^\/+/, '');
    const status =
      expected !== undefined && !matches.some((m) => m.path === expected)
        ? new CliError(
            `query: ${expected} is not among the ${matches.length} match${matches.length === 1 ? '' : 'es'}${
              matches.length
                ? ` (${matches
                    .slice(0, 3)
                    .map((m) => m.path ?? '?')
                    .join(', ')}${matches.length > 3 ? ', …' : ''})`
                : ''
            }`,
          )
        : undefined;
    return { kind: 'json', value: matches, status };
  });
}

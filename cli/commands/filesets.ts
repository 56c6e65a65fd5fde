/** `filesets list|get|create|update|delete`: the FileSets API from the shell, JSON on stdout. */
import type { FileSet, UpdateFileSetRequest } from '../../client';
import { connectFromEnv, withConnection } from '../connect';
import { UsageError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';

/** Flags of the filesets subcommands (each uses a subset). */
interface FileSetsFlags {
  name?: string;
  description?: string;
  aiEnabled?: boolean;
  limit?: number;
}

/** Runs one filesets subcommand; args[0] is the subcommand. */
export async function run(ctx: Ctx, input: Input<FileSetsFlags>): Promise<Outcome> {
  const [sub, id] = input.args;
  const flags = input.opts;
  return withConnection(connectFromEnv(ctx.io), async ({ client }): Promise<Outcome> => {
    switch (sub) {
      case 'list': {
        const limit = flags.limit ?? Number.POSITIVE_INFINITY;
        const out: FileSet[] = [];
        if (flags.name !== undefined) {
          out.push(...(await client.findFileSetsByName(flags.name)).slice(0, flags.limit));
        } else {
          for await (const fs of client.searchFileSets(flags.limit ? { limit: Math.min(flags.limit, 100) } : {})) {
            if (out.length >= limit) break;
            out.push(fs);
          }
        }
        return { kind: 'json', value: out };
      }
      case 'get':
        return { kind: 'json', value: await client.getFileSet(id) };
      case 'create':
        return {
          kind: 'json',
          value: await client.createFileSet({
            name: flags.name as string,
            ...(flags.description !== undefined ? { description: flags.description } : {}),
            ...(flags.aiEnabled !== undefined ? { aiEnabled: flags.aiEnabled } : {}),
          }),
        };
      case 'update': {
        const req: UpdateFileSetRequest = {};
        if (flags.name !== undefined) req.name = flags.name;
        if (flags.description !== undefined) req.description = flags.description;
        if (flags.aiEnabled !== undefined) req.aiEnabled = flags.aiEnabled;
        if (Object.keys(req).length === 0) throw new UsageError('filesets update: nothing to change; pass --name, --description or --ai-enabled');
        return { kind: 'json', value: await client.updateFileSet(id, req) };
      }
      case 'delete':
        await client.deleteFileSet(id);
        return { kind: 'json', value: { deleted: true, id } };
      default:
        throw new UsageError(`unknown filesets subcommand '${sub}'`);
    }
  });
}

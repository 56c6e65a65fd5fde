/** `files list|get|upload|download|delete`: the Files API from the shell, by id or --path, JSON on stdout. */
import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { FileEntry } from '../../client';
import { connectFromEnv, withConnection } from '../connect';
import { UsageError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';

/** Flags of the files subcommands (each uses a subset). */
interface FilesFlags {
  path?: string;
  directory?: string;
  immediate?: boolean;
  filesOnly?: boolean;
  limit?: number;
  contentType?: string;
  output?: string;
}

/** Exactly one of a file id argument and --path. */
function fileRef(sub: string, fileId: string, flags: FilesFlags): { fileId: string } | { path: string } {
  if (fileId && flags.path !== undefined) throw new UsageError(`files ${sub}: give either FILE_ID or --path, not both`);
  if (flags.path !== undefined) return { path: flags.path };
  if (!fileId) throw new UsageError(`files ${sub}: missing FILE_ID (or --path PATH)`);
  return { fileId };
}

/** Runs one files subcommand; args[0] is the subcommand. */
export async function run(ctx: Ctx, input: Input<FilesFlags>): Promise<Outcome> {
  const [sub, fileSetId, third = ''] = input.args;
  const flags = input.opts;
  // Validate local arguments before connecting, so a typo costs no request.
  let localFile = '';
  if (sub === 'upload') {
    localFile = resolve(ctx.cwd, third);
    const st = await stat(localFile).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`files upload: cannot read ${third}: ${e.code ?? e.message}`);
    });
    if (!st.isFile()) throw new UsageError(`files upload: ${third} is not a regular file`);
  }
  const ref = sub === 'get' || sub === 'download' || sub === 'delete' ? fileRef(sub, third, flags) : undefined;

  return withConnection(connectFromEnv(ctx.io), async ({ client }): Promise<Outcome> => {
    switch (sub) {
      case 'list': {
        const limit = flags.limit ?? Number.POSITIVE_INFINITY;
        const out: FileEntry[] = [];
        for await (const f of client.listFiles(fileSetId, {
          ...(flags.directory !== undefined ? { directoryPath: flags.directory } : {}),
          immediateChildren: flags.immediate === true,
          filesOnly: flags.filesOnly === true,
        })) {
          if (out.length >= limit) break;
          out.push(f);
        }
        return { kind: 'json', value: out };
      }
      case 'get':
        return {
          kind: 'json',
          value: ref && 'path' in ref ? await client.getFileByPath(fileSetId, ref.path) : await client.getFile(fileSetId, (ref as { fileId: string }).fileId),
        };
      case 'upload': {
        const entry = await client.uploadFile(fileSetId, {
          path: flags.path ?? basename(localFile),
          source: { filePath: localFile },
          ...(flags.contentType ? { contentType: flags.contentType } : {}),
        });
        return { kind: 'json', value: entry };
      }
      case 'download': {
        if (flags.output === undefined || flags.output === '-') {
          await client.downloadFile(fileSetId, ref as { fileId: string } | { path: string }, { stream: ctx.io.stdout });
          return { kind: 'none' };
        }
        const target = resolve(ctx.cwd, flags.output);
        await mkdir(dirname(target), { recursive: true });
        const res = await client.downloadFile(fileSetId, ref as { fileId: string } | { path: string }, { filePath: target });
        return { kind: 'json', value: { ...ref, output: target, bytes: res.bytes, sha256: res.sha256 } };
      }
      case 'delete':
        if (ref && 'path' in ref) await client.deleteFileByPath(fileSetId, ref.path);
        else await client.deleteFile(fileSetId, (ref as { fileId: string }).fileId);
        return { kind: 'json', value: { deleted: true, fileSetId, ...ref } };
      default:
        throw new UsageError(`unknown files subcommand '${sub}'`);
    }
  });
}

/** `restore BACKUP_DIR [--fileset ID]`: uploads a backup made by --backup-dir back into its FileSet. */
import { resolve } from 'node:path';
import { connectFromEnv, withConnection } from '../connect';
import { CliError } from '../errors';
import { onInterrupt } from '../interrupt';
import type { Ctx, Input, Outcome } from '../outcome';

/** Flags of restore. */
export interface RestoreFlags {
  fileset?: string;
  format: 'text' | 'json';
}

/** Runs restore. */
export async function run(ctx: Ctx, input: Input<RestoreFlags>): Promise<Outcome> {
  const flags = input.opts;
  const dir = resolve(ctx.cwd, input.args[0]);
  const { readBackup, restoreBackup }: typeof import('../../loader') = require('../../loader');
  await readBackup(dir); // a directory that is not a backup fails before any request
  const result = await withConnection(connectFromEnv(ctx.io), async ({ client }) => {
    const interrupt = onInterrupt(ctx.io);
    try {
      return await restoreBackup(client, dir, { ...(flags.fileset ? { fileSetId: flags.fileset } : {}), signal: interrupt.stop });
    } finally {
      interrupt.dispose();
    }
  });
  const status =
    result.failed.length > 0
      ? new CliError(`restore: ${result.failed.length} file(s) not restored; first: ${result.failed[0].path}: ${result.failed[0].message}`)
      : undefined;
  if (flags.format === 'json') return { kind: 'json', value: result, status };
  const c = ctx.io.color;
  const lines = [
    ...(result.created ? [`${c.green('+ created')} FileSet ${result.fileSetName} ${c.dim(`(${result.fileSetId})`)}`] : []),
    ...result.restored.map((p) => `${c.green('+ restored')} ${JSON.stringify(p).slice(1, -1)}`),
    ...result.failed.map((f) => `${c.red('! failed  ')} ${JSON.stringify(f.path).slice(1, -1)}: ${f.message}`),
    '',
    `Restore: ${result.restored.length} file(s) restored into FileSet ${result.fileSetName} (${result.fileSetId})${result.failed.length ? `, ${result.failed.length} failed` : ''}.`,
  ];
  return { kind: 'text', text: lines.join('\n'), status };
}

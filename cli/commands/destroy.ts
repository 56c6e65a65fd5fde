/**
 * `destroy -f MANIFEST --yes`: deletes the FileSets the manifest declares. Without --yes it refuses; on a
 * terminal it asks first, and it never prompts when stdin is not a TTY (CI must not hang).
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { CliError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';
import { connect, readManifest } from './run-manifest';
import { withConnection } from '../connect';
import { onInterrupt } from '../interrupt';

/** Flags of destroy. */
export interface DestroyFlags {
  file: string;
  yes?: boolean;
  format: 'text' | 'json';
  emulator?: boolean;
  backupDir?: string;
}

async function confirm(ctx: Ctx, names: string[]): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: ctx.io.stderr });
  try {
    const answer = await rl.question(
      `Delete ${names.length} FileSet${names.length === 1 ? '' : 's'} (${names.join(', ')}) and all their files? Type "yes" to confirm: `,
    );
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/** Runs destroy. */
export async function run(ctx: Ctx, input: Input<DestroyFlags>): Promise<Outcome> {
  const flags = input.opts;
  // Refuse before any I/O: in CI a missing --yes must fail fast, whatever state the manifest is in.
  if (!flags.yes && !ctx.io.stdinIsTTY) {
    throw new CliError(`destroy deletes every FileSet declared in ${flags.file} and all their files; re-run with --yes to confirm`);
  }
  const manifest = await readManifest(ctx, flags.file);
  if (
    !flags.yes &&
    !(await confirm(
      ctx,
      manifest.filesets.map((f) => f.name),
    ))
  ) {
    throw new CliError('destroy cancelled: nothing was deleted');
  }
  const { destroyManifest }: typeof import('../../loader') = require('../../loader');
  const result = await withConnection(connect(ctx, flags, manifest), async (conn) => {
    const interrupt = onInterrupt(ctx.io);
    try {
      return await destroyManifest(manifest, {
        client: conn.client,
        signal: interrupt.stop,
        ...(flags.backupDir !== undefined ? { backupDir: resolve(ctx.cwd, flags.backupDir) } : {}),
      });
    } finally {
      interrupt.dispose();
    }
  });
  const failed = result.filesets.filter((f) => f.error);
  const status = failed.length > 0 ? new CliError(`destroy: FileSet "${failed[0].name}" was not deleted: ${failed[0].error}`) : undefined;
  if (flags.format === 'json') return { kind: 'json', value: result, status };
  const c = ctx.io.color;
  const lines = result.filesets.map((f) => {
    const backup = f.backup ? c.dim(` — ${f.backup.files} file(s) backed up in ${f.backup.dir}`) : '';
    if (f.error) return `${c.red('! kept   ')} FileSet ${f.name}${f.id ? c.dim(` (${f.id})`) : ''}: ${f.error}`;
    return f.deleted
      ? `${c.red('- deleted')} FileSet ${f.name}${f.id ? c.dim(` (${f.id})`) : ''}${backup}`
      : `${c.dim('  absent ')} FileSet ${f.name} ${c.dim('(nothing to delete)')}`;
  });
  const n = result.filesets.filter((f) => f.deleted).length;
  lines.push(
    '',
    `Destroy: ${n} FileSet${n === 1 ? '' : 's'} deleted, ${result.filesets.filter((f) => !f.deleted && !f.error).length} already absent${failed.length ? `, ${failed.length} kept` : ''}.`,
  );
  return { kind: 'text', text: lines.join('\n'), status };
}

/**
 * `destroy -f MANIFEST --yes`: deletes the FileSets the manifest declares. Without --yes it refuses; on a
 * terminal it asks first, and it never prompts when stdin is not a TTY (CI must not hang).
 */
import { createInterface } from 'node:readline/promises';
import { CliError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';
import { connect, readManifest } from './run-manifest';
import { withConnection } from '../connect';

/** Flags of destroy. */
interface DestroyFlags {
  file: string;
  yes?: boolean;
  format: 'text' | 'json';
  emulator?: boolean;
}

async function confirm(ctx: Ctx, names: string[]): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: ctx.io.stderr });
  try {
    const answer = await rl.question(`Delete ${names.length} FileSet${names.length === 1 ? '' : 's'} (${names.join(', ')}) and all their files? Type "yes" to confirm: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/** Runs destroy. */
export async function run(ctx: Ctx, input: Input): Promise<Outcome> {
  const flags = input.opts as unknown as DestroyFlags;
  // Refuse before any I/O: in CI a missing --yes must fail fast, whatever state the manifest is in.
  if (!flags.yes && !ctx.io.stdinIsTTY) {
    throw new CliError(`destroy deletes every FileSet declared in ${flags.file} and all their files; re-run with --yes to confirm`);
  }
  const manifest = await readManifest(ctx, flags.file);
  if (!flags.yes && !(await confirm(ctx, manifest.filesets.map((f) => f.name)))) {
    throw new CliError('destroy cancelled: nothing was deleted');
  }
  const { destroyManifest } = require('../../loader') as typeof import('../../loader');
  const result = await withConnection(connect(ctx, flags, manifest), (conn) => destroyManifest(manifest, { client: conn.client }));
  if (flags.format === 'json') return { kind: 'json', value: result };
  const c = ctx.io.color;
  const lines = result.filesets.map((f) =>
    f.deleted ? `${c.red('- deleted')} FileSet ${f.name}${f.id ? c.dim(` (${f.id})`) : ''}` : `${c.dim('  absent ')} FileSet ${f.name} ${c.dim('(nothing to delete)')}`,
  );
  const n = result.filesets.filter((f) => f.deleted).length;
  lines.push('', `Destroy: ${n} FileSet${n === 1 ? '' : 's'} deleted, ${result.filesets.length - n} already absent.`);
  return { kind: 'text', text: lines.join('\n') };
}

/** `reindex -f MANIFEST [--failed-only]`: queues the files of the manifest's FileSets for indexing again. */
import { withConnection } from '../connect';
import type { Ctx, Input, Outcome } from '../outcome';
import { connect, readManifest } from './run-manifest';

/** Flags of reindex. */
export interface ReindexFlags {
  file: string;
  failedOnly?: boolean;
  format: 'text' | 'json';
  emulator?: boolean;
}

/** Runs reindex. */
export async function run(ctx: Ctx, input: Input<ReindexFlags>): Promise<Outcome> {
  const flags = input.opts;
  const manifest = await readManifest(ctx, flags.file);
  const { reindexManifest }: typeof import('../../loader/knowledge') = require('../../loader/knowledge');
  const result = await withConnection(connect(ctx, flags, manifest), ({ client }) =>
    reindexManifest(client, manifest, { failedOnly: flags.failedOnly === true }),
  );
  if (flags.format === 'json') return { kind: 'json', value: { filesets: result } };
  const c = ctx.io.color;
  const lines = result.map((r) =>
    r.id === null
      ? `${c.dim('  absent ')} FileSet ${r.name}`
      : `${c.yellow('~ reindex')} FileSet ${r.name} ${c.dim(`(${r.id})`)}: ${r.requested} file(s) requested${r.retried !== null ? `, ${r.retried} queued` : ''}`,
  );
  const n = result.reduce((s, r) => s + r.requested, 0);
  lines.push('', `Reindex: ${n} file(s) requested${flags.failedOnly ? ' (failed only)' : ''}.`);
  return { kind: 'text', text: lines.join('\n') };
}

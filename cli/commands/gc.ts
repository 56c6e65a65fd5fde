/**
 * `gc --name PATTERN [--older-than D] [--keep NAME…] [--yes]`: deletes FileSets whose name matches a pattern
 * with a literal prefix — PR environments left behind when a PR's close job failed or never ran. Without
 * --yes it only lists them (exit 2 when any would be deleted, 0 when none).
 */
import { connectFromEnv, withConnection } from '../connect';
import { ChangesPending, CliError } from '../errors';
import type { Ctx, Input, Outcome } from '../outcome';

/** Flags of gc. */
export interface GcFlags {
  name: string;
  olderThan?: string;
  keep?: string[];
  yes?: boolean;
  format: 'text' | 'json';
}

/** Runs gc. */
export async function run(ctx: Ctx, input: Input<GcFlags>): Promise<Outcome> {
  const flags = input.opts;
  const { deleteGarbage, findGarbage, parseDuration, gcCandidates }: typeof import('../../loader') = require('../../loader');
  gcCandidates([], { pattern: flags.name }); // refuse a bad pattern before any request
  const olderThanMs = flags.olderThan !== undefined ? parseDuration(flags.olderThan) : undefined;
  return withConnection(connectFromEnv(ctx.io), async ({ client }) => {
    const candidates = await findGarbage(client, {
      pattern: flags.name,
      ...(olderThanMs !== undefined ? { olderThanMs } : {}),
      ...(flags.keep ? { keep: flags.keep } : {}),
    });
    const c = ctx.io.color;
    if (!flags.yes) {
      const value = { pattern: flags.name, wouldDelete: candidates, deleted: [] as unknown[] };
      const text =
        candidates.length === 0
          ? `gc: no FileSet matches '${flags.name}'${flags.olderThan ? ` older than ${flags.olderThan}` : ''}; nothing to delete.`
          : [
              ...candidates.map((x) => `${c.red('- would delete')} FileSet ${x.name} ${c.dim(`(${x.id}, last change ${x.lastChange ?? 'unknown'})`)}`),
              '',
              `gc: ${candidates.length} FileSet${candidates.length === 1 ? '' : 's'} would be deleted; re-run with --yes to delete ${candidates.length === 1 ? 'it' : 'them'}.`,
            ].join('\n');
      const status = candidates.length > 0 ? new ChangesPending() : undefined;
      return flags.format === 'json' ? { kind: 'json', value, status } : { kind: 'text', text, status };
    }
    const { deleted, failed } = await deleteGarbage(client, candidates);
    const status =
      failed.length > 0
        ? new CliError(`gc: ${failed.length} of ${candidates.length} FileSet(s) could not be deleted; first: ${failed[0].candidate.name}: ${failed[0].message}`)
        : undefined;
    if (flags.format === 'json')
      return { kind: 'json', value: { pattern: flags.name, deleted, failed: failed.map((f) => ({ ...f.candidate, message: f.message })) }, status };
    const lines = [
      ...deleted.map((x) => `${c.red('- deleted')} FileSet ${x.name} ${c.dim(`(${x.id})`)}`),
      ...failed.map((f) => `${c.red('! failed ')} FileSet ${f.candidate.name} ${c.dim(`(${f.candidate.id})`)}: ${f.message}`),
      '',
      `gc: ${deleted.length} FileSet${deleted.length === 1 ? '' : 's'} deleted${failed.length ? `, ${failed.length} failed` : ''}.`,
    ];
    return { kind: 'text', text: lines.join('\n'), status };
  });
}

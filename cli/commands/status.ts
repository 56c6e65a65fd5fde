/**
 * `status -f MANIFEST`: the knowledge-base state of every FileSet the manifest names — files, bytes, index
 * counts, aiEnabled, owner and access — in text, json or markdown. Read-only.
 */
import type { FileSetStatus } from '../../loader/knowledge';
import { CliError } from '../errors';
import type { Colors } from '../io';
import type { Ctx, Input, Outcome } from '../outcome';
import { mdCode, mdText } from '../render/markdown';
import { formatBytes } from '../render/summary';
import type { Format } from '../validate';
import { connect, readManifest } from './run-manifest';
import { withConnection } from '../connect';

/** Flags of status. */
export interface StatusFlags {
  file: string;
  format: Format;
  emulator?: boolean;
}

function accessText(s: FileSetStatus): string {
  if (s.access === null) return 'unknown';
  if (s.access.length === 0) return 'none';
  return s.access.map((a) => `${a.entityType.toLowerCase()} ${a.entityId}: ${a.permission}`).join(', ');
}

function indexText(s: FileSetStatus): string {
  const i = s.index;
  return `${i.completed} completed, ${i.pending} pending, ${i.failed} failed, ${i.skipped} skipped${i.unknown ? `, ${i.unknown} without status` : ''}`;
}

function renderText(list: FileSetStatus[], c: Colors): string {
  const out: string[] = [];
  for (const s of list) {
    out.push(c.bold(`FileSet ${s.name}`) + (s.id ? c.dim(` (${s.id})`) : c.dim(' (absent)')));
    if (!s.id) continue;
    out.push(`  files     ${s.files} (${formatBytes(s.bytes)})`);
    out.push(`  index     ${indexText(s)}`);
    out.push(`  ai        ${s.aiEnabled === null ? 'unknown' : s.aiEnabled ? 'enabled' : 'disabled'}`);
    out.push(`  owner     ${s.owner ?? 'unknown'} (this token: ${s.permission ?? 'unknown'})`);
    out.push(`  access    ${accessText(s)}`);
  }
  return out.join('\n');
}

function renderMarkdown(list: FileSetStatus[]): string {
  const rows = [
    '| FileSet | Files | Bytes | Indexed | Pending | Failed | AI | Owner | Access |',
    '|---|--:|--:|--:|--:|--:|---|---|---|',
    ...list.map((s) =>
      s.id === null
        ? `| ${mdCode(s.name, true)} | — | — | — | — | — | — | — | absent |`
        : `| ${mdCode(s.name, true)} | ${s.files} | ${formatBytes(s.bytes)} | ${s.index.completed} | ${s.index.pending} | ${s.index.failed} | ${s.aiEnabled ? 'on' : 'off'} | ${mdText(s.owner ?? '?')} | ${mdText(accessText(s))} |`,
    ),
  ];
  return `### domo-filesets status\n\n${rows.join('\n')}\n`;
}

/** Runs status. */
export async function run(ctx: Ctx, input: Input<StatusFlags>): Promise<Outcome> {
  const flags = input.opts;
  const manifest = await readManifest(ctx, flags.file);
  const { manifestStatus }: typeof import('../../loader/knowledge') = require('../../loader/knowledge');
  const list = await withConnection(connect(ctx, flags, manifest), ({ client }) => manifestStatus(client, manifest));
  const failed = list.filter((s) => s.index.failed > 0);
  const status =
    failed.length > 0
      ? new CliError(`status: ${failed.reduce((n, s) => n + s.index.failed, 0)} file(s) failed indexing (FileSet "${failed[0].name}"); see reindex`)
      : undefined;
  if (flags.format === 'json') return { kind: 'json', value: { filesets: list }, status };
  return { kind: 'text', text: flags.format === 'markdown' ? renderMarkdown(list) : renderText(list, ctx.io.color), status };
}

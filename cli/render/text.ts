/**
 * The human report: the actions of each FileSet (capped, so a 10,000-file first sync stays readable),
 * a summary table with a totals row, and a one-sentence conclusion.
 */
import type { FileSetReport, PlanAction, Report } from '../../loader/types';
import type { Colors } from '../io';
import { conclusion, formatBytes, statusOf, statusText, totals, type ReportKind } from './summary';

/** Options of the text renderer. */
export interface TextOptions {
  kind: ReportKind;
  color: Colors;
  /** Most action lines per FileSet (default 100); the rest are counted. */
  maxActions?: number;
}

const SIGN: Record<PlanAction['op'], string> = { upload: '+', replace: '~', delete: '-' };

/** Pads to a width measured without ANSI escapes, so coloured cells line up. */
function pad(s: string, width: number, right = false): string {
  // eslint-disable-next-line no-control-regex
  const visible = s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const fill = ' '.repeat(Math.max(0, width - visible));
  return right ? fill + s : s + fill;
}

function actionLine(a: PlanAction, c: Colors): string {
  const paint = a.op === 'upload' ? c.green : a.op === 'replace' ? c.yellow : c.red;
  const size = a.op === 'delete' ? '' : ` ${c.dim(`(${formatBytes(a.size)})`)}`;
  return `  ${paint(`${SIGN[a.op]} ${a.op.padEnd(7)}`)} ${JSON.stringify(a.path).slice(1, -1)}${size}`;
}

function fileSetSection(fs: FileSetReport, opts: TextOptions): string[] {
  const c = opts.color;
  const max = opts.maxActions ?? 100;
  const head = `${c.bold(`FileSet ${fs.name}`)}${fs.id ? c.dim(` (${fs.id})`) : fs.create ? c.dim(' (new)') : ''}`;
  const lines = [head];
  if (fs.create) lines.push(`  ${c.green('+ create FileSet')}`);
  if (fs.update) lines.push(`  ${c.yellow('~ update description')} ${c.dim(JSON.stringify(fs.update.description))}`);
  for (const a of fs.actions.slice(0, max)) lines.push(actionLine(a, c));
  if (fs.actions.length > max) lines.push(c.dim(`  … and ${fs.actions.length - max} more (see --format json)`));
  if (fs.actions.length === 0 && !fs.create && !fs.update) lines.push(c.dim('  no changes'));
  if (fs.refused) lines.push(`  ${c.red(`! refused by ${fs.refused.guard}: ${fs.refused.message}`)}`);
  if (fs.error) lines.push(`  ${c.red(`! ${fs.error.count} failed; first error: ${fs.error.message}`)}`);
  return lines;
}

/** Renders the report as text for a terminal or a log. */
export function renderText(report: Report, opts: TextOptions): string {
  const c = opts.color;
  const out: string[] = [];
  for (const fs of report.filesets) out.push(...fileSetSection(fs, opts), '');

  const apply = opts.kind === 'apply';
  const header = apply
    ? ['FileSet', 'Uploaded', 'Replaced', 'Deleted', 'Failed', 'Unchanged', 'Bytes', 'Status']
    : ['FileSet', 'Upload', 'Replace', 'Delete', 'Unchanged', 'Bytes', 'Status'];
  const rows: string[][] = report.filesets.map((fs) => {
    const st = statusText(fs, opts.kind);
    const s = statusOf(fs, opts.kind);
    const paint = s === 'refused' || s === 'failed' ? c.red : s === 'unchanged' ? c.dim : c.green;
    const counts = apply
      ? [fs.result?.uploaded ?? 0, fs.result?.replaced ?? 0, fs.result?.deleted ?? 0, fs.result?.failed ?? 0]
      : [fs.summary.upload, fs.summary.replace, fs.summary.delete];
    return [fs.name, ...counts.map(String), String(fs.summary.unchanged), formatBytes(fs.summary.bytes), paint(st)];
  });
  const t = totals(report);
  const totalCounts = apply ? [t.uploaded, t.replaced, t.deleted, t.failed] : [t.upload, t.replace, t.delete];
  rows.push(['Total', ...totalCounts.map(String), String(t.unchanged), formatBytes(t.bytes), '']);

  // eslint-disable-next-line no-control-regex
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => strip(r[i]).length)));
  const numeric = (i: number) => i > 0 && i < header.length - 1;
  const fmt = (r: string[]) => r.map((cell, i) => pad(cell, widths[i], numeric(i))).join('  ').trimEnd();
  out.push(c.bold(fmt(header)));
  rows.forEach((r, i) => out.push(i === rows.length - 1 ? c.bold(fmt(r)) : fmt(r)));
  out.push('', conclusion(report, opts.kind));
  return `${out.join('\n')}\n`;
}

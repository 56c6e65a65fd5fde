/**
 * The human report: the actions of each FileSet (capped, so a 10,000-file first sync stays readable),
 * a summary table with a totals row, and a one-sentence conclusion.
 */
import { describeChange } from '../../loader/changes';
import type { FileSetAction, FileSetReport, PlanAction, Report } from '../../loader/types';
import type { Colors } from '../io';
import {
  conclusion,
  fileSetActions,
  formatBytes,
  isFileAction,
  rowCounts,
  statusOf,
  statusText,
  tableHeader,
  totalCounts,
  totals,
  type ReportKind,
} from './summary';

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
  const what = a.kind === 'directory' ? `${JSON.stringify(a.path).slice(1, -1)}/ ${c.dim('(directory)')}` : JSON.stringify(a.path).slice(1, -1);
  return `  ${paint(`${SIGN[a.op]} ${a.op.padEnd(7)}`)} ${what}${size}`;
}

/** "~ update description "old" → "new"", "+ grant user 12 READ", … */
function changeLine(a: FileSetAction, c: Colors): string {
  const detail =
    a.op === 'update'
      ? ` ${c.dim(`${JSON.stringify(a.from)} → ${JSON.stringify(a.to)}`)}`
      : a.op === 'grant' && a.from
        ? ` ${c.dim(`(was ${a.from})`)}`
        : a.op === 'revoke'
          ? ` ${c.dim(`(was ${a.from})`)}`
          : a.op === 'transfer'
            ? ` ${c.dim(`(from ${a.from ?? 'unknown'})`)}`
            : '';
  const paint = a.op === 'revoke' ? c.red : a.op === 'grant' ? c.green : c.yellow;
  const sign = a.op === 'revoke' ? '-' : a.op === 'grant' ? '+' : '~';
  return `  ${paint(`${sign} ${describeChange(a)}`)}${detail}`;
}

function fileSetSection(fs: FileSetReport, opts: TextOptions): string[] {
  const c = opts.color;
  const max = opts.maxActions ?? 100;
  const head = `${c.bold(`FileSet ${fs.name}`)}${fs.id ? c.dim(` (${fs.id})`) : fs.create ? c.dim(' (new)') : ''}`;
  const lines = [head];
  if (fs.create) lines.push(`  ${c.green('+ create FileSet')}`);
  for (const a of fileSetActions(fs)) lines.push(changeLine(a, c));
  const files = fs.actions.filter(isFileAction);
  for (const a of files.slice(0, max)) lines.push(actionLine(a, c));
  if (files.length > max) lines.push(c.dim(`  … and ${files.length - max} more (see --format json)`));
  if (fs.actions.length === 0 && !fs.create) lines.push(c.dim('  no changes'));
  if (fs.refused) lines.push(`  ${c.red(`! refused by ${fs.refused.guard}: ${fs.refused.message}`)}`);
  for (const p of fs.problems ?? []) lines.push(`  ${c.red(`! blocked: ${p}`)}`);
  if (fs.error) lines.push(`  ${c.red(`! ${fs.error.count} failed; first error: ${fs.error.message}`)}`);
  const skipped = fs.skipped ?? [];
  for (const s of skipped.slice(0, 10)) lines.push(`  ${c.red(`! not done: ${s.op}${s.path ? ` ${JSON.stringify(s.path).slice(1, -1)}` : ''}: ${s.reason}`)}`);
  if (skipped.length > 10) lines.push(c.dim(`  … and ${skipped.length - 10} more not done (see --format json)`));
  if (fs.index) {
    const ix = fs.index;
    const paint = ix.failed.length > 0 || ix.pending > 0 ? c.red : c.green;
    lines.push(`  ${paint(`indexing: ${ix.completed} completed, ${ix.pending} pending, ${ix.failed.length} failed, ${ix.skipped} skipped`)}`);
    for (const f of ix.failed.slice(0, 10)) lines.push(`  ${c.red(`! index failed: ${JSON.stringify(f.path).slice(1, -1)}: ${f.reason}`)}`);
  }
  if (fs.backup) lines.push(c.dim(`  backed up ${fs.backup.files} file(s) before changing them, in ${fs.backup.dir}`));
  if (fs.unverified) lines.push(c.dim(`  ${fs.unverified} file(s) compared without a server SHA-256 (by the hash recorded at upload)`));
  return lines;
}

/** Renders the report as text for a terminal or a log. */
export function renderText(report: Report, opts: TextOptions): string {
  const c = opts.color;
  const out: string[] = [];
  for (const fs of report.filesets) out.push(...fileSetSection(fs, opts), '');

  const header = tableHeader(opts.kind);
  const rows: string[][] = report.filesets.map((fs) => {
    const st = statusText(fs, opts.kind);
    const s = statusOf(fs, opts.kind);
    const paint = s === 'refused' || s === 'failed' || s === 'blocked' || s === 'incomplete' ? c.red : s === 'unchanged' ? c.dim : c.green;
    return [fs.name, ...rowCounts(fs, opts.kind).map(String), String(fs.summary.unchanged), formatBytes(fs.summary.bytes), paint(st)];
  });
  const t = totals(report);
  rows.push(['Total', ...totalCounts(t, opts.kind).map(String), String(t.unchanged), formatBytes(t.bytes), '']);

  // eslint-disable-next-line no-control-regex
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => strip(r[i]).length)));
  const numeric = (i: number) => i > 0 && i < header.length - 1;
  const fmt = (r: string[]) =>
    r
      .map((cell, i) => pad(cell, widths[i], numeric(i)))
      .join('  ')
      .trimEnd();
  out.push(c.bold(fmt(header)));
  rows.forEach((r, i) => out.push(i === rows.length - 1 ? c.bold(fmt(r)) : fmt(r)));
  out.push('', conclusion(report, opts.kind));
  if (report.savedPlan)
    out.push(c.dim(`${opts.kind === 'plan' ? 'Plan saved to' : 'Applied the plan'} ${report.savedPlan.file} (sha256 ${report.savedPlan.digest})`));
  return `${out.join('\n')}\n`;
}

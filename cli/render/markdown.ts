/**
 * The PR-comment report: a heading, a summary table with a totals row, refusals and failures called out,
 * and the actions in a collapsible <details> block (capped: GitHub comments stop at 65,536 characters).
 */
import { describeChange } from '../../loader/changes';
import type { FileSetReport, Report } from '../../loader/types';
import { conclusion, fileSetActions, formatBytes, isFileAction, rowCounts, statusText, tableHeader, totalCounts, totals, type ReportKind } from './summary';

/** Options of the markdown renderer. */
export interface MarkdownOptions {
  kind: ReportKind;
  /** Most action lines in the details block (default 500). */
  maxActions?: number;
}

/** Text that must not be read as markdown or HTML inside a table cell or list item. */
export function mdText(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/** A code span that survives backticks inside the value (and pipes, in a table cell). */
export function mdCode(s: string, inTable = false): string {
  const oneLine = s.replace(/[\r\n]+/g, ' ');
  const clean = inTable ? oneLine.replace(/\|/g, '\\|') : oneLine;
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const padding = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${padding}${clean}${padding}${fence}`;
}

const ICON: Record<string, string> = { upload: '➕', replace: '✏️', delete: '🗑️' };
const SETTING_ICON: Record<string, string> = { update: '✏️', grant: '🔑', revoke: '🚫', transfer: '👤' };

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function notes(fs: FileSetReport): string[] {
  const out: string[] = [];
  if (fs.refused) out.push(`> [!WARNING]\n> ${mdCode(fs.name)} refused by **${fs.refused.guard}**: ${mdText(fs.refused.message)}`);
  for (const p of fs.problems ?? []) out.push(`> [!CAUTION]\n> ${mdCode(fs.name)} blocked: ${mdText(p)}`);
  if (fs.error) out.push(`> [!CAUTION]\n> ${mdCode(fs.name)}: ${fs.error.count} failed; first error: ${mdText(fs.error.message)}`);
  if (fs.index && (fs.index.failed.length > 0 || fs.index.pending > 0)) {
    const ix = fs.index;
    const failed = ix.failed
      .slice(0, 10)
      .map((f) => `\n> - ${mdCode(f.path)}: ${mdText(f.reason)}`)
      .join('');
    out.push(`> [!CAUTION]\n> ${mdCode(fs.name)} indexing: ${ix.completed} completed, ${ix.pending} pending, ${ix.failed.length} failed${failed}`);
  } else if (fs.index) {
    out.push(`> [!NOTE]\n> ${mdCode(fs.name)} indexed: ${fs.index.completed} completed, ${fs.index.skipped} skipped`);
  }
  if (fs.skipped && fs.skipped.length > 0) {
    const s = fs.skipped[0];
    out.push(
      `> [!CAUTION]\n> ${mdCode(fs.name)}: ${fs.skipped.length} planned change(s) not done; first: ${s.op}${s.path ? ` ${mdCode(s.path)}` : ''}: ${mdText(s.reason)}`,
    );
  }
  return out;
}

/** Renders the report as GitHub-flavoured markdown. */
export function renderMarkdown(report: Report, opts: MarkdownOptions): string {
  const title = opts.kind === 'apply' ? 'domo-filesets apply' : opts.kind === 'dry-run' ? 'domo-filesets apply --dry-run' : 'domo-filesets plan';
  const out: string[] = [`### ${title}`, '', conclusion(report, opts.kind), ''];
  if (report.savedPlan) {
    out.push(`${opts.kind === 'plan' ? 'Plan file' : 'Applied plan file'} ${mdCode(report.savedPlan.file)} · sha256 ${mdCode(report.savedPlan.digest)}`, '');
  }
  const header = tableHeader(opts.kind);
  out.push(row(header), row(header.map((_, i) => (i === 0 || i === header.length - 1 ? '---' : '--:'))));
  for (const fs of report.filesets) {
    out.push(row([mdCode(fs.name, true), ...rowCounts(fs, opts.kind), fs.summary.unchanged, formatBytes(fs.summary.bytes), mdText(statusText(fs, opts.kind))]));
  }
  const t = totals(report);
  out.push(row(['**Total**', ...totalCounts(t, opts.kind).map((n) => `**${n}**`), `**${t.unchanged}**`, `**${formatBytes(t.bytes)}**`, '']));

  const warnings = report.filesets.flatMap(notes);
  if (warnings.length > 0) out.push('', warnings.join('\n\n'));

  const all = report.filesets.flatMap((fs) => fs.actions.filter(isFileAction).map((a) => ({ fs, a })));
  const creates = report.filesets.filter((fs) => fs.create);
  const settings = report.filesets.flatMap((fs) => fileSetActions(fs).map((a) => ({ fs, a })));
  if (all.length > 0 || creates.length > 0 || settings.length > 0) {
    const max = opts.maxActions ?? 500;
    out.push('', `<details><summary>Actions (${all.length + creates.length + settings.length})</summary>`, '');
    for (const fs of creates) out.push(`- ➕ **create FileSet** ${mdCode(fs.name)}`);
    for (const { fs, a } of settings) {
      const detail = a.op === 'update' ? `: ${mdCode(JSON.stringify(a.from))} → ${mdCode(JSON.stringify(a.to))}` : '';
      out.push(`- ${SETTING_ICON[a.op]} **${mdText(describeChange(a))}** of ${mdCode(fs.name)}${detail}`);
    }
    for (const { fs, a } of all.slice(0, max)) {
      const size = a.op === 'delete' ? '' : ` (${formatBytes(a.size)})`;
      const where = report.filesets.length > 1 ? ` in ${mdCode(fs.name)}` : '';
      const dir = a.kind === 'directory' ? ' (directory)' : '';
      out.push(`- ${ICON[a.op]} **${a.op}** ${mdCode(a.path)}${dir}${size}${where}`);
    }
    if (all.length > max) out.push(`- … and ${all.length - max} more`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}

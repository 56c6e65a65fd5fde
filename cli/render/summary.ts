/**
 * Facts every renderer derives from a Report the same way: totals, per-FileSet status, byte sizes.
 * Keeping them here makes text and markdown agree with each other and with the exit code.
 */
import { isFileAction } from '../../loader/actions';
import type { FileSetAction, FileSetReport, Report } from '../../loader/types';

export { isFileAction };

/** Which command produced the report: it changes the wording, never the data. */
export type ReportKind = 'plan' | 'apply' | 'dry-run';

/** Sums of a report's summaries and results. */
export interface Totals {
  upload: number;
  replace: number;
  delete: number;
  unchanged: number;
  bytes: number;
  uploaded: number;
  replaced: number;
  deleted: number;
  failed: number;
  refused: number;
  /** FileSets blocked by planning problems. */
  blocked: number;
  /** Planned changes apply did not make. */
  skipped: number;
}

/** Adds up every FileSet of the report. */
export function totals(report: Report): Totals {
  const t: Totals = {
    upload: 0,
    replace: 0,
    delete: 0,
    unchanged: 0,
    bytes: 0,
    uploaded: 0,
    replaced: 0,
    deleted: 0,
    failed: 0,
    refused: 0,
    blocked: 0,
    skipped: 0,
  };
  for (const fs of report.filesets) {
    t.upload += fs.summary.upload;
    t.replace += fs.summary.replace;
    t.delete += fs.summary.delete;
    t.unchanged += fs.summary.unchanged;
    t.bytes += fs.summary.bytes;
    if (fs.result) {
      t.uploaded += fs.result.uploaded;
      t.replaced += fs.result.replaced;
      t.deleted += fs.result.deleted;
      t.failed += fs.result.failed;
    }
    if (fs.refused) t.refused += 1;
    if (fs.problems && fs.problems.length > 0) t.blocked += 1;
    t.skipped += fs.skipped?.length ?? 0;
  }
  return t;
}

/** The FileSet-level actions (update, grant, revoke, transfer) of a FileSet. */
export function fileSetActions(fs: FileSetReport): FileSetAction[] {
  return fs.actions.filter((a): a is FileSetAction => !isFileAction(a));
}

/** Number of file actions of a FileSet. */
function fileChanges(fs: FileSetReport): number {
  return fs.summary.upload + fs.summary.replace + fs.summary.delete;
}

/** True when the plan would change anything (a file action, a FileSet-level action or a FileSet to create). */
export function hasChanges(report: Report): boolean {
  return report.filesets.some((fs) => fs.create === true || fileSetActions(fs).length > 0 || fileChanges(fs) > 0);
}

/** Coarse state of one FileSet, used for the status column and colour. */
export type Status = 'refused' | 'blocked' | 'failed' | 'incomplete' | 'create' | 'changes' | 'unchanged' | 'applied';

/** The status of a FileSet in a report of the given kind. */
export function statusOf(fs: FileSetReport, kind: ReportKind): Status {
  if (fs.refused) return 'refused';
  if (fs.problems && fs.problems.length > 0) return 'blocked';
  if ((fs.result?.failed ?? 0) > 0 || fs.error) return 'failed';
  if (fs.skipped && fs.skipped.length > 0) return 'incomplete';
  const changes = fileChanges(fs) > 0 || fileSetActions(fs).length > 0;
  if (kind === 'apply') return changes || fs.create ? 'applied' : 'unchanged';
  if (fs.create) return 'create';
  return changes ? 'changes' : 'unchanged';
}

/** Human words for a status, with the detail a reader needs (which guard, how many failed). */
export function statusText(fs: FileSetReport, kind: ReportKind): string {
  switch (statusOf(fs, kind)) {
    case 'refused':
      return `refused (${fs.refused?.guard})`;
    case 'blocked':
      return `blocked (${fs.problems?.length ?? 0} problem${fs.problems?.length === 1 ? '' : 's'})`;
    case 'failed':
      return `${fs.error?.count ?? fs.result?.failed ?? 0} failed`;
    case 'incomplete':
      return `${fs.skipped?.length ?? 0} not done`;
    case 'create':
      return 'create';
    case 'changes':
      return 'changes';
    case 'applied':
      return fs.create ? 'created' : 'applied';
    default:
      return 'no changes';
  }
}

/** Header of the summary table (text and markdown): the counts an apply reports, or those a plan plans. */
export function tableHeader(kind: ReportKind): string[] {
  return kind === 'apply'
    ? ['FileSet', 'Uploaded', 'Replaced', 'Deleted', 'Failed', 'Unchanged', 'Bytes', 'Status']
    : ['FileSet', 'Upload', 'Replace', 'Delete', 'Unchanged', 'Bytes', 'Status'];
}

/** The count columns of one FileSet's row (between its name and "Unchanged"). */
export function rowCounts(fs: FileSetReport, kind: ReportKind): number[] {
  return kind === 'apply'
    ? [fs.result?.uploaded ?? 0, fs.result?.replaced ?? 0, fs.result?.deleted ?? 0, fs.result?.failed ?? 0]
    : [fs.summary.upload, fs.summary.replace, fs.summary.delete];
}

/** The count columns of the totals row. */
export function totalCounts(t: Totals, kind: ReportKind): number[] {
  return kind === 'apply' ? [t.uploaded, t.replaced, t.deleted, t.failed] : [t.upload, t.replace, t.delete];
}

/** 1536 → "1.5 KiB": binary units, one decimal above bytes. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Number.isFinite(n) ? n : 0} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = -1;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** One-sentence conclusion, like terraform's "Plan: 1 to add, …". */
export function conclusion(report: Report, kind: ReportKind): string {
  const t = totals(report);
  const creates = report.filesets.filter((fs) => fs.create).length;
  if (kind === 'apply') {
    if (!hasChanges(report) && t.refused === 0 && t.failed === 0 && t.blocked === 0) return `Apply: no changes (${t.unchanged} unchanged).`;
    const parts = [`${t.uploaded} uploaded`, `${t.replaced} replaced`, `${t.deleted} deleted`, `${t.failed} failed`];
    if (creates > 0) parts.unshift(`${creates} FileSet${creates === 1 ? '' : 's'} created`);
    if (t.skipped > 0) parts.push(`${t.skipped} not done`);
    if (t.refused > 0) parts.push(`${t.refused} refused`);
    if (t.blocked > 0) parts.push(`${t.blocked} blocked`);
    return `Apply: ${parts.join(', ')}${report.interrupted ? `; interrupted by ${report.interrupted.signal}` : ''}.`;
  }
  const label = kind === 'dry-run' ? 'Dry run' : 'Plan';
  if (!hasChanges(report) && t.refused === 0 && t.blocked === 0) return `${label}: no changes (${t.unchanged} unchanged).`;
  const parts = [`${t.upload} to upload`, `${t.replace} to replace`, `${t.delete} to delete`, `${t.unchanged} unchanged`];
  const settings = report.filesets.reduce((n, fs) => n + fileSetActions(fs).length, 0);
  if (settings > 0) parts.unshift(`${settings} FileSet setting${settings === 1 ? '' : 's'} to change`);
  if (creates > 0) parts.unshift(`${creates} FileSet${creates === 1 ? '' : 's'} to create`);
  if (t.refused > 0) parts.push(`${t.refused} refused`);
  if (t.blocked > 0) parts.push(`${t.blocked} blocked`);
  return `${label}: ${parts.join(', ')}.`;
}

/** Telling a report's file actions from its FileSet-level ones. */
import type { FileSetAction, FileSetReport, PlanAction } from './types';

/** True for an action on a file (upload, replace, delete), false for a FileSet-level one (update, grant, revoke, transfer). */
export function isFileAction(a: PlanAction | FileSetAction): a is PlanAction {
  return a.op === 'upload' || a.op === 'replace' || a.op === 'delete';
}

/** The file actions of a FileSet's report, in report order. */
export function fileActions(fs: Pick<FileSetReport, 'actions'>): PlanAction[] {
  return fs.actions.filter(isFileAction);
}

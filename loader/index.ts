/** domo-filesets/loader: the GitOps bulk loader (manifest → scan → remote listing → plan → apply → report). */
export { loadManifest, parseManifest } from './manifest';
export { planManifest, applyManifest, destroyManifest, createPlan, applyPlan, stateDirOf } from './manifest-ops';
export type { PlanManifestOptions, ApplyManifestOptions, DestroyResult } from './manifest-ops';
export type { RunOptions } from './run';
export { DEFAULT_CONCURRENCY } from './run';
export { planFolder, applyFolder, syncFolder, folderDigest, removeFolderFiles } from './folder';
export type { FolderOptions, FolderSyncResult, FolderDigest } from './folder';
export { buildReport } from './report';
export { isFileAction, fileActions } from './actions';
export { readPlanFile, writePlanFile, stalenessOf, planDigest } from './saved-plan';
export { restoreBackup, readBackup, BACKUP_INDEX } from './backup';
export type { BackupIndex, BackupFile, RestoreResult } from './backup';
export { findGarbage, deleteGarbage, gcCandidates, parseDuration } from './gc';
export type { GcOptions, GcCandidate } from './gc';
export { describeChange } from './changes';
export { LoaderError, ManifestError, GuardError, isLoaderError } from './errors';
export * from './types';

/** domo-filesets/loader: the GitOps bulk loader (manifest → scan → remote listing → plan → apply → report). */
export { loadManifest } from './manifest';
export { planManifest, applyManifest, destroyManifest } from './manifest-ops';
export type { PlanManifestOptions, ApplyManifestOptions, DestroyResult } from './manifest-ops';
export { syncFolder, folderDigest, removeFolderFiles } from './folder';
export type { FolderSyncOptions, FolderSyncResult, FolderDigestOptions } from './folder';
export { LoaderError, ManifestError, GuardError, isLoaderError } from './errors';
export * from './types';

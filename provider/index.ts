/** domo-filesets/provider: Pulumi dynamic resources for Domo FileSets (FileSet, FileSetAccess, FileSetFile, FileSetFolder). */
export { FileSet } from './fileset';
export type { FileSetArgs, FileSetInputs, FileSetOutputs } from './fileset';
export { FileSetAccess } from './access';
export type { FileSetAccessArgs, FileSetAccessInputs, FileSetAccessOutputs, FileSetGrantArgs } from './access';
export type { FileSetGrant, GrantPermission } from './grants';
export { FileSetFile } from './file';
export type { FileSetFileArgs, FileSetFileInputs, FileSetFileOutputs } from './file';
export { FileSetFolder } from './folder';
export type { FileSetFolderArgs, FileSetFolderInputs, FileSetFolderOutputs } from './folder';

/** domo-filesets/provider: Pulumi dynamic resources for Domo FileSets (FileSet, FileSetFile, FileSetFolder). */
export { FileSet } from './fileset';
export type { FileSetArgs, FileSetInputs, FileSetOutputs } from './fileset';
export { FileSetFile } from './file';
export type { FileSetFileArgs, FileSetFileInputs, FileSetFileOutputs } from './file';
export { FileSetFolder } from './folder';
export type { FileSetFolderArgs, FileSetFolderInputs, FileSetFolderOutputs } from './folder';

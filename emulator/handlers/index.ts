/** Operation id → handler. */
import type { App } from '../app';
import type { Ctx, Result } from '../context';
import * as files from './files';
import * as filesets from './filesets';
import { queryFileSet } from './query';
import * as split from './split';

/** A route handler: returns a value, never writes the response itself. */
export type Handler = (app: App, ctx: Ctx) => Promise<Result>;

/** Every API operation the emulator serves, by OpenAPI operation id. */
export const HANDLERS: Record<string, Handler> = {
  createFileSet: filesets.createFileSet,
  getFileSet: filesets.getFileSet,
  updateFileSet: filesets.updateFileSet,
  deleteFileSet: filesets.deleteFileSet,
  listFileSets: filesets.listFileSets,
  createFile: files.createFile,
  listFilesForFileset: files.listFilesForFileset,
  getFile: files.getFile,
  getFileByPath: files.getFileByPath,
  download: files.download,
  downloadByPath: files.downloadByPath,
  getFileContent: files.getFileContent,
  deleteFile: files.deleteFile,
  deleteFileByPath: files.deleteFileByPath,
  queryFileSet,
  initiateSplitFileUpload: split.initiateSplitFileUpload,
  uploadSplitFilePart: split.uploadSplitFilePart,
  finalizeSplitFileUpload: split.finalizeSplitFileUpload,
  abortSplitFileUpload: split.abortSplitFileUpload,
};

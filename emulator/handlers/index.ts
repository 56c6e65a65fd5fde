/** Operation id → handler, behind the one permission check every FileSet route passes. */
import { allows, permissionOf } from '../access';
import type { App } from '../app';
import type { Ctx, Result } from '../context';
import { errors } from '../errors';
import type { Route } from '../router';
import * as access from './access';
import * as files from './files';
import * as filesets from './filesets';
import * as indexing from './indexing';
import { queryFileSet } from './query';
import * as split from './split';

/** A route handler: returns a value, never writes the response itself. */
type Handler = (app: App, ctx: Ctx) => Promise<Result>;

/** Every API operation the emulator serves, by OpenAPI operation id. */
const HANDLERS: Record<string, Handler> = {
  createFileSet: filesets.createFileSet,
  getFileSet: filesets.getFileSet,
  updateFileSet: filesets.updateFileSet,
  deleteFileSet: filesets.deleteFileSet,
  listFileSets: filesets.listFileSets,
  getAccess: access.getAccess,
  updateAccess: access.updateAccess,
  updateOwnership: access.updateOwnership,
  getFileSetStats: indexing.getFileSetStats,
  reindexFileSetFiles: indexing.reindexFileSetFiles,
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

/**
 * Runs the route's handler once the caller is known to hold the permission the route needs on its FileSet:
 * a missing FileSet answers the readings' missing status, one the caller lacks rights on answers 403.
 */
export async function dispatch(app: App, ctx: Ctx, route: Route): Promise<Result> {
  if (route.needs !== null) {
    const id = ctx.params.fileSetId;
    const fs = app.store.getFileSet(id);
    if (!fs) throw app.missing(`FileSet ${id} not found`);
    const have = permissionOf(fs, ctx.caller);
    if (!allows(have, route.needs)) {
      const what = have === 'NONE' ? 'has no access to' : `has ${have} permission on`;
      throw errors.forbidden(`User ${ctx.caller.userId} ${what} FileSet ${id}; ${route.operationId} needs ${route.needs}`);
    }
  }
  return HANDLERS[route.operationId](app, ctx);
}

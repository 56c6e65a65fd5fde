/** The knowledge-base side of a FileSet: its statistics and re-indexing of files. */
import { App } from '../app';
import { type Ctx, json, readJson, type Result } from '../context';
import { errors } from '../errors';
import { fileSetOut, mustFileSet, objectBody } from './common';

const TYPE_COUNTS: Record<string, string> = {
  IMAGE: 'imageFileTypeCount',
  AUDIO: 'audioFileTypeCount',
  VIDEO: 'videoFileTypeCount',
  TEXT: 'textFileTypeCount',
  DOCUMENT: 'documentFileTypeCount',
  OTHER: 'otherFileTypeCount',
};

const STATUS_COUNTS: Record<string, string> = {
  PENDING: 'indexQueuedCount',
  QUEUED: 'indexQueuedCount',
  IN_PROGRESS: 'indexInProgressCount',
  RAG_RECEIVED: 'indexInProgressCount',
  COMPLETED: 'indexCompleteCount',
  FAILED: 'indexFailedCount',
  SKIPPED: 'indexSkippedCount',
};

/**
 * GET /filesets/{id}/stats. The spec's schema says FileSet while its example gives counts, so the answer
 * has both: every FileSet field, files per type, and files per index state (notIndexedCount: no state).
 */
export async function getFileSetStats(app: App, ctx: Ctx): Promise<Result> {
  const fs = mustFileSet(app, ctx.params.fileSetId);
  const counts: Record<string, number> = { notIndexedCount: 0 };
  for (const k of [...Object.values(TYPE_COUNTS), ...Object.values(STATUS_COUNTS)]) counts[k] = 0;
  for (const n of app.store.scan(fs.id, { under: '' })) {
    if (n.kind !== 'FILE') continue;
    counts[TYPE_COUNTS[n.fileType] ?? 'otherFileTypeCount']++;
    counts[(n.indexStatus && STATUS_COUNTS[n.indexStatus]) || 'notIndexedCount']++;
  }
  return json(200, { ...fileSetOut(app, ctx, fs), ...counts });
}

/** POST /filesets/{id}/files/reindex {fileIds} → 202 {retriedFilesCount}: the files go PENDING again. */
export async function reindexFileSetFiles(app: App, ctx: Ctx): Promise<Result> {
  const b = objectBody(await readJson(ctx));
  if (!Array.isArray(b.fileIds) || !b.fileIds.every((id) => typeof id === 'string')) throw errors.badRequest('fileIds must be an array of file ids');
  const fs = mustFileSet(app, ctx.params.fileSetId);
  const retriedFilesCount = await app.indexer.requeue(fs.id, b.fileIds as string[]);
  return json(202, { retriedFilesCount });
}

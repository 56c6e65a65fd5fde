/**
 * The checks, in the order they run and print: each pairs the I/O that gathers its observations with the
 * pure verdict on them. The listing checks run after the uploads (so the scratch FileSet has entries to
 * page through), the query after indexing, and the rate-limit check last (it reads every earlier answer).
 */
import {
  gatherCascade,
  gatherDeleteFile,
  gatherDeleteFileSet,
  gatherEndCursor,
  gatherIndex,
  gatherMaxLimit,
  gatherMissing,
  gatherQuery,
  gatherRateLimit,
} from './gather-api';
import { gatherContentType, gatherImplicitDirs, gatherOverwrite, gatherPathFidelity, gatherSha256, gatherSplit, gatherUploadField } from './gather-uploads';
import type { GatherCtx } from './io';
import {
  judgeCascade,
  judgeDeleteFile,
  judgeDeleteFileSet,
  judgeEndCursor,
  judgeIndex,
  judgeMaxLimit,
  judgeMissing,
  judgeQuery,
  judgeRateLimit,
} from './judge-api';
import { judgeContentType, judgeImplicitDirs, judgeOverwrite, judgePathFidelity, judgeSha256, judgeSplit, judgeUploadField } from './judge-uploads';
import type { Verdict } from './types';

/** One check: what it tests, how it observes, and what it concludes. */
export interface Check<O = unknown> {
  id: string;
  assumption: string;
  gather(ctx: GatherCtx): Promise<O>;
  judge(observation: O): Verdict;
}

function check<O>(id: string, assumption: string, gather: (ctx: GatherCtx) => Promise<O>, judge: (o: O) => Verdict): Check {
  return { id, assumption, gather, judge: judge as (o: unknown) => Verdict };
}

/** Every check of the probe. */
export const CHECKS: readonly Check[] = [
  check('uploadField', 'Upload field that sets the directory', gatherUploadField, judgeUploadField),
  check('pathFidelity', 'Returned path equals requested path', gatherPathFidelity, judgePathFidelity),
  check('overwrite', 'Re-upload to an existing path', gatherOverwrite, judgeOverwrite),
  check('implicitDirs', 'Implicit parent directories', gatherImplicitDirs, judgeImplicitDirs),
  check('sha256', 'SHA-256 in upload answers and listings', gatherSha256, judgeSha256),
  check('contentType', 'Declared content type (.txt sent as text/markdown)', gatherContentType, judgeContentType),
  check('splitUpload', 'Split upload part numbers and order', gatherSplit, judgeSplit),
  check('maxLimit', 'Largest listing limit accepted', gatherMaxLimit, judgeMaxLimit),
  check('endCursor', 'End-of-listing cursor', gatherEndCursor, judgeEndCursor),
  check('deleteFile', 'File delete status', gatherDeleteFile, judgeDeleteFile),
  check('deleteFileSet', 'FileSet delete status', gatherDeleteFileSet, judgeDeleteFileSet),
  check('cascadeDelete', 'Deleting a non-empty FileSet', gatherCascade, judgeCascade),
  check('missingStatus', 'Status for a missing id', gatherMissing, judgeMissing),
  check('indexWait', 'Time until a new file leaves PENDING', gatherIndex, judgeIndex),
  check('queryShape', 'Query response shape', gatherQuery, judgeQuery),
  check('rateLimitHeaders', 'Rate-limit headers', gatherRateLimit, judgeRateLimit),
];

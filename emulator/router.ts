/** Method + path → OpenAPI operation id, path parameters, and the permission the operation needs. */
import type { Permission } from './store/types';

/** A matched API route. */
export interface Route {
  operationId: string;
  params: Record<string, string>;
  /**
   * The caller's least permission on the FileSet named by the path; null when the route names no FileSet
   * or is authorized otherwise (the content route's download token).
   */
  needs: Permission | null;
}

const ID = '([^/]+)';
const P = '/api/files/v1/filesets';

type Row = [method: string, re: RegExp, op: string, names: string[], needs: Permission | null];

const TABLE: Row[] = [
  ['POST', new RegExp(`^${P}$`), 'createFileSet', [], null],
  ['POST', new RegExp(`^${P}/search$`), 'listFileSets', [], null],
  ['GET', new RegExp(`^${P}/${ID}$`), 'getFileSet', ['fileSetId'], 'READ'],
  ['POST', new RegExp(`^${P}/${ID}$`), 'updateFileSet', ['fileSetId'], 'EDIT'],
  ['DELETE', new RegExp(`^${P}/${ID}$`), 'deleteFileSet', ['fileSetId'], 'OWNER'],
  ['GET', new RegExp(`^${P}/${ID}/access$`), 'getAccess', ['fileSetId'], 'READ'],
  ['POST', new RegExp(`^${P}/${ID}/access$`), 'updateAccess', ['fileSetId'], 'OWNER'],
  ['POST', new RegExp(`^${P}/${ID}/ownership$`), 'updateOwnership', ['fileSetId'], 'OWNER'],
  ['GET', new RegExp(`^${P}/${ID}/stats$`), 'getFileSetStats', ['fileSetId'], 'READ'],
  ['POST', new RegExp(`^${P}/${ID}/files$`), 'createFile', ['fileSetId'], 'EDIT'],
  ['POST', new RegExp(`^${P}/${ID}/files/search$`), 'listFilesForFileset', ['fileSetId'], 'READ'],
  ['POST', new RegExp(`^${P}/${ID}/files/reindex$`), 'reindexFileSetFiles', ['fileSetId'], 'EDIT'],
  ['POST', new RegExp(`^${P}/${ID}/files/multipart$`), 'initiateSplitFileUpload', ['fileSetId'], 'EDIT'],
  ['POST', new RegExp(`^${P}/${ID}/files/multipart/${ID}/part/${ID}$`), 'uploadSplitFilePart', ['fileSetId', 'fileId', 'partNumber'], 'EDIT'],
  ['POST', new RegExp(`^${P}/${ID}/files/multipart/${ID}/finalize$`), 'finalizeSplitFileUpload', ['fileSetId', 'fileId'], 'EDIT'],
  ['POST', new RegExp(`^${P}/${ID}/files/multipart/${ID}/abort$`), 'abortSplitFileUpload', ['fileSetId', 'fileId'], 'EDIT'],
  ['GET', new RegExp(`^${P}/${ID}/files/${ID}$`), 'getFile', ['fileSetId', 'fileId'], 'READ'],
  ['DELETE', new RegExp(`^${P}/${ID}/files/${ID}$`), 'deleteFile', ['fileSetId', 'fileId'], 'EDIT'],
  ['GET', new RegExp(`^${P}/${ID}/files/${ID}/download$`), 'download', ['fileSetId', 'fileId'], 'READ'],
  ['GET', new RegExp(`^${P}/${ID}/files/${ID}/content$`), 'getFileContent', ['fileSetId', 'fileId'], null],
  ['GET', new RegExp(`^${P}/${ID}/path$`), 'getFileByPath', ['fileSetId'], 'READ'],
  ['DELETE', new RegExp(`^${P}/${ID}/path$`), 'deleteFileByPath', ['fileSetId'], 'EDIT'],
  ['GET', new RegExp(`^${P}/${ID}/path/download$`), 'downloadByPath', ['fileSetId'], 'READ'],
  ['POST', new RegExp(`^${P}/${ID}/query$`), 'queryFileSet', ['fileSetId'], 'READ'],
];

/** Every operation id the router knows. */
export const OPERATION_IDS: readonly string[] = TABLE.map((r) => r[2]);

/** The route, 'method' when the path exists under another method, or null. */
export function matchRoute(method: string, pathname: string): Route | 'method' | null {
  let pathMatched = false;
  for (const [m, re, op, names, needs] of TABLE) {
    const hit = re.exec(pathname);
    if (!hit) continue;
    if (m !== method) {
      pathMatched = true;
      continue;
    }
    const params: Record<string, string> = {};
    names.forEach((n, i) => {
      params[n] = safeDecode(hit[i + 1]);
    });
    return { operationId: op, params, needs };
  }
  return pathMatched ? 'method' : null;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

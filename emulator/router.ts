/** Method + path → OpenAPI operation id and path parameters. */

/** A matched API route. */
export interface Route {
  operationId: string;
  params: Record<string, string>;
}

const ID = '([^/]+)';
const P = '/api/files/v1/filesets';

const TABLE: [method: string, re: RegExp, op: string, names: string[]][] = [
  ['POST', new RegExp(`^${P}$`), 'createFileSet', []],
  ['POST', new RegExp(`^${P}/search$`), 'listFileSets', []],
  ['GET', new RegExp(`^${P}/${ID}$`), 'getFileSet', ['fileSetId']],
  ['POST', new RegExp(`^${P}/${ID}$`), 'updateFileSet', ['fileSetId']],
  ['DELETE', new RegExp(`^${P}/${ID}$`), 'deleteFileSet', ['fileSetId']],
  ['POST', new RegExp(`^${P}/${ID}/files$`), 'createFile', ['fileSetId']],
  ['POST', new RegExp(`^${P}/${ID}/files/search$`), 'listFilesForFileset', ['fileSetId']],
  ['POST', new RegExp(`^${P}/${ID}/files/multipart$`), 'initiateSplitFileUpload', ['fileSetId']],
  ['POST', new RegExp(`^${P}/${ID}/files/multipart/${ID}/part/${ID}$`), 'uploadSplitFilePart', ['fileSetId', 'fileId', 'partNumber']],
  ['POST', new RegExp(`^${P}/${ID}/files/multipart/${ID}/finalize$`), 'finalizeSplitFileUpload', ['fileSetId', 'fileId']],
  ['POST', new RegExp(`^${P}/${ID}/files/multipart/${ID}/abort$`), 'abortSplitFileUpload', ['fileSetId', 'fileId']],
  ['GET', new RegExp(`^${P}/${ID}/files/${ID}$`), 'getFile', ['fileSetId', 'fileId']],
  ['DELETE', new RegExp(`^${P}/${ID}/files/${ID}$`), 'deleteFile', ['fileSetId', 'fileId']],
  ['GET', new RegExp(`^${P}/${ID}/files/${ID}/download$`), 'download', ['fileSetId', 'fileId']],
  ['GET', new RegExp(`^${P}/${ID}/files/${ID}/content$`), 'getFileContent', ['fileSetId', 'fileId']],
  ['GET', new RegExp(`^${P}/${ID}/path$`), 'getFileByPath', ['fileSetId']],
  ['DELETE', new RegExp(`^${P}/${ID}/path$`), 'deleteFileByPath', ['fileSetId']],
  ['GET', new RegExp(`^${P}/${ID}/path/download$`), 'downloadByPath', ['fileSetId']],
  ['POST', new RegExp(`^${P}/${ID}/query$`), 'queryFileSet', ['fileSetId']],
];

/** The route, 'method' when the path exists under another method, or null. */
export function matchRoute(method: string, pathname: string): Route | 'method' | null {
  let pathMatched = false;
  for (const [m, re, op, names] of TABLE) {
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
    return { operationId: op, params };
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

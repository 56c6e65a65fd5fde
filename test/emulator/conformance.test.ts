/**
 * Conformance: replays the examples of the older API reference the project was created from (the document
 * the `seed` profile follows) with its headers and FormData exactly as it writes them, and checks the
 * fields its responses document.
 * `{instance}.domo.com` becomes the emulator's URL; `<your-token-here>` the emulator's token.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the reference's examples read untyped JSON */
import { startEmulator, type EmulatorHandle } from '../../emulator';

let e: EmulatorHandle;
let base: string;
const token = '<your-token-here>';
beforeAll(async () => {
  // Indexing settles within the upload, so answers about one file agree from one request to the next.
  e = await startEmulator({ token, indexDelayMs: 0 });
  base = e.url;
});
afterAll(() => e.close());

const FILE_FIELDS = [
  'id',
  'path',
  'name',
  'fileType',
  'contentType',
  'size',
  'hash',
  'hashAlgorithm',
  'downloadUrl',
  'created',
  'createdBy',
  'connectorKey',
  'indexStatus',
  'indexReason',
];
const FILESET_FIELDS = [
  'id',
  'name',
  'description',
  'aiEnabled',
  'indexStatus',
  'batchType',
  'connector',
  'created',
  'createdBy',
  'updated',
  'updatedBy',
  'owner',
  'accountId',
  'connectorContext',
  'permission',
  'size',
  'fileCount',
];

function hasFields(obj: any, fields: string[]): void {
  for (const f of fields) expect(obj).toHaveProperty(f);
}

/** Upload File, as the reference writes it (fileInput.files[0] is a File). */
async function uploadAsReference(filesetId: string, content: string, name: string, directoryPath: string): Promise<any> {
  const formdata = new FormData();
  formdata.append('file', new File([content], name), name);
  formdata.append('createFileRequest', JSON.stringify({ directoryPath }));
  const requestOptions: RequestInit = {
    method: 'POST',
    headers: {
      'X-DOMO-Developer-Token': token,
      // Note: Do not set Content-Type header; browser will set it automatically for FormData
    },
    body: formdata,
    redirect: 'follow',
  };
  return fetch(`${base}/api/files/v1/filesets/${filesetId}/files`, requestOptions).then((response) => response.json());
}

const jsonHeaders = () => ({ 'X-DOMO-Developer-Token': token, 'Content-Type': 'application/json' });

describe('the API reference’s examples against the emulator', () => {
  let filesetId: string;
  let rules: any;

  it('Create FileSet', async () => {
    const response = await fetch(`${base}/api/files/v1/filesets`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({ name: 'Sample FileSet', description: 'A sample FileSet for demonstration purposes.' }),
    });
    expect(response.ok).toBe(true);
    const result = (await response.json()) as any;
    expect(result).toMatchObject({ name: 'Sample FileSet', description: 'A sample FileSet for demonstration purposes.', createdBy: expect.any(Number) });
    expect(Date.parse(result.created)).not.toBeNaN();
    hasFields(result, FILESET_FIELDS);
    filesetId = result.id;
  });

  it('Get FileSet by Id and Update FileSet by Id', async () => {
    const got = (await fetch(`${base}/api/files/v1/filesets/${filesetId}`, { method: 'GET', headers: jsonHeaders() }).then((r) => r.json())) as any;
    expect(got).toMatchObject({ id: filesetId, name: 'Sample FileSet' });
    hasFields(got, FILESET_FIELDS);
    const updated = (await fetch(`${base}/api/files/v1/filesets/${filesetId}`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({ name: 'Updated FileSet Name', description: 'Updated description.' }),
    }).then((r) => r.json())) as any;
    expect(updated).toMatchObject({ id: filesetId, name: 'Updated FileSet Name', description: 'Updated description.' });
  });

  it('Upload File', async () => {
    rules = await uploadAsReference(filesetId, 'Rule 1: be kind.\n', 'rules.txt', '');
    expect(rules).toMatchObject({ path: 'rules.txt', name: 'rules.txt', fileType: 'TEXT', contentType: 'text/plain', size: 17, createdBy: expect.any(Number) });
    expect(typeof rules.id).toBe('string');
    expect(Date.parse(rules.created)).not.toBeNaN();
  });

  it('Get File by Path and Get File by Id', async () => {
    const byPath = (await fetch(`${base}/api/files/v1/filesets/${filesetId}/path?path=${'rules.txt'}`, { method: 'GET', headers: jsonHeaders() }).then((r) =>
      r.json(),
    )) as any;
    hasFields(byPath, FILE_FIELDS);
    expect(byPath).toMatchObject({ id: rules.id, path: 'rules.txt', hashAlgorithm: 'SHA_256_HEX', hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const byId = (await fetch(`${base}/api/files/v1/filesets/${filesetId}/files/${rules.id}`, { method: 'GET', headers: jsonHeaders() }).then((r) =>
      r.json(),
    )) as any;
    expect(byId).toEqual(byPath);
    expect(byId.downloadUrl).toBe(`${base}/api/files/v1/filesets/${filesetId}/files/${rules.id}/download`);
  });

  it('Download File by Id (fetch follows the redirect; .blob() holds the bytes)', async () => {
    const blob = await fetch(`${base}/api/files/v1/filesets/${filesetId}/files/${rules.id}/download`, { method: 'GET', headers: jsonHeaders() }).then(
      (response) => response.blob(),
    );
    expect(await blob.text()).toBe('Rule 1: be kind.\n');
  });

  it('Search Files in FileSet (Example 1 and Example 2)', async () => {
    await uploadAsReference(filesetId, '%PDF-1.4 quarterly', 'quarterly-report.pdf', 'reports');
    await uploadAsReference(filesetId, '%PDF-1.4 annual', 'annual-report.pdf', 'reports');
    await uploadAsReference(filesetId, 'notes', 'notes.txt', 'reports');
    const ex1 = (await fetch(`${base}/api/files/v1/filesets/${filesetId}/files/search`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({}),
    }).then((r) => r.json())) as any;
    expect(ex1.files.map((f: any) => f.path)).toEqual([
      'reports',
      'reports/annual-report.pdf',
      'reports/notes.txt',
      'reports/quarterly-report.pdf',
      'rules.txt',
    ]);
    const ex2 = (await fetch(`${base}/api/files/v1/filesets/${filesetId}/files/search?directoryPath=reports&limit=20`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({
        fieldSort: [{ field: 'name', order: 'ASC' }],
        filters: [{ field: 'name', value: ['.pdf'], operator: 'LIKE', not: false }],
        dateFilters: [{ field: 'created', start: new Date(Date.now() - 30 * 24 * 60 * 60 * 1000).toISOString(), end: new Date().toISOString() }],
      }),
    }).then((r) => r.json())) as any;
    expect(ex2.files.map((f: any) => f.name)).toEqual(['annual-report.pdf', 'quarterly-report.pdf']);
    for (const f of ex2.files) {
      hasFields(f, ['id', 'path', 'name', 'fileType', 'contentType', 'size', 'hash', 'hashAlgorithm', 'downloadUrl', 'created', 'createdBy']);
      expect(f).toMatchObject({ contentType: 'application/pdf', fileType: 'DOCUMENT', hashAlgorithm: 'SHA_256_HEX' });
    }
    expect(ex2.pageContext.next).toMatch(/=$/);
  });

  it('Query Files (directoryPath, topK; match.node.name and match.score)', async () => {
    // Query answers from indexed files only, and only a FileSet with AI enabled is indexed.
    await fetch(`${base}/api/files/v1/filesets/${filesetId}`, { method: 'POST', headers: jsonHeaders(), body: JSON.stringify({ aiEnabled: true }) });
    await uploadAsReference(filesetId, 'Q2 2024 quarterly sales data: west 100, east 200.', 'Q2-2024-sales.txt', 'reports/quarterly');
    await uploadAsReference(filesetId, 'Q1 2024 quarterly sales data: west 90.', 'Q1-2024-sales.txt', 'reports/quarterly');
    await uploadAsReference(filesetId, 'quarterly sales data outside the directory', 'other.txt', 'elsewhere');
    const result = (await fetch(`${base}/api/files/v1/filesets/${filesetId}/query`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({ query: 'quarterly sales data', directoryPath: 'reports/quarterly', topK: 5 }),
    }).then((r) => r.json())) as any;
    const names = result.matches.map((match: any) => match.node.name);
    expect(names.sort()).toEqual(['Q1-2024-sales.txt', 'Q2-2024-sales.txt']);
    for (const match of result.matches) {
      expect(match.id).toBe(match.node.id);
      expect(match.node).toMatchObject({
        path: expect.stringMatching(/^reports\/quarterly\//),
        fileType: expect.any(String),
        contentType: 'text/plain',
        size: expect.any(Number),
        type: 'TEXT',
      });
      expect(match.score).toBeGreaterThan(0);
      expect(match.score).toBeLessThanOrEqual(1);
    }
  });

  it('Search FileSets (Example 1 and Example 2)', async () => {
    await fetch(`${base}/api/files/v1/filesets`, { method: 'POST', headers: jsonHeaders(), body: JSON.stringify({ name: 'Marketing Assets' }) });
    const ex1 = (await fetch(`${base}/api/files/v1/filesets/search?limit=50&offset=0`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({}),
    }).then((r) => r.json())) as any;
    expect(ex1.fileSets.map((f: any) => f.name).sort()).toEqual(['Marketing Assets', 'Updated FileSet Name']);
    expect(ex1.pageContext).toMatchObject({ offset: 0, limit: 50, total: 2 });
    for (const f of ex1.fileSets)
      hasFields(f, ['id', 'name', 'description', 'created', 'createdBy', 'updated', 'updatedBy', 'owner', 'permission', 'fileCount']);
    const ex2 = (await fetch(`${base}/api/files/v1/filesets/search`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({
        fieldSort: [{ field: 'name', order: 'ASC' }],
        filters: [{ field: 'name', value: ['Marketing'], operator: 'LIKE', not: false }],
        dateFilters: [{ field: 'created', start: new Date('2024-06-01').toISOString(), end: new Date('2024-06-30').toISOString() }],
      }),
    }).then((r) => r.json())) as any;
    // Nothing here was created in June 2024: the date filter leaves an empty, well-formed page.
    expect(ex2.fileSets).toEqual([]);
    expect(ex2.pageContext).toMatchObject({ offset: 0, total: 0 });
    const ex2NoDates = (await fetch(`${base}/api/files/v1/filesets/search`, {
      method: 'POST',
      headers: jsonHeaders(),
      body: JSON.stringify({ fieldSort: [{ field: 'name', order: 'ASC' }], filters: [{ field: 'name', value: ['Marketing'], operator: 'LIKE', not: false }] }),
    }).then((r) => r.json())) as any;
    expect(ex2NoDates.fileSets.map((f: any) => f.name)).toEqual(['Marketing Assets']);
  });

  it('Delete Files by Path and Delete File by Id', async () => {
    const byPath = await fetch(`${base}/api/files/v1/filesets/${filesetId}/path?path=rules.txt`, { method: 'DELETE', headers: jsonHeaders() }).then((r) =>
      r.json(),
    );
    expect(byPath).toEqual({ status: 'success', message: 'File deleted successfully.' });
    const notes = (await fetch(`${base}/api/files/v1/filesets/${filesetId}/path?path=reports/notes.txt`, { headers: jsonHeaders() }).then((r) =>
      r.json(),
    )) as any;
    const byId = await fetch(`${base}/api/files/v1/filesets/${filesetId}/files/${notes.id}`, { method: 'DELETE', headers: jsonHeaders() }).then((r) =>
      r.json(),
    );
    expect(byId).toEqual({ status: 'success', message: 'File deleted successfully.' });
  });

  it('Delete FileSet by Id', async () => {
    const result = await fetch(`${base}/api/files/v1/filesets/${filesetId}`, { method: 'DELETE', headers: jsonHeaders() }).then((r) => r.json());
    expect(result).toEqual({ status: 'success', message: 'FileSet deleted successfully.' });
  });
});

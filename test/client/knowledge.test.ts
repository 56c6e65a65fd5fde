/**
 * The knowledge-base operations (access, ownership, stats, reindex) on the wire, in each documented reading,
 * and deleteFileSet's forced emptying against a server that refuses to delete a FileSet holding files.
 */
import { ConflictError, ValidationError } from '../../client';
import { catchErr, testClient } from './helpers/client';
import { domoError, json, scriptedServer, type Recorded, type ScriptedServer } from './helpers/scripted-server';

const body = (r: Recorded): unknown => JSON.parse(r.body.toString());

describe('access, ownership, stats and reindex', () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('getAccess reads fileSetAccess and the older indexAccess key', async () => {
    server = await scriptedServer((_req, res, n) =>
      json(
        res,
        200,
        n === 1
          ? { fileSetId: 'fs', fileSetAccess: [{ entityId: 27, entityType: 'USER', permission: 'OWNER' }] }
          : { fileSetId: 'fs', indexAccess: [{ entityId: 42, entityType: 'GROUP', permission: 'READ' }] },
      ),
    );
    const client = testClient(server.url);
    await expect(client.getAccess('fs')).resolves.toEqual({ fileSetId: 'fs', fileSetAccess: [{ entityId: 27, entityType: 'USER', permission: 'OWNER' }] });
    await expect(client.getAccess('fs')).resolves.toEqual({ fileSetId: 'fs', fileSetAccess: [{ entityId: 42, entityType: 'GROUP', permission: 'READ' }] });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/files/v1/filesets/fs/access', 'GET /api/files/v1/filesets/fs/access']);
    await client.close();
  });

  it('updateAccess sends only the grants given (NONE revokes) and returns the new list', async () => {
    server = await scriptedServer((_req, res) =>
      json(res, 200, { fileSetId: 'fs', fileSetAccess: [{ entityId: 27, entityType: 'USER', permission: 'OWNER' }] }),
    );
    const client = testClient(server.url);
    const grants = [
      { entityId: 42, entityType: 'GROUP' as const, permission: 'EDIT' as const },
      { entityId: 9, entityType: 'USER' as const, permission: 'NONE' as const },
    ];
    await expect(client.updateAccess('fs', grants)).resolves.toMatchObject({ fileSetAccess: [{ entityId: 27 }] });
    expect(server.requests[0].method).toBe('POST');
    expect(server.requests[0].url).toBe('/api/files/v1/filesets/fs/access');
    expect(body(server.requests[0])).toEqual({ fileSetAccess: grants });
    await client.close();
  });

  it('refuses malformed grants and user ids before any request', async () => {
    server = await scriptedServer((_req, res) => json(res, 200, {}));
    const client = testClient(server.url);
    await expect(client.updateAccess('fs', [{ entityId: 1, entityType: 'TEAM', permission: 'READ' } as never])).rejects.toBeInstanceOf(ValidationError);
    await expect(client.updateAccess('fs', [{ entityId: 1, entityType: 'USER', permission: 'ADMIN' } as never])).rejects.toBeInstanceOf(ValidationError);
    await expect(client.transferOwnership('fs', 1.5)).rejects.toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(0);
    await client.close();
  });

  it('transferOwnership posts {userId} and reads the access answer', async () => {
    server = await scriptedServer((_req, res) =>
      json(res, 200, {
        fileSetId: 'fs',
        fileSetAccess: [
          { entityId: 109, entityType: 'USER', permission: 'OWNER' },
          { entityId: 27, entityType: 'USER', permission: 'OWNER' },
        ],
      }),
    );
    const client = testClient(server.url);
    const got = await client.transferOwnership('fs', 109);
    expect(got.fileSetAccess.map((a) => a.entityId)).toEqual([109, 27]);
    expect(server.requests[0].url).toBe('/api/files/v1/filesets/fs/ownership');
    expect(body(server.requests[0])).toEqual({ userId: 109 });
    await client.close();
  });

  it('getStats accepts the example (counts) and the schema (a FileSet)', async () => {
    server = await scriptedServer((_req, res, n) =>
      json(
        res,
        200,
        n === 1
          ? { textFileTypeCount: 422, indexCompleteCount: 623, indexFailedCount: 0, indexInProgressCount: 19 }
          : { id: 'fs', name: 'Policies', fileCount: 12, size: 1000 },
      ),
    );
    const client = testClient(server.url);
    await expect(client.getStats('fs')).resolves.toMatchObject({
      textFileTypeCount: 422,
      indexCompleteCount: 623,
      indexFailedCount: 0,
      indexInProgressCount: 19,
      fileCount: null,
    });
    await expect(client.getStats('fs')).resolves.toMatchObject({ fileCount: 12, size: 1000, indexCompleteCount: null });
    expect(server.requests[0].url).toBe('/api/files/v1/filesets/fs/stats');
    await client.close();
  });

  it('reindexFiles sends each id once, reads retriedFilesCount, and sends nothing for no ids', async () => {
    server = await scriptedServer((_req, res) => json(res, 202, { retriedFilesCount: 2 }));
    const client = testClient(server.url);
    await expect(client.reindexFiles('fs', ['a', 'b', 'a'])).resolves.toEqual({ retriedFilesCount: 2 });
    expect(body(server.requests[0])).toEqual({ fileIds: ['a', 'b'] });
    expect(server.requests[0].url).toBe('/api/files/v1/filesets/fs/files/reindex');
    await expect(client.reindexFiles('fs', [])).resolves.toEqual({ retriedFilesCount: 0 });
    expect(server.requests).toHaveLength(1);
    await client.close();
  });
});

describe('deleteFileSet on a server that does not delete a FileSet holding files', () => {
  /** A stateful fake: DELETE of the FileSet answers 409 while any file remains; deleting a directory takes its children. */
  async function refusingServer(paths: string[]) {
    const entries = new Map<string, { id: string; path: string; fileType: string; size: number | null }>();
    for (const p of paths) {
      const parts = p.split('/');
      for (let i = 1; i < parts.length; i++) {
        const d = parts.slice(0, i).join('/');
        entries.set(d, { id: `id:${d}`, path: d, fileType: 'DIRECTORY', size: null });
      }
      entries.set(p, { id: `id:${p}`, path: p, fileType: 'TEXT', size: 1 });
    }
    let deleted = false;
    const server = await scriptedServer((req, res) => {
      const u = new URL(req.url, 'http://x');
      if (req.method === 'DELETE' && u.pathname === '/api/files/v1/filesets/fs') {
        if (entries.size > 0) return domoError(res, 409, 'FileSet is not empty');
        deleted = true;
        return void res.writeHead(204).end();
      }
      if (req.method === 'GET' && u.pathname === '/api/files/v1/filesets/fs')
        return deleted ? domoError(res, 404, 'gone') : json(res, 200, { id: 'fs', name: 'fs' });
      if (req.method === 'DELETE') {
        const id = decodeURIComponent(u.pathname.split('/').pop() as string);
        const e = [...entries.values()].find((x) => x.id === id);
        if (!e) return domoError(res, 404, 'gone');
        for (const k of [...entries.keys()]) if (k === e.path || k.startsWith(`${e.path}/`)) entries.delete(k);
        return void res.writeHead(204).end();
      }
      if (u.pathname.endsWith('/files/search')) return json(res, 200, { files: [...entries.values()], pageContext: { next: null } });
      return domoError(res, 500, 'unexpected');
    });
    return { server, entries, wasDeleted: () => deleted };
  }

  it('without force: ConflictError, nothing deleted', async () => {
    const fake = await refusingServer(['a/1.txt', 'b.txt']);
    const client = testClient(fake.server.url);
    await expect(client.deleteFileSet('fs')).rejects.toBeInstanceOf(ConflictError);
    expect(fake.entries.size).toBe(3);
    expect(fake.server.requests).toHaveLength(1);
    await client.close();
    await fake.server.close();
  });

  it('with force: empties it top-level entry by entry, then deletes it', async () => {
    const fake = await refusingServer(['a/1.txt', 'a/b/2.txt', 'c.txt']);
    const client = testClient(fake.server.url);
    await client.deleteFileSet('fs', { force: true });
    expect(fake.wasDeleted()).toBe(true);
    const deletes = fake.server.requests
      .filter((r) => r.method === 'DELETE')
      .map((r) => decodeURIComponent(r.url.split('/').pop() as string))
      .sort();
    // the directory 'a' takes 'a/1.txt' and 'a/b' with it: no request for them
    expect(deletes).toEqual(['fs', 'fs', 'id:a', 'id:c.txt']);
    await client.close();
    await fake.server.close();
  });

  it('with force: gives up with ConflictError when the FileSet never becomes deletable', async () => {
    const server = await scriptedServer((req, res) => {
      if (req.url.includes('/files/search')) return json(res, 200, { files: [], pageContext: { next: null } });
      domoError(res, 409, 'locked');
    });
    const client = testClient(server.url);
    const err = await catchErr(client.deleteFileSet('fs', { force: true }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(server.requests.filter((r) => r.method === 'DELETE')).toHaveLength(4);
    await client.close();
    await server.close();
  });
});

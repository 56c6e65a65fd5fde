/**
 * waitForIndex against servers the emulator does not imitate: one that reports no index status at all, and
 * one that refuses the status filter. (Against the emulator it is exercised in knowledge.test.ts.)
 */
import type { DomoFilesClient, FileEntry } from '../../client';
import { waitForIndex } from '../../loader/index-wait';

function file(path: string, indexStatus: FileEntry['indexStatus']): FileEntry {
  return {
    id: path,
    path,
    name: path,
    fileType: 'TEXT',
    kind: 'file',
    isDirectory: false,
    contentType: 'text/plain',
    size: 1,
    hash: null,
    hashAlgorithm: null,
    downloadUrl: null,
    created: null,
    createdBy: null,
    connectorKey: null,
    indexStatus,
    indexReason: null,
  };
}

/** A stand-in exposing only the two calls waitForIndex makes. */
function server(files: FileEntry[], opts: { refuseFilter?: boolean } = {}): DomoFilesClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getStats() {
      calls.push('stats');
      throw Object.assign(new Error('no /stats here'), { status: 501 });
    },
    async *listFilePages(_id: string, o: { filters?: unknown[] }) {
      calls.push(o.filters ? 'list-filtered' : 'list');
      if (o.filters && opts.refuseFilter) throw Object.assign(new Error('unknown filter field'), { status: 400 });
      yield { files, next: null };
    },
  } as unknown as DomoFilesClient & { calls: string[] };
}

test('a server that reports no index status: unsupported at once, not after the whole timeout', async () => {
  const s = server([file('a.md', null), file('b.md', null)]);
  const r = await waitForIndex(s, 'fs', new Set(['a.md', 'b.md']), { timeoutMs: 600_000, pollMs: 60_000 });
  expect(r).toMatchObject({ unsupported: true, timedOut: false, pending: 2, polls: 1 });
});

test('a server that refuses the status filter is polled with plain listings instead', async () => {
  const s = server([file('a.md', 'COMPLETED'), file('b.md', 'FAILED')], { refuseFilter: true });
  const r = await waitForIndex(s, 'fs', new Set(['a.md', 'b.md']), { timeoutMs: 60_000 });
  expect(r).toMatchObject({ completed: 1, failed: [{ path: 'b.md', reason: 'no reason given' }], pending: 0, timedOut: false });
  expect(s.calls).toEqual(['stats', 'list-filtered', 'list', 'list']);
});

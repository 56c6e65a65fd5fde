/** Report fixtures for renderer tests. */
import type { FileSetReport, Report } from '../../loader/types';

/** A FileSet report with defaults. */
export function fsReport(over: Partial<FileSetReport> = {}): FileSetReport {
  return {
    name: 'docs',
    id: '11111111-2222-3333-4444-555555555555',
    summary: { upload: 0, replace: 0, delete: 0, unchanged: 0, bytes: 0 },
    actions: [],
    ...over,
  };
}

/** A plan with one FileSet to create and one with every kind of action. */
export function mixedPlan(): Report {
  return {
    filesets: [
      fsReport({
        name: 'docs-42',
        id: null,
        create: true,
        summary: { upload: 2, replace: 0, delete: 0, unchanged: 0, bytes: 3072 },
        actions: [
          { op: 'upload', path: 'handbook/a b.md', size: 1024, hash: 'a'.repeat(64) },
          { op: 'upload', path: 'handbook/ünï #%?+&.md', size: 2048, hash: 'b'.repeat(64) },
        ],
      }),
      fsReport({
        name: 'kb|pipe',
        summary: { upload: 1, replace: 1, delete: 1, unchanged: 7, bytes: 10 },
        actions: [
          { op: 'upload', path: 'new.md', size: 4, hash: 'c'.repeat(64) },
          { op: 'replace', path: 'changed `tick`.md', size: 6, hash: 'd'.repeat(64) },
          { op: 'delete', path: 'old.md', size: 99, hash: null },
        ],
      }),
    ],
  };
}

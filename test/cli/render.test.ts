import { createColors } from 'picocolors';
import { renderReport } from '../../cli/render';
import { renderJson } from '../../cli/render/json';
import { mdCode, mdText, renderMarkdown } from '../../cli/render/markdown';
import { conclusion, formatBytes, hasChanges, statusText, totals } from '../../cli/render/summary';
import { renderText } from '../../cli/render/text';
import type { Report } from '../../loader/types';
import { fsReport, mixedPlan } from './fixtures';

const plain = createColors(false);
const colored = createColors(true);

describe('summary', () => {
  it('adds up summaries and results', () => {
    const r = mixedPlan();
    r.filesets[1].result = { uploaded: 1, replaced: 1, deleted: 0, failed: 1 };
    expect(totals(r)).toMatchObject({ upload: 3, replace: 1, delete: 1, unchanged: 7, bytes: 3082, uploaded: 1, failed: 1, refused: 0 });
  });

  it('counts a FileSet to create as a change even with no files', () => {
    expect(hasChanges({ filesets: [fsReport()] })).toBe(false);
    expect(hasChanges({ filesets: [fsReport({ create: true, id: null })] })).toBe(true);
    expect(hasChanges({ filesets: [fsReport({ summary: { upload: 0, replace: 0, delete: 1, unchanged: 0, bytes: 0 } })] })).toBe(true);
  });

  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
  });

  it('names the guard and the failure count in the status', () => {
    expect(statusText(fsReport({ refused: { guard: 'maxDeletes', message: 'm' } }), 'plan')).toBe('refused (maxDeletes)');
    expect(statusText(fsReport({ result: { uploaded: 0, replaced: 0, deleted: 0, failed: 2 }, error: { message: 'x', count: 2 } }), 'apply')).toBe('2 failed');
    expect(statusText(fsReport(), 'plan')).toBe('no changes');
    expect(statusText(fsReport({ create: true }), 'apply')).toBe('created');
  });

  it('concludes like terraform', () => {
    expect(conclusion(mixedPlan(), 'plan')).toBe('Plan: 1 FileSet to create, 3 to upload, 1 to replace, 1 to delete, 7 unchanged.');
    expect(conclusion({ filesets: [fsReport({ summary: { upload: 0, replace: 0, delete: 0, unchanged: 4, bytes: 0 } })] }, 'dry-run')).toBe(
      'Dry run: no changes (4 unchanged).',
    );
  });
});

describe('text renderer', () => {
  it('lists actions with signs, a table with a totals row, and the conclusion', () => {
    const out = renderText(mixedPlan(), { kind: 'plan', color: plain });
    expect(out).toContain('FileSet docs-42 (new)');
    expect(out).toContain('+ create FileSet');
    expect(out).toContain('+ upload  handbook/a b.md (1.0 KiB)');
    expect(out).toContain('~ replace changed `tick`.md');
    expect(out).toContain('- delete  old.md');
    expect(out).toMatch(/^FileSet\s+Upload\s+Replace\s+Delete\s+Unchanged\s+Bytes\s+Status$/m);
    expect(out).toMatch(/^docs-42\s+2\s+0\s+0\s+0\s+3\.0 KiB\s+create$/m);
    expect(out).toMatch(/^Total\s+3\s+1\s+1\s+7\s+3\.0 KiB$/m);
    expect(out.trimEnd().split('\n').pop()).toBe('Plan: 1 FileSet to create, 3 to upload, 1 to replace, 1 to delete, 7 unchanged.');
    expect(out).not.toContain('\x1b[');
  });

  it('uses apply columns and shows failures and refusals', () => {
    const r = mixedPlan();
    r.filesets[0].result = { uploaded: 2, replaced: 0, deleted: 0, failed: 0 };
    r.filesets[1].result = { uploaded: 0, replaced: 0, deleted: 0, failed: 2 };
    r.filesets[1].error = { message: '500 Internal Server Error: POST /x (3 attempts)', count: 2 };
    const out = renderText(r, { kind: 'apply', color: plain });
    expect(out).toMatch(/^FileSet\s+Uploaded\s+Replaced\s+Deleted\s+Failed\s+Unchanged\s+Bytes\s+Status$/m);
    expect(out).toMatch(/^kb\|pipe\s+0\s+0\s+0\s+2\s+7\s+10 B\s+2 failed$/m);
    expect(out).toContain('! 2 failed; first error: 500 Internal Server Error');
    const refused = renderText(
      { filesets: [fsReport({ refused: { guard: 'emptySource', message: 'source matched no file' } })] },
      { kind: 'plan', color: plain },
    );
    expect(refused).toContain('! refused by emptySource: source matched no file');
  });

  it('caps long action lists and counts the rest', () => {
    const actions = Array.from({ length: 7 }, (_, i) => ({ op: 'upload' as const, path: `f${i}`, size: 1, hash: null }));
    const out = renderText(
      { filesets: [fsReport({ actions, summary: { upload: 7, replace: 0, delete: 0, unchanged: 0, bytes: 7 } })] },
      { kind: 'plan', color: plain, maxActions: 5 },
    );
    expect(out).toContain('f4');
    expect(out).not.toContain('f5 ');
    expect(out).toContain('… and 2 more');
  });

  it('escapes control characters in paths and keeps columns aligned when coloured', () => {
    const r = {
      filesets: [
        fsReport({
          actions: [{ op: 'upload' as const, path: 'a\nb', size: 1, hash: null }],
          summary: { upload: 1, replace: 0, delete: 0, unchanged: 0, bytes: 1 },
        }),
      ],
    };
    expect(renderText(r, { kind: 'plan', color: plain })).toContain('a\\nb');
    const c = renderText(r, { kind: 'plan', color: colored });
    expect(c).toContain('\x1b[');
    // eslint-disable-next-line no-control-regex
    const stripped = c.replace(/\x1b\[[0-9;]*m/g, '');
    expect(stripped).toBe(renderText(r, { kind: 'plan', color: plain }));
  });
});

describe('markdown renderer', () => {
  it('has a heading, a summary table with totals and a collapsible action list', () => {
    const md = renderMarkdown(mixedPlan(), { kind: 'plan' });
    expect(md).toMatch(/^### domo-filesets plan$/m);
    expect(md).toContain('| FileSet | Upload | Replace | Delete | Unchanged | Bytes | Status |');
    expect(md).toContain('| --- | --: | --: | --: | --: | --: | --- |');
    expect(md).toContain('| `docs-42` | 2 | 0 | 0 | 0 | 3.0 KiB | create |');
    expect(md).toContain('| `kb\\|pipe` | 1 | 1 | 1 | 7 | 10 B | changes |');
    expect(md).toContain('| **Total** | **3** | **1** | **1** | **7** | **3.0 KiB** |  |');
    expect(md).toContain('<details><summary>Actions (6)</summary>');
    expect(md).toContain('- ➕ **create FileSet** `docs-42`');
    expect(md).toContain('**replace** ``changed `tick`.md``');
    expect(md).toContain('**delete** `old.md` in `kb|pipe`');
    expect(md.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('has no details block when nothing changes, and calls out refusals', () => {
    const md = renderMarkdown({ filesets: [fsReport({ refused: { guard: 'maxDeletePercent', message: 'would delete 80% <of> files' } })] }, { kind: 'plan' });
    expect(md).not.toContain('<details>');
    expect(md).toContain('refused by **maxDeletePercent**: would delete 80% &lt;of&gt; files');
  });

  it('escapes markdown and HTML in free text; code spans survive backticks', () => {
    expect(mdText('<b>*x*</b> | y')).toBe('&lt;b&gt;\\*x\\*&lt;/b&gt; \\| y');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('`a')).toBe('`` `a ``');
    expect(mdCode('a|b', true)).toBe('`a\\|b`');
  });

  it('uses apply columns for apply', () => {
    const r = mixedPlan();
    r.filesets[0].result = { uploaded: 2, replaced: 0, deleted: 0, failed: 0 };
    const md = renderMarkdown(r, { kind: 'apply' });
    expect(md).toContain('| FileSet | Uploaded | Replaced | Deleted | Failed | Unchanged | Bytes | Status |');
    expect(md).toContain('| `docs-42` | 2 | 0 | 0 | 0 | 0 | 3.0 KiB | created |');
  });
});

describe('json renderer', () => {
  it('prints exactly the report, one document', () => {
    const r = mixedPlan();
    const out = renderJson(r);
    expect(out.endsWith('}\n')).toBe(true);
    expect(JSON.parse(out)).toEqual(r);
  });

  it('renderReport dispatches on the format', () => {
    const r = mixedPlan();
    expect(JSON.parse(renderReport(r, 'json', 'plan', plain))).toEqual(r);
    expect(renderReport(r, 'markdown', 'plan', plain)).toContain('### domo-filesets plan');
    expect(renderReport(r, 'text', 'plan', plain)).toContain('Plan: ');
  });
});

describe('description updates', () => {
  it('count as a change and are shown in text and markdown', () => {
    const r: Report = {
      filesets: [fsReport({ update: { description: 'New <docs>' }, actions: [{ op: 'update', field: 'description', from: 'Old', to: 'New <docs>' }] })],
    };
    expect(hasChanges(r)).toBe(true);
    expect(statusText(r.filesets[0], 'plan')).toBe('changes');
    expect(renderText(r, { kind: 'plan', color: plain })).toContain('~ update description "Old" → "New <docs>"');
    expect(renderMarkdown(r, { kind: 'plan' })).toContain('- ✏️ **update description** of `docs`: `"Old"` → `"New <docs>"`');
    expect(conclusion(r, 'plan')).toBe('Plan: 1 FileSet setting to change, 0 to upload, 0 to replace, 0 to delete, 0 unchanged.');
  });
});

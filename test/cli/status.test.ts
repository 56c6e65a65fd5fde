import { ChangesPending, CliError, GuardRefused } from '../../cli/errors';
import { reportStatus } from '../../cli/status';
import { fsReport, mixedPlan } from './fixtures';

describe('report → exit status', () => {
  it('plan: 2 only with --detailed-exitcode and changes', () => {
    expect(reportStatus(mixedPlan(), { apply: false, detailedExitcode: true })).toBeInstanceOf(ChangesPending);
    expect(reportStatus(mixedPlan(), { apply: false })).toBeUndefined();
    expect(reportStatus({ filesets: [fsReport()] }, { apply: false, detailedExitcode: true })).toBeUndefined();
  });

  it('any refused FileSet → exit 3, naming it and the guard, even with failures alongside', () => {
    const r = mixedPlan();
    r.filesets[1].refused = { guard: 'maxDeletes', message: 'plan deletes 120 files, maxDeletes is 100' };
    r.filesets[0].result = { uploaded: 0, replaced: 0, deleted: 0, failed: 1 };
    const s = reportStatus(r, { apply: true });
    expect(s).toBeInstanceOf(GuardRefused);
    expect((s as GuardRefused).exitCode).toBe(3);
    expect(s?.message).toBe('FileSet "kb|pipe" refused by maxDeletes: plan deletes 120 files, maxDeletes is 100');
  });

  it('apply with failures → exit 1 with the count and first error', () => {
    const r = mixedPlan();
    r.filesets[1].result = { uploaded: 0, replaced: 0, deleted: 0, failed: 3 };
    r.filesets[1].error = { message: 'connection reset', count: 3 };
    const s = reportStatus(r, { apply: true });
    expect(s).toBeInstanceOf(CliError);
    expect((s as CliError).exitCode).toBe(1);
    expect(s?.message).toContain('3 file operations failed (FileSet "kb|pipe"); first error: connection reset');
  });

  it('a clean apply is exit 0', () => {
    const r = mixedPlan();
    r.filesets.forEach((fs) => (fs.result = { uploaded: 1, replaced: 0, deleted: 0, failed: 0 }));
    expect(reportStatus(r, { apply: true })).toBeUndefined();
  });
});

import { median, ratio, fmt, fmtRatio, markdownTable, perSecond } from '../../bench/stats';
import { corpusPath, corpusDirectoryCount, corpusSpecs } from '../../bench/corpus';
import { evaluateTargets, renderMarkdown } from '../../bench/report';
import { summarize } from '../../bench/measure';
import type { BenchReport, Measurement } from '../../bench/types';

describe('bench stats', () => {
  it('takes the median of odd and even sample counts without reordering the input', () => {
    const s = [5, 1, 3];
    expect(median(s)).toBe(3);
    expect(s).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('returns null ratios for missing or non-positive denominators', () => {
    expect(ratio(10, 2)).toBe(5);
    expect(ratio(10, 0)).toBeNull();
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(NaN, 2)).toBeNull();
    expect(perSecond(100, 0)).toBeNull();
    expect(perSecond(100, 500)).toBe(200);
  });

  it('formats numbers, ratios and right-aligns numeric markdown columns', () => {
    expect(fmt(12345.6)).toBe('12,346');
    expect(fmt(1.23456)).toBe('1.23');
    expect(fmt(null)).toBe('—');
    expect(fmtRatio(12.34)).toBe('12.3×');
    const t = markdownTable(['name', 'n'], [['a|b', '1.5'], ['c', '—']]);
    expect(t.split('\n')).toEqual(['| name | n |', '|---|---:|', '| a\\|b | 1.5 |', '| c | — |']);
  });
});

describe('bench corpus layout', () => {
  it('nests corpus A in 110 directories of 100 files and puts large files at the root', () => {
    const [a, b] = corpusSpecs(false);
    expect(corpusPath(a, 0)).toBe('d00/d00/f00000.bin');
    expect(corpusPath(a, 9999)).toBe('d09/d09/f09999.bin');
    expect(corpusDirectoryCount(a)).toBe(110);
    expect(corpusPath(b, 7)).toBe('f00007.bin');
  });
});

function m(label: string, wallMs: number, extra: Partial<Measurement> = {}): Measurement {
  return { ...summarize(label, 10000, 40960000, [{ wallMs, peakRssMB: 80, requests: null }]), ...extra };
}

describe('bench targets', () => {
  const base = (): BenchReport => ({
    mode: 'quick',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationSec: 1,
    commit: 'abc',
    machine: { cpu: 'cpu', cores: 2, memoryGiB: 8, node: 'v20', os: 'linux', openssl: null, rclone: null, curl: null },
    pageSize: 1000,
    corpora: [{ name: 'A', files: 10000, fileBytes: 4096, totalBytes: 40960000, dir: '/x' }],
    results: {
      A: {
        cold: m('cold', 2000),
        noop: m('noop', 80, { requests: { total: 12, mutating: 0, byOperation: {} } }),
        change: m('change', 300),
        plan: m('plan', 70),
        planNoCache: m('planNoCache', 400),
        seedWay: m('seed', 30000),
        curl: m('curl', 2500),
        rcloneNoop: m('rclone', 1900),
        checkCold: m('cc', 400),
        checkWarm: m('cw', 50),
      },
    },
    targets: [],
    notes: [],
  });

  it('passes and fails each target on the ratio it names', () => {
    const t = Object.fromEntries(evaluateTargets(base()).map((x) => [x.id, x]));
    expect(t['A-cold-vs-seed'].pass).toBe(true); // 15×
    expect(t['A-cold-vs-curl'].pass).toBe(false); // 1.25×
    expect(t['A-noop-share'].pass).toBe(true); // 4%
    expect(t['A-noop-requests'].pass).toBe(true); // 12 ≤ 15
    expect(t['A-noop-vs-rclone'].pass).toBe(true);
    expect(t['A-check-warm'].pass).toBe(false); // 12.5%
    expect(t['C-vs-openssl'].pass).toBeNull(); // C not measured
    expect(t.rss.pass).toBe(true);
  });

  it('renders skipped scenarios with their reason and a FAIL line for failed targets', () => {
    const r = base();
    r.results.A.curl = { ...r.results.A.curl, skipped: 'curl not installed' };
    r.targets = evaluateTargets(r);
    const md = renderMarkdown(r);
    expect(md).toContain('skipped: curl not installed');
    expect(md).toContain('| FAIL |');
    expect(md).toContain('Machine: cpu, 2 cores, 8 GiB RAM');
  });
});

import { median, ratio, fmt, fmtRatio, markdownTable, perSecond } from '../../bench/stats';
import { corpusPath, corpusDirectoryCount, corpusSpecs } from '../../bench/corpus';
import { evaluateTargets, renderMarkdown } from '../../bench/report';
import { rateFigures } from '../../bench/regime-report';
import { extrapolateSequential } from '../../bench/wan-runs';
import { summarize } from '../../bench/measure';
import { parseGnuTime } from '../../bench/proc';
import type { BenchReport, Measurement, RegimeInfo } from '../../bench/types';

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
    const t = markdownTable(
      ['name', 'n'],
      [
        ['a|b', '1.5'],
        ['c', '—'],
      ],
    );
    expect(t.split('\n')).toEqual(['| name | n |', '|---|---:|', '| a\\|b | 1.5 |', '| c | — |']);
  });
});

describe('summarize', () => {
  it("keeps the median run's requests, CPU and figures, every run's exit code, and the highest RSS", () => {
    const s = (wallMs: number, exitCode: number, rss: number) => ({
      wallMs,
      peakRssMB: rss,
      requests: { total: wallMs, mutating: 0, byOperation: {} },
      cpuMs: wallMs / 2,
      serverCpuMs: 7,
      exitCode,
      counters: { uploaded: wallMs },
    });
    const m = summarize('x', 10, 100, [s(300, 0, 90), s(100, 1, 120), s(200, 0, 80)]);
    expect(m.wallMs).toBe(200);
    expect(m.requests?.total).toBe(200);
    expect(m.cpuMs).toBe(100);
    expect(m.serverCpuMs).toBe(7);
    expect(m.counters).toEqual({ uploaded: 200 });
    expect(m.exitCodes).toEqual([0, 1, 0]);
    expect(m.peakRssMB).toBe(120);
  });
});

describe('GNU time output', () => {
  it('reads peak RSS and user + system CPU from the last line, after an exit-status line', () => {
    expect(parseGnuTime('109412 2.05 0.27\n')).toEqual({ peakRssMB: (109412 * 1024) / 1e6, cpuMs: 2320 });
    expect(parseGnuTime('Command exited with non-zero status 1\n93200 0.30 0.05\n')).toEqual({ peakRssMB: (93200 * 1024) / 1e6, cpuMs: 350 });
    expect(parseGnuTime('Command terminated by signal 9\n')).toBeNull();
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

  it('names text corpora .md, so the emulator indexes them', () => {
    const spec = { name: 'index', files: 1000, fileBytes: 4096, perDir: 100, text: true };
    expect(corpusPath(spec, 999)).toBe('d00/d09/f00999.md');
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
    // Retired on loopback: the emulator's CPU sets the pace there; the ratio stays a regression figure.
    expect(t['A-cold-vs-seed']).toBeUndefined();
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
    expect(md).toContain('is retired');
  });
});

function counts(total: number, limited = 0, byOperation: Record<string, number> = {}) {
  return { total, mutating: total, byOperation, ...(limited ? { limited } : {}) };
}

describe('regime targets', () => {
  const regimes = (): RegimeInfo[] => [
    {
      name: 'WAN',
      title: 'WAN',
      emulatorArgs: ['--latency-ms', '20'],
      corpora: [
        { name: 'wan-small', files: 1000, fileBytes: 4096, totalBytes: 4096000 },
        { name: 'wan-large', files: 10000, fileBytes: 4096, totalBytes: 40960000 },
      ],
      listing: { entries: 10110, lookups: 1 },
    },
    {
      name: 'RATE',
      title: 'Rate-limited',
      emulatorArgs: ['--rate-limit', '50', '--burst', '20'],
      corpora: [{ name: 'rate', files: 1000, fileBytes: 1024, totalBytes: 1024000 }],
      rateLimit: { rate: 50, burst: 20 },
    },
    { name: 'GIT', title: 'Git', emulatorArgs: [], corpora: [{ name: 'git', files: 10000, fileBytes: 4096, totalBytes: 40960000 }] },
    {
      name: 'INDEX',
      title: 'Index',
      emulatorArgs: ['--index-delay-ms', '2000'],
      corpora: [{ name: 'index', files: 1000, fileBytes: 4096, totalBytes: 4096000 }],
    },
  ];
  // A run that meets every regime target.
  const good = (): BenchReport => ({
    mode: 'full',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationSec: 1,
    commit: 'abc',
    machine: { cpu: 'cpu', cores: 2, memoryGiB: 8, node: 'v20', os: 'linux', openssl: null, rclone: null, curl: null },
    pageSize: 1000,
    corpora: [],
    regimes: regimes(),
    results: {
      WAN: {
        cold: m('cold', 2000, { cpuMs: 2500, serverCpuMs: 700 }),
        seedWay: m('seed', 42000),
        curl: m('curl', 6000),
        coldLarge: m('coldLarge', 20000),
        noopLarge: m('noopLarge', 900, { requests: counts(14) }),
      },
      RATE: {
        // 1,003 accepted requests: floor (1003 − 20) ÷ 50 = 19.66 s; 20.5 s is 95.9% of it.
        cold: m('cold', 20500, { requests: counts(1030, 27), exitCodes: [0, 0, 0] }),
        seedWay: m('seed', 700, { exitCodes: [1, 1, 1] }),
      },
      GIT: {
        noCache: m('noCache', 2500, { counters: { filesRead: 10000 } }),
        statOnly: m('statOnly', 2600, { counters: { filesRead: 10000 } }),
        restored: m('restored', 1500, { counters: { filesRead: 0 } }),
      },
      INDEX: {
        cold: m('cold', 1500),
        waitIndexed: m('wait', 4500, { counters: { waitMs: 3000, pollRequests: 12, statsRequests: 4, listRequests: 8 } }),
      },
    },
    targets: [],
    notes: [],
  });
  const byId = (r: BenchReport) => Object.fromEntries(evaluateTargets(r).map((x) => [x.id, x]));

  it('passes every regime target on a run that meets them, and evaluates no loopback target without loopback corpora', () => {
    const t = byId(good());
    const ids = Object.keys(t);
    expect(ids.some((id) => id.startsWith('A-') || id.startsWith('C-') || id === 'rss')).toBe(false);
    for (const id of [
      'WAN-cold-vs-seed',
      'WAN-cold-vs-curl',
      'WAN-noop-share',
      'WAN-noop-requests',
      'WAN-rss',
      'RATE-throughput',
      'RATE-429-share',
      'RATE-exit',
      'RATE-rss',
      'GIT-cache-hit',
      'GIT-rss',
      'INDEX-polling',
      'INDEX-rss',
    ]) {
      expect([id, t[id]?.pass]).toEqual([id, true]);
    }
    expect(t['WAN-noop-requests'].threshold).toBe('≤ 14'); // ceil(10110 / 1000) = 11 pages + 1 lookup + 2
  });

  it('fails each WAN target on its own threshold', () => {
    const r = good();
    r.results.WAN.cold = m('cold', 2500); // 16.8× baseline 1 (seedWay), 2.4× curl
    r.results.WAN.noopLarge = m('noopLarge', 1100, { requests: counts(15) }); // 5.5% of the cold apply; 15 > 14
    const t = byId(r);
    expect(t['WAN-cold-vs-seed'].pass).toBe(false);
    expect(t['WAN-cold-vs-curl'].pass).toBe(true);
    expect(t['WAN-noop-share'].pass).toBe(false);
    expect(t['WAN-noop-requests'].pass).toBe(false);
    r.results.WAN.cold = m('cold', 3100); // below 2× curl
    expect(byId(r)['WAN-cold-vs-curl'].pass).toBe(false);
  });

  it('measures rate-limited throughput against (accepted − burst) ÷ rate and counts 429s over all requests', () => {
    const cold = m('cold', 20500, { requests: counts(1030, 27), exitCodes: [0, 0, 0] });
    const f = rateFigures(cold, { rate: 50, burst: 20 });
    expect(f.floorMs).toBeCloseTo(19660, 6);
    expect(f.throughputShare).toBeCloseTo(19660 / 20500, 9);
    expect(f.limitedShare).toBeCloseTo(27 / 1030, 9);
    expect(f.allExitZero).toBe(true);
    const r = good();
    r.results.RATE.cold = m('cold', 29000, { requests: counts(1210, 207), exitCodes: [0, 1, 0] });
    const t = byId(r);
    expect(t['RATE-throughput'].pass).toBe(false); // 67.8%
    expect(t['RATE-429-share'].pass).toBe(false); // 17.1%
    expect(t['RATE-exit'].pass).toBe(false);
    expect(t['RATE-exit'].measured).toBe('exit 0 in 2 of 3 runs');
  });

  it('fails the git cache target when the restored cache still reads files, and polling at one request per file', () => {
    const r = good();
    r.results.GIT.restored = m('restored', 2500, { counters: { filesRead: 10000 } });
    r.results.INDEX.waitIndexed = m('wait', 9000, { counters: { pollRequests: 1000 } });
    const t = byId(r);
    expect(t['GIT-cache-hit'].pass).toBe(false);
    expect(t['INDEX-polling'].pass).toBe(false);
  });

  it('fails the RSS target of the regime whose loader scenario went over 150 MB, ignoring the baselines', () => {
    const r = good();
    r.results.WAN.seedWay = m('seed', 42000, { peakRssMB: 300 });
    expect(byId(r)['WAN-rss'].pass).toBe(true);
    r.results.WAN.noopLarge = m('noopLarge', 900, { requests: counts(14), peakRssMB: 151 });
    const t = byId(r);
    expect(t['WAN-rss'].pass).toBe(false);
    expect(t['RATE-rss'].pass).toBe(true);
  });

  it('reports a target as not measured when its scenario was skipped', () => {
    const r = good();
    r.results.WAN.curl = { ...r.results.WAN.curl, skipped: 'curl not installed' };
    delete r.results.RATE.cold.exitCodes;
    const t = byId(r);
    expect(t['WAN-cold-vs-curl'].pass).toBeNull();
    expect(t['RATE-exit'].pass).toBeNull();
  });

  it('scales the sequential seed loop linearly to the larger corpus and says so', () => {
    const x = extrapolateSequential(m('seed', 42000), 100000, 409600000, 'seed, 100,000 files');
    expect(x.wallMs).toBe(420000);
    expect(x.reps).toBe(0);
    expect(x.extrapolated).toMatch(/× 10: the loop is sequential/);
  });

  it('renders a table per regime with exit codes, 429 answers and the scenario figures', () => {
    const r = good();
    r.targets = evaluateTargets(r);
    const md = renderMarkdown(r);
    for (const title of ['#### WAN', '#### Rate-limited', '#### Git', '#### Index']) expect(md).toContain(title);
    expect(md).toContain('`--rate-limit 50 --burst 20`');
    expect(md).toContain('10,000 corpus files read');
    expect(md).toContain('waited 3.00 s after the last upload; 12 polling requests (4 /stats + 8 listings)');
    expect(md).toContain('| 2.50 / 0.700 |'); // CPU s of the loader / of the emulator
    expect(md).toMatch(/throughput 95\.\d% of the limit/);
    expect(md).not.toContain('| FAIL |');
    expect(md).not.toContain('is retired'); // no loopback corpora in this run
  });
});

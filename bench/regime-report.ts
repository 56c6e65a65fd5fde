/**
 * Targets and markdown of the regimes beyond loopback — WAN, rate-limited, hash cache in a fresh git clone,
 * apply --wait-indexed (pure functions over the report's results).
 */
import { fmt, fmtRatio, markdownTable, ratio } from './stats';
import { measured, target } from './targets';
import type { BenchReport, Measurement, RegimeInfo, TargetResult } from './types';

type Results = BenchReport['results'];

/** Peak RSS ceiling of every loader scenario, in MB. */
const RSS_LIMIT_MB = 150;

/** The loader's scenarios of each regime (the baselines' RSS is not the loader's). */
const LOADER_SCENARIOS: Record<string, string[]> = {
  WAN: ['cold', 'coldLarge', 'noopLarge'],
  RATE: ['cold'],
  GIT: ['noCache', 'statOnly', 'restored'],
  INDEX: ['cold', 'waitIndexed'],
};

/** Display order of each regime's rows. */
const ROWS: Record<string, string[]> = {
  WAN: ['cold', 'seedWay', 'curl', 'coldLarge', 'noopLarge', 'seedWayLarge'],
  RATE: ['cold', 'seedWay', 'curl'],
  GIT: ['noCache', 'statOnly', 'restored', 'clone'],
  INDEX: ['cold', 'waitIndexed'],
};

/** WAN figures: speedups over the baselines (baseline time ÷ loader time), and the no-op's cost. */
function wanFigures(
  results: Results,
  info: RegimeInfo,
  pageSize: number | null,
): {
  coldVsSeed: number | null;
  coldVsCurl: number | null;
  noopShare: number | null;
  noopRequests: number | null;
  /** pages + lookups + 2, where pages = ceil(entries ÷ page size). */
  maxNoopRequests: number | null;
  pages: number | null;
} {
  const t = (k: string): number | null => measured(results, info.name, k)?.wallMs ?? null;
  const pages = info.listing && pageSize ? Math.ceil(info.listing.entries / pageSize) : null;
  return {
    coldVsSeed: ratio(t('seedWay'), t('cold')),
    coldVsCurl: ratio(t('curl'), t('cold')),
    noopShare: ratio(t('noopLarge'), t('coldLarge')),
    noopRequests: measured(results, info.name, 'noopLarge')?.requests?.total ?? null,
    maxNoopRequests: pages === null || !info.listing ? null : pages + info.listing.lookups + 2,
    pages,
  };
}

/**
 * Rate-limited figures of one measurement: the floor is the time a perfect client needs for the requests the
 * server accepted, (accepted − burst) ÷ rate; the throughput share is floor ÷ wall time; the 429 share is
 * 429 answers ÷ all requests.
 */
export function rateFigures(
  m: Measurement | null,
  limit: { rate: number; burst: number } | undefined,
): {
  throughputShare: number | null;
  limitedShare: number | null;
  floorMs: number | null;
  allExitZero: boolean | null;
} {
  if (!m?.requests || !limit) return { throughputShare: null, limitedShare: null, floorMs: null, allExitZero: null };
  const limited = m.requests.limited ?? 0;
  const accepted = m.requests.total - limited;
  const floorMs = (Math.max(0, accepted - limit.burst) / limit.rate) * 1000;
  return {
    throughputShare: ratio(floorMs, m.wallMs),
    limitedShare: ratio(limited, m.requests.total),
    floorMs,
    allExitZero: m.exitCodes && m.exitCodes.length > 0 ? m.exitCodes.every((c) => c === 0) : null,
  };
}

const pct = (v: number): string => `${fmt(v * 100)}%`;

function rssTarget(results: Results, info: RegimeInfo): TargetResult {
  const keys = LOADER_SCENARIOS[info.name] ?? [];
  const values = keys.map((k) => measured(results, info.name, k)?.peakRssMB ?? null);
  const all = values.length > 0 && values.every((v) => v != null);
  return target(
    `${info.name}-rss`,
    `${info.name}: peak RSS of the loader ≤ ${RSS_LIMIT_MB} MB in every scenario`,
    all ? Math.max(...(values as number[])) : null,
    (v) => `${fmt(v)} MB`,
    `≤ ${RSS_LIMIT_MB} MB`,
    (v) => v <= RSS_LIMIT_MB,
    'peak RSS not measured in every loader scenario',
  );
}

function wanTargets(report: Pick<BenchReport, 'results' | 'pageSize'>, info: RegimeInfo): TargetResult[] {
  const f = wanFigures(report.results, info, report.pageSize);
  const large = info.corpora[1]?.files;
  return [
    target(
      'WAN-cold-vs-seed',
      "WAN: cold apply of A′ ≥ 20× faster than the seed's sequential loop",
      f.coldVsSeed,
      fmtRatio,
      '≥ 20×',
      (v) => v >= 20,
      'loader or seed loop not measured',
    ),
    target('WAN-cold-vs-curl', 'WAN: cold apply of A′ ≥ 2× faster than curl ×8', f.coldVsCurl, fmtRatio, '≥ 2×', (v) => v >= 2, 'loader or curl not measured'),
    target(
      'WAN-noop-share',
      `WAN: no-op re-apply of ${large ?? '?'} files ≤ 5% of their cold apply`,
      f.noopShare,
      pct,
      '≤ 5%',
      (v) => v <= 0.05,
      'loader not measured',
    ),
    target(
      'WAN-noop-requests',
      `WAN: no-op re-apply requests ≤ pages (${f.pages ?? '?'}) + lookups (${info.listing?.lookups ?? '?'}) + 2`,
      f.noopRequests,
      (v) => String(v),
      f.maxNoopRequests === null ? 'page size unknown' : `≤ ${f.maxNoopRequests}`,
      (v) => f.maxNoopRequests !== null && v <= f.maxNoopRequests,
      'loader not measured',
    ),
    rssTarget(report.results, info),
  ];
}

function rateTargets(results: Results, info: RegimeInfo): TargetResult[] {
  const m = measured(results, info.name, 'cold');
  const f = rateFigures(m, info.rateLimit);
  const codes = m?.exitCodes ?? [];
  return [
    target('RATE-throughput', 'Rate-limited: throughput ≥ 90% of the limit', f.throughputShare, pct, '≥ 90%', (v) => v >= 0.9, 'loader not measured'),
    target('RATE-429-share', 'Rate-limited: requests answered 429 ≤ 5% of all requests', f.limitedShare, pct, '≤ 5%', (v) => v <= 0.05, 'loader not measured'),
    target(
      'RATE-exit',
      'Rate-limited: every run exits 0, all files uploaded in one run',
      f.allExitZero === null ? null : codes.filter((c) => c === 0).length,
      (v) => `exit 0 in ${v} of ${codes.length} runs`,
      'every run',
      (v) => v === codes.length,
      'exit codes not recorded',
    ),
    rssTarget(results, info),
  ];
}

function gitTargets(results: Results, info: RegimeInfo): TargetResult[] {
  const read = measured(results, info.name, 'restored')?.counters?.filesRead ?? null;
  return [
    target(
      'GIT-cache-hit',
      'Git cache: a plan in a fresh clone with the cache restored reads no unchanged file',
      read,
      (v) => `${v} files read`,
      '0 files read',
      (v) => v === 0,
      'not measured',
    ),
    rssTarget(results, info),
  ];
}

function indexTargets(results: Results, info: RegimeInfo): TargetResult[] {
  const m = measured(results, info.name, 'waitIndexed');
  const files = info.corpora[0]?.files ?? null;
  return [
    target(
      'INDEX-polling',
      'Wait-indexed: polling costs /stats and listings, not one request per file',
      m?.counters?.pollRequests ?? null,
      (v) => `${v} requests for ${files ?? '?'} files`,
      `< ${files ?? '?'} (one per file)`,
      (v) => files !== null && v < files,
      'not measured',
    ),
    rssTarget(results, info),
  ];
}

/** The targets of every regime the report holds, each pass / fail / not measured (null). */
export function evaluateRegimeTargets(report: Pick<BenchReport, 'results' | 'pageSize' | 'regimes'>): TargetResult[] {
  const out: TargetResult[] = [];
  for (const info of report.regimes ?? []) {
    if (info.name === 'WAN') out.push(...wanTargets(report, info));
    else if (info.name === 'RATE') out.push(...rateTargets(report.results, info));
    else if (info.name === 'GIT') out.push(...gitTargets(report.results, info));
    else if (info.name === 'INDEX') out.push(...indexTargets(report.results, info));
  }
  return out;
}

/** A measurement's scenario-specific figures, in words. */
function details(m: Measurement): string {
  const c = m.counters ?? {};
  const parts: string[] = [];
  if (m.extrapolated) parts.push(`extrapolated: ${m.extrapolated}`);
  if (c.uploaded !== undefined && c.uploaded !== m.files) parts.push(`uploaded ${c.uploaded} of ${m.files}`);
  if (c.filesRead !== undefined) parts.push(`${c.filesRead.toLocaleString('en-US')} corpus files read`);
  if (c.readMB !== undefined) parts.push(`${fmt(c.readMB)} MB read in all`);
  if (c.waitMs !== undefined) parts.push(`waited ${fmt(c.waitMs / 1000)} s after the last upload`);
  if (c.pollRequests !== undefined) parts.push(`${c.pollRequests} polling requests (${c.statsRequests ?? 0} /stats + ${c.listRequests ?? 0} listings)`);
  if (c.indexCompleted !== undefined) parts.push(`${c.indexCompleted} files COMPLETED`);
  if (m.note) parts.push(m.note);
  return parts.join('; ');
}

function regimeTable(report: BenchReport, info: RegimeInfo): string {
  const res = report.results[info.name] ?? {};
  const rows: string[][] = [];
  for (const key of ROWS[info.name] ?? Object.keys(res)) {
    const m = res[key];
    if (!m) continue;
    if (m.skipped) {
      rows.push([m.label, `skipped: ${m.skipped}`, '', '', '', '', '', '', '', '']);
      continue;
    }
    const req = m.requests ? `${m.requests.total} (${m.requests.mutating})` : '—';
    const exits = m.exitCodes ? [...new Set(m.exitCodes)].join(', ') : '—';
    const cpu = m.cpuMs == null ? '—' : `${fmt(m.cpuMs / 1000)} / ${m.serverCpuMs == null ? '—' : fmt(m.serverCpuMs / 1000)}`;
    rows.push([
      m.label,
      fmt(m.wallMs / 1000),
      fmt(m.filesPerSec),
      cpu,
      req,
      m.requests ? String(m.requests.limited ?? 0) : '—',
      fmt(m.peakRssMB),
      String(m.reps),
      exits,
      details(m),
    ]);
  }
  return markdownTable(
    ['scenario', 'wall s', 'files/s', 'CPU s (client / emulator)', 'API requests (mutating)', 'answered 429', 'peak RSS MB', 'runs', 'exit', 'details'],
    rows,
  );
}

/** One line of derived figures under a regime's table. */
function figuresLine(report: BenchReport, info: RegimeInfo): string | null {
  const r = report.results;
  if (info.name === 'WAN') {
    const f = wanFigures(r, info, report.pageSize);
    return (
      `Cold apply of A′ vs the seed loop ${fmtRatio(f.coldVsSeed)}, vs curl ×8 ${fmtRatio(f.coldVsCurl)}; ` +
      `no-op ÷ cold (${info.corpora[1]?.files.toLocaleString('en-US') ?? '?'} files) ${f.noopShare === null ? '—' : pct(f.noopShare)}; ` +
      `no-op requests ${f.noopRequests ?? '—'} (limit ${f.maxNoopRequests ?? '?'} = ${f.pages ?? '?'} pages of ${report.pageSize ?? '?'} over ${info.listing?.entries ?? '?'} entries + ${info.listing?.lookups ?? '?'} lookup + 2).`
    );
  }
  if (info.name === 'RATE') {
    const f = rateFigures(measured(r, info.name, 'cold'), info.rateLimit);
    if (f.floorMs === null) return null;
    return (
      `Loader: throughput ${f.throughputShare === null ? '—' : pct(f.throughputShare)} of the limit ` +
      `(floor ${fmt(f.floorMs / 1000)} s = (accepted requests − burst) ÷ rate), ` +
      `${f.limitedShare === null ? '—' : pct(f.limitedShare)} of requests answered 429.`
    );
  }
  if (info.name === 'GIT') {
    const t = (k: string): number | null => measured(r, info.name, k)?.wallMs ?? null;
    const share = ratio(t('restored'), t('noCache'));
    return share === null ? null : `Plan with the cache restored takes ${pct(share)} of the plan without a cache.`;
  }
  return null;
}

/** The markdown sections of the regimes: a table per regime and its derived figures. */
export function regimesMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  for (const info of report.regimes ?? []) {
    lines.push(`#### ${info.title}`, '');
    const corpora = info.corpora.map((c) => `${c.files.toLocaleString('en-US')} × ${fmt(c.fileBytes / 1024)} KiB`).join(' and ');
    lines.push(
      `Emulator ${info.emulatorArgs.length ? `\`${info.emulatorArgs.join(' ')}\`` : 'with no network conditions'}; corpus ${corpora}. ` +
        'CPU s is user + system time of the measured process (curl: all its curl processes) and of the emulator over the same run.',
      '',
    );
    lines.push(regimeTable(report, info), '');
    const fig = figuresLine(report, info);
    if (fig) lines.push(fig, '');
  }
  return lines.join('\n');
}

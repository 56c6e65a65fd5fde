/**
 * Pure arithmetic and formatting for the benchmark report, kept apart from all I/O so the
 * smoke test in test/bench can check it without starting processes.
 */

/** Median of the samples (mean of the middle two for an even count); NaN when empty. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** numerator / denominator, or null when either is missing or the denominator is not positive. */
export function ratio(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  if (numerator == null || denominator == null) return null;
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator <= 0) return null;
  return numerator / denominator;
}

/** Items (files or bytes) per second for a wall time in milliseconds; null when the time is not positive. */
export function perSecond(count: number, wallMs: number): number | null {
  return wallMs > 0 ? (count * 1000) / wallMs : null;
}

/** Decimal megabytes (10^6), the unit openssl and most tools report throughput in. */
export function megabytes(bytes: number): number {
  return bytes / 1e6;
}

/** A number with a sensible number of significant digits for a table cell; "—" for null. */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value == null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return value.toFixed(Math.min(decimals, 4));
}

/** A ratio cell such as "12.3×"; "—" for null. */
export function fmtRatio(value: number | null | undefined): string {
  return value == null || !Number.isFinite(value) ? '—' : `${fmt(value)}×`;
}

/** Escapes the characters that would break a markdown table cell. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** A GitHub-flavoured markdown table; numeric-looking columns are right-aligned. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^(—|-?[\d,.]+(×|%)?|)$/.test((r[i] ?? '').trim())));
  const head = `| ${headers.map(cell).join(' | ')} |`;
  const sep = `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`;
  const body = rows.map((r) => `| ${headers.map((_, i) => cell(r[i] ?? '')).join(' | ')} |`);
  return [head, sep, ...body].join('\n');
}
